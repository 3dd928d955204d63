import * as path from 'node:path';
import { CfnOutput, CfnParameter, CustomResource, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { PIXOP_VARIABLES, type PixopConfigKey } from '../../lambdas/pixop/config';
import { PIXOP_ROUTES } from '../../lambdas/pixop/routes';
import { PROJECTS_TABLE } from '../../lambdas/pixop/tables/projects';
import { TEAMS_TABLE } from '../../lambdas/pixop/tables/teams';
import { USERS_TABLE } from '../../lambdas/pixop/tables/users';
import { VIDEOS_TABLE } from '../../lambdas/pixop/tables/videos';
import { MEDIA_SIZING } from '../../lambdas/shared/media/function-spec';
import { MediaFunction } from '../constructs/media-function';
import { FailedInvocations } from '../constructs/failed-invocations';
import { acknowledgeWildcards, arnToken, invokeGrantFinding, tableIndexFinding } from '../constructs/nag';
import { NodeFunction, PROJECT_ROOT } from '../constructs/node-function';
import { RestApiFromRoutes } from '../constructs/rest-api-from-routes';
import { SecureBucket } from '../constructs/secure-bucket';
import { SecureTable } from '../constructs/secure-table';
import { executionsFinding, executionsOf } from '../constructs/executions';

/** The REST API's stage: Pixop's clients put it between the host and the service root. */
export const PIXOP_STAGE = 'api';

/**
 * Pixop Video Processing API v1: the accounts, videos and media services behind one REST API (JWT auth, the API's
 * own), the tables of users, teams, projects and videos, the media bucket, and the ingest and process state machines
 * whose media functions run ffmpeg and ffprobe.
 */
export class PixopStack extends Stack {
  public readonly api: RestApiFromRoutes;
  public readonly mediaBucket: s3.Bucket;
  public readonly ingest: sfn.StateMachine;
  public readonly process: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { description: 'mediaplane: Pixop Video Processing API v1, ingestion and processing', ...props });

    const maxParallelSegments = new CfnParameter(this, 'MaxParallelSegments', {
      type: 'Number',
      default: 16,
      minValue: 1,
      maxValue: 40,
      description: 'How many segments of one video encode at once (each on its own media function).',
    });
    const segmentSeconds = new CfnParameter(this, 'SegmentSeconds', {
      type: 'Number',
      default: 30,
      minValue: 2,
      maxValue: 600,
      description: 'Length of the segments a video is cut into for parallel encoding.',
    });

    const users = new SecureTable(this, 'UsersTable', { schema: USERS_TABLE });
    const teams = new SecureTable(this, 'TeamsTable', { schema: TEAMS_TABLE });
    const projects = new SecureTable(this, 'ProjectsTable', { schema: PROJECTS_TABLE });
    const videos = new SecureTable(this, 'VideosTable', { schema: VIDEOS_TABLE });

    const accessLogs = new SecureBucket(this, 'AccessLogs').bucket;
    this.mediaBucket = new SecureBucket(this, 'Media', {
      accessLogs,
      eventBridge: true,
      // Presigned uploads (POST) and redirected downloads (GET) come straight from clients, browsers included.
      cors: [
        {
          allowedOrigins: ['*'],
          allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD, s3.HttpMethods.POST],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag', 'Content-Length', 'Content-Range', 'Content-Disposition'],
          maxAge: 3000,
        },
      ],
      // Encoded segments are intermediate: a run removes them, and a run that was stopped leaves them to expire.
      lifecycleRules: [{ prefix: 'work/', expiration: Duration.days(2) }],
    }).bucket;
    const bucket = this.mediaBucket;

    const environment = (keys: readonly PixopConfigKey[], values: Partial<Record<PixopConfigKey, string>>) =>
      Object.fromEntries(keys.map((key) => [PIXOP_VARIABLES[key], values[key] as string]));
    const tables = {
      usersTable: users.tableName,
      teamsTable: teams.tableName,
      projectsTable: projects.tableName,
      videosTable: videos.tableName,
      mediaBucket: bucket.bucketName,
    };

    // Media work: one function per task of the two state machines, all from one bundle.
    const mediaFunction = (fnId: string, handler: string, description: string) =>
      new MediaFunction(this, fnId, {
        entry: 'pixop/media/handler.ts',
        handler,
        description,
        spec: { sizing: MEDIA_SIZING, tools: ['ffmpeg'] },
        environment: environment(['videosTable', 'mediaBucket'], tables),
      });
    const probe = mediaFunction('Probe', 'probe', 'Pixop ingestion: ffprobe metadata');
    const assess = mediaFunction('Assess', 'assess', 'Pixop ingestion: scanning heuristics and quality assessment');
    const encodeSegment = mediaFunction('EncodeSegment', 'encodeSegment', 'Pixop processing: encodes one segment');
    const join = mediaFunction('Join', 'join', 'Pixop processing: joins the segments and adds the audio');
    const recordFailure = new NodeFunction(this, 'RecordFailure', {
      entry: 'pixop/media/handler.ts',
      handler: 'recordFailure',
      description: 'Pixop: marks a video whose ingestion or processing failed',
      environment: environment(['videosTable', 'mediaBucket'], tables),
    });
    for (const fn of [probe, assess, encodeSegment, join, recordFailure]) {
      fn.role.addToPolicy(
        new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [videos.tableArn] }),
      );
      fn.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          resources: [bucket.arnForObjects('media/*'), bucket.arnForObjects('work/*')],
        }),
      );
      fn.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
      acknowledgeWildcards(fn.role, 'Media work reads and writes the objects of any video under media/ and work/.', [
        `Resource::${arnToken(bucket)}/media/*`,
        `Resource::${arnToken(bucket)}/work/*`,
      ]);
    }

    this.ingest = this.stateMachine('Ingest', 'pixop-ingest.asl.json', {
      ProbeFunctionArn: probe,
      AssessFunctionArn: assess,
      RecordFailureFunctionArn: recordFailure,
    });
    this.process = this.stateMachine('Process', 'pixop-process.asl.json', {
      EncodeSegmentFunctionArn: encodeSegment,
      JoinFunctionArn: join,
      RecordFailureFunctionArn: recordFailure,
    });

    const apiHandler = new NodeFunction(this, 'ApiHandler', {
      entry: 'pixop/api/handler.ts',
      description: 'Pixop Video Processing API v1 (accounts, videos, media)',
      // scrypt password checks take 64 MiB and a CPU share; more memory is more CPU.
      memorySize: 1024,
      environment: environment(
        [
          'usersTable',
          'teamsTable',
          'projectsTable',
          'videosTable',
          'mediaBucket',
          'ingestStateMachineArn',
          'processStateMachineArn',
          'maxConcurrency',
          'segmentSeconds',
        ],
        {
          ...tables,
          ingestStateMachineArn: this.ingest.stateMachineArn,
          processStateMachineArn: this.process.stateMachineArn,
          maxConcurrency: maxParallelSegments.valueAsString,
          segmentSeconds: segmentSeconds.valueAsString,
        },
      ),
    });
    const apiFn = apiHandler.function;
    users.grantReadWriteData(apiFn);
    teams.grantReadData(apiFn);
    projects.grantReadWriteData(apiFn);
    videos.grantReadWriteData(apiFn);
    apiHandler.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [bucket.arnForObjects('media/*')],
      }),
    );
    apiHandler.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    this.ingest.grantStartExecution(apiFn);
    this.process.grantStartExecution(apiFn);
    apiHandler.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['states:StopExecution'], resources: [executionsOf(this, this.process)] }),
    );
    acknowledgeWildcards(
      apiHandler.role,
      "The API reads and writes any video's media under media/, lists projects and videos through the tables' " +
        'indexes, and stops the processing run of a deleted video, whose ARN is known only at run time.',
      [
        `Resource::${arnToken(bucket)}/media/*`,
        tableIndexFinding(projects),
        tableIndexFinding(videos),
        `Resource::${executionsFinding(this.process)}`,
      ],
    );

    const uploadEvents = new NodeFunction(this, 'UploadEvents', {
      entry: 'pixop/events/handler.ts',
      description: 'Pixop: records uploads to the media bucket and starts their ingestion',
      environment: environment(['videosTable', 'mediaBucket', 'ingestStateMachineArn'], {
        ...tables,
        ingestStateMachineArn: this.ingest.stateMachineArn,
      }),
    });
    uploadEvents.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [videos.tableArn] }),
    );
    uploadEvents.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('media/*')] }),
    );
    uploadEvents.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
    this.ingest.grantStartExecution(uploadEvents.function);
    acknowledgeWildcards(uploadEvents.role, 'Uploads of any video arrive under media/.', [
      `Resource::${arnToken(bucket)}/media/*`,
    ]);
    new events.Rule(this, 'MediaUploads', {
      description: 'Pixop: records uploads (presigned or through the API) and starts ingestion',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [bucket.bucketName] }, object: { key: [{ prefix: 'media/' }] } },
      },
      targets: [new FailedInvocations(this, 'UploadEventsFailures', { function: uploadEvents.function }).ruleTarget(4)],
    });

    // Pixop's authentication (a token, or e-mail and password where the original takes HTTP Basic) runs before
    // the API function, as a REQUEST authorizer on the Authorization header. No result cache: a rotated signing
    // key, a new password or a ban must stop the very next request, and a cached Allow would outlive a token's
    // 15 minutes.
    const authorizerFunction = new NodeFunction(this, 'Authorizer', {
      entry: 'pixop/authorizer/handler.ts',
      description: 'Pixop: authenticates every API request (bearer JWT, or HTTP Basic on the accounts routes)',
      // HTTP Basic checks a scrypt hash (64 MiB and a CPU share); more memory is more CPU.
      memorySize: 1024,
      environment: environment(['usersTable'], tables),
    });
    users.grantReadData(authorizerFunction.function);
    const authorizer = new apigateway.RequestAuthorizer(this, 'PixopAuthorizer', {
      handler: authorizerFunction.function,
      identitySources: [apigateway.IdentitySource.header('Authorization')],
      resultsCacheTtl: Duration.seconds(0),
    });

    this.api = new RestApiFromRoutes(this, 'Api', {
      restApiName: 'PixopApi',
      stageName: PIXOP_STAGE,
      description: 'Pixop Video Processing REST API v1 (mediaplane)',
      routes: PIXOP_ROUTES,
      handler: apiFn,
      authorizers: { pixop: authorizer },
      gatewayResponses: pixopGatewayResponses(),
      // Media in and out: every body reaches the function base64-encoded and binary answers go back as bytes.
      binaryMediaTypes: ['*/*'],
    });

    const endpoint = this.api.stageEndpoint;
    new CfnOutput(this, 'ApiEndpoint', {
      description: 'Pixop API, stage included; the services are under it',
      value: endpoint,
    });
    new CfnOutput(this, 'AccountsApiEndpoint', {
      description: "Pixop's accounts service root",
      value: Fn.join('', [endpoint, '/accounts']),
    });
    new CfnOutput(this, 'VideosApiEndpoint', {
      description: "Pixop's videos service root",
      value: Fn.join('', [endpoint, '/videos']),
    });
    new CfnOutput(this, 'MediaApiEndpoint', {
      description: "Pixop's media service root",
      value: Fn.join('', [endpoint, '/media']),
    });
    new CfnOutput(this, 'UsersTableName', {
      description: 'For the admin CLI (npm run pixop:admin)',
      value: users.tableName,
    });
    new CfnOutput(this, 'TeamsTableName', {
      description: 'For the admin CLI (npm run pixop:admin)',
      value: teams.tableName,
    });
    new CfnOutput(this, 'MediaBucketName', {
      description: 'Originals and processed media, under media/<video id>/',
      value: bucket.bucketName,
    });

    if (this.node.tryGetContext('pixopDemoUser') === 'true')
      this.demoUser(users, teams, environment(['usersTable', 'teamsTable'], tables));
  }

  /** Local mode's demo user (see `lambdas/pixop/admin/demo-user.ts`); never part of a deployment. */
  private demoUser(users: dynamodb.Table, teams: dynamodb.Table, environment: Record<string, string>): void {
    const provider = new NodeFunction(this, 'DemoUserProvider', {
      entry: 'pixop/admin/demo-user.ts',
      description: 'Pixop local mode: creates the demo user',
      memorySize: 256,
      environment,
    });
    users.grantReadWriteData(provider.function);
    teams.grantReadWriteData(provider.function);
    const demo = new CustomResource(this, 'DemoUser', {
      serviceToken: provider.function.functionArn,
      resourceType: 'Custom::PixopDemoUser',
      properties: { Email: 'demo@pixop.example' },
    });
    new CfnOutput(this, 'DemoUserFile', {
      description: "The demo user's e-mail and password (local mode)",
      value: demo.getAttString('CredentialsFile'),
    });
  }

  private stateMachine(id: string, file: string, functions: Record<string, NodeFunction>): sfn.StateMachine {
    const machine = new sfn.StateMachine(this, `${id}StateMachine`, {
      definitionBody: sfn.DefinitionBody.fromFile(path.join(PROJECT_ROOT, 'statemachines', file)),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(functions).map(([name, fn]) => [name, fn.function.functionArn]),
      ),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    const findings = ['Resource::*'];
    for (const fn of Object.values(functions)) {
      fn.function.grantInvoke(machine);
      findings.push(invokeGrantFinding(fn.function));
    }
    acknowledgeWildcards(
      machine.role,
      'X-Ray and CloudWatch Logs delivery actions accept only "*"; invoking a function grants its versions (<function>:*).',
      findings,
    );
    return machine;
  }
}

/**
 * API Gateway's own answers in Pixop's `{exception, errorMessage}` shape. A refused token or password is the
 * authorizer's Deny, whose context names one of Pixop's exceptions; Pixop answers those with 401, not the 403 of a
 * Deny. No Authorization header at all is refused by the gateway before the authorizer runs.
 */
function pixopGatewayResponses(): apigateway.GatewayResponseOptions[] {
  const body = (exception: string, message: string) => ({
    'application/json': `{"exception":"${exception}","errorMessage":${message}}`,
  });
  return [
    {
      type: apigateway.ResponseType.ACCESS_DENIED,
      statusCode: '401',
      templates: body('$context.authorizer.exception', '"$context.authorizer.errorMessage"'),
    },
    {
      type: apigateway.ResponseType.UNAUTHORIZED,
      statusCode: '401',
      templates: body('NoJWTTokenFoundException', '"No JWT token was found in the Authorization header"'),
    },
    {
      type: apigateway.ResponseType.AUTHORIZER_FAILURE,
      statusCode: '500',
      templates: body('AuthException', '"The request could not be authenticated; try again"'),
    },
    {
      type: apigateway.ResponseType.AUTHORIZER_CONFIGURATION_ERROR,
      statusCode: '500',
      templates: body('AuthException', '"The request could not be authenticated; try again"'),
    },
    {
      // API Gateway's answer for a path no route matches.
      type: apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      templates: body('NotFoundException', '"No such resource"'),
    },
    {
      type: apigateway.ResponseType.THROTTLED,
      templates: body('TooManyRequestsException', '$context.error.messageString'),
    },
    {
      type: apigateway.ResponseType.DEFAULT_4XX,
      templates: body('BadRequestException', '$context.error.messageString'),
    },
    {
      type: apigateway.ResponseType.DEFAULT_5XX,
      templates: body('InternalServerException', '$context.error.messageString'),
    },
  ];
}
