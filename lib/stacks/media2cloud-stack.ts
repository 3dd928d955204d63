import { CfnOutput, CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ANALYSIS_TABLE } from '../../lambdas/media2cloud/tables/analysis';
import { INGEST_TABLE } from '../../lambdas/media2cloud/tables/ingest';
import { FACE_INDEXER_TABLE } from '../../lambdas/media2cloud/tables/face-indexer';
import { FACE_IMAGE_PREFIX } from '../../lambdas/media2cloud/shared/face-names';
import { MEDIA2CLOUD_ROUTES } from '../../lambdas/media2cloud/routes';
import { RestApiFromRoutes } from '../constructs/rest-api-from-routes';
import { Media2CloudPipeline } from '../constructs/media2cloud-pipeline';
import { Media2CloudSearch, searchClusterSizeContext } from '../constructs/media2cloud-search';
import { Media2CloudWebPortal } from '../constructs/media2cloud-web-portal';
import { AI_OPTIONS_SETTINGS_KEY } from '../../lambdas/media2cloud/pipeline/domain/layout';
import { acknowledgeWildcards, arnToken, invokeGrantFinding, tableIndexFinding } from '../constructs/nag';
import { NodeFunction } from '../constructs/node-function';
import { SecureBucket } from '../constructs/secure-bucket';
import { SecureTable } from '../constructs/secure-table';
import { executionsFinding, executionsOf } from '../constructs/executions';

/**
 * Media2Cloud v4: the RESTful API (stage `demo`), the ingest and proxy buckets, the ingest and analysis tables, the
 * ingest/analysis pipeline and the OpenSearch domain behind `/search`.
 */
export class Media2CloudStack extends Stack {
  public readonly api: RestApiFromRoutes;
  public readonly ingestBucket: s3.Bucket;
  public readonly proxyBucket: s3.Bucket;
  public readonly pipeline: Media2CloudPipeline;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { description: 'mediaplane: Media2Cloud v4 API, ingest and analysis pipeline, search', ...props });

    const defaultAiOptions = new CfnParameter(this, 'DefaultAIOptions', {
      type: 'String',
      default: 'v4.default',
      description:
        'aiOptions for assets ingested without any (and no global settings): v4.default, v4.all, a comma list of ' +
        'features to turn on, or a JSON object.',
    });

    const bedrockModelId = new CfnParameter(this, 'BedrockModelId', {
      type: 'String',
      default: 'anthropic.claude-3-haiku-20240307-v1:0',
      description:
        'The Claude model on Amazon Bedrock, in this region, that answers /genai/* (enable access to it first); ' +
        'empty to turn those routes off.',
    });

    const accessLogs = new SecureBucket(this, 'AccessLogs').bucket;
    // Browsers upload straight to the ingest bucket (presigned or Cognito credentials), as the original's web app.
    this.ingestBucket = new SecureBucket(this, 'Ingest', {
      accessLogs,
      eventBridge: true,
      cors: [
        {
          allowedOrigins: ['*'],
          allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.PUT, s3.HttpMethods.POST, s3.HttpMethods.HEAD],
          allowedHeaders: ['*'],
          exposedHeaders: [
            'ETag',
            'Content-Length',
            'Content-Type',
            'Content-Range',
            'x-amz-meta-uuid',
            'x-amz-meta-md5',
          ],
          maxAge: 3000,
        },
      ],
    }).bucket;
    this.proxyBucket = new SecureBucket(this, 'Proxy', {
      accessLogs,
      cors: [
        {
          allowedOrigins: ['*'],
          allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag', 'Content-Length', 'Content-Type', 'Content-Range'],
          maxAge: 3000,
        },
      ],
    }).bucket;

    const ingestTable = new SecureTable(this, 'IngestTable', { schema: INGEST_TABLE });
    const analysisTable = new SecureTable(this, 'AnalysisTable', { schema: ANALYSIS_TABLE });
    const faceIndexerTable = new SecureTable(this, 'FaceIndexerTable', { schema: FACE_INDEXER_TABLE });

    const search = new Media2CloudSearch(this, 'Search', {
      size: searchClusterSizeContext(this.node.tryGetContext('media2cloudSearchCluster')),
    });
    this.pipeline = new Media2CloudPipeline(this, 'Pipeline', {
      ingestBucket: this.ingestBucket,
      proxyBucket: this.proxyBucket,
      ingestTable,
      analysisTable,
      faceIndexerTable,
      search,
      defaultAiOptions: defaultAiOptions.valueAsString,
    });

    const portal = new Media2CloudWebPortal(this, 'WebPortal');

    const apiHandler = new NodeFunction(this, 'ApiHandler', {
      entry: 'media2cloud/api/handler.ts',
      description: 'Media2Cloud v4 RESTful API (assets, analysis, search)',
      environment: {
        INGEST_TABLE_NAME: ingestTable.tableName,
        AIML_TABLE_NAME: analysisTable.tableName,
        FACEINDEXER_TABLE_NAME: faceIndexerTable.tableName,
        INGEST_BUCKET: this.ingestBucket.bucketName,
        PROXY_BUCKET: this.proxyBucket.bucketName,
        MAIN_STATE_MACHINE_ARN: this.pipeline.main.stateMachineArn,
        ANALYSIS_STATE_MACHINE_ARN: this.pipeline.analysis.stateMachineArn,
        REMOVAL_FUNCTION_ARN: this.pipeline.removal.function.functionArn,
        SEARCH_ENDPOINT: search.domain.domainEndpoint,
        DEFAULT_AI_OPTIONS: defaultAiOptions.valueAsString,
        USER_POOL_ID: portal.userPool.userPoolId,
        IOT_POLICY_NAME: portal.statusPolicy.ref,
        BEDROCK_MODEL_ID: bedrockModelId.valueAsString,
      },
    });
    const fn = apiHandler.function;
    ingestTable.grantReadWriteData(fn);
    analysisTable.grantReadWriteData(fn);
    // HEAD of the source object and GET of a batch manifest, in the ingest bucket only.
    apiHandler.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.ingestBucket.arnForObjects('*')] }),
    );
    // Without ListBucket, S3 answers a missing key with 403 instead of 404.
    apiHandler.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.ingestBucket.bucketArn] }),
    );
    // The custom vocabularies, language models and entity recognizers the analysis settings offer.
    apiHandler.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['transcribe:ListVocabularies', 'transcribe:ListLanguageModels', 'comprehend:ListEntityRecognizers'],
        resources: ['*'],
      }),
    );
    this.pipeline.main.grantStartExecution(fn);
    this.pipeline.analysis.grantStartExecution(fn);
    this.pipeline.removal.function.grantInvoke(fn);
    search.grantIndex(fn, ['GET', 'POST']);
    // GET /execution: the status of the pipeline's executions, and of no other state machine's.
    const machines = [...this.pipeline.stateMachines.values()];
    apiHandler.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: machines.map((machine) => executionsOf(this, machine)),
      }),
    );
    // /settings/aioptions: the one object holding the global aiOptions, which the pipeline reads at ingest.
    apiHandler.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [this.proxyBucket.arnForObjects(AI_OPTIONS_SETTINGS_KEY)],
      }),
    );
    // Without ListBucket, S3 answers a missing settings object with 403 instead of 404.
    apiHandler.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.proxyBucket.bucketArn] }),
    );
    // /rekognition/*: the account's face collections in this region, and its Custom Labels projects.
    apiHandler.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'rekognition:ListCollections',
          'rekognition:DescribeCollection',
          'rekognition:CreateCollection',
          'rekognition:DeleteCollection',
        ],
        resources: [this.formatArn({ service: 'rekognition', resource: 'collection', resourceName: '*' })],
      }),
    );
    apiHandler.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['rekognition:DescribeProjects'], resources: ['*'] }),
    );
    // /faceindexer: the faces of those collections, their names, and the face images kept in the proxy bucket.
    apiHandler.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['rekognition:IndexFaces', 'rekognition:ListFaces', 'rekognition:DeleteFaces'],
        resources: [this.formatArn({ service: 'rekognition', resource: 'collection', resourceName: '*' })],
      }),
    );
    faceIndexerTable.grantReadWriteData(fn);
    apiHandler.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.proxyBucket.arnForObjects(`${FACE_IMAGE_PREFIX}/*`)],
      }),
    );
    apiHandler.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['rekognition:DescribeProjectVersions'],
        resources: [this.formatArn({ service: 'rekognition', resource: 'project', resourceName: '*/*' })],
      }),
    );
    // /genai/*: the configured foundation model only.
    apiHandler.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock:InvokeModel'],
        resources: [
          this.formatArn({
            service: 'bedrock',
            account: '',
            resource: 'foundation-model',
            resourceName: bedrockModelId.valueAsString,
          }),
        ],
      }),
    );
    portal.grantApi(apiHandler.role);
    acknowledgeWildcards(
      apiHandler.role,
      'The API reads any upload of the ingest bucket, lists assets through the ingest table indexes, invokes the ' +
        'removal function (and its versions), searches the content index, describes the executions of the ' +
        "pipeline's state machines, manages the account's face collections (created at run time by name) and " +
        `their faces, keeps face images under ${FACE_IMAGE_PREFIX}/ of the proxy bucket (named by face id), lists ` +
        'Custom Labels projects and their versions (DescribeProjects takes no resource), attaches the status ' +
        'policy to a Cognito identity (AttachPolicy to an identity takes no resource) and lists vocabularies, ' +
        'language models and entity recognizers (no resource-level permission).',
      [
        `Resource::${arnToken(this.ingestBucket)}/*`,
        tableIndexFinding(ingestTable),
        tableIndexFinding(faceIndexerTable),
        `Resource::${arnToken(this.proxyBucket)}/${FACE_IMAGE_PREFIX}/*`,
        invokeGrantFinding(this.pipeline.removal.function),
        `Resource::${arnToken(search.domain)}/content/*`,
        ...machines.map((machine) => `Resource::${executionsFinding(machine)}`),
        'Resource::arn:<AWS::Partition>:rekognition:<AWS::Region>:<AWS::AccountId>:collection/*',
        'Resource::arn:<AWS::Partition>:rekognition:<AWS::Region>:<AWS::AccountId>:project/*/*',
        'Resource::*',
      ],
    );

    this.api = new RestApiFromRoutes(this, 'Api', {
      restApiName: 'Media2CloudApi',
      stageName: 'demo',
      description: 'Media2Cloud v4 RESTful API (mediaplane)',
      routes: MEDIA2CLOUD_ROUTES,
      handler: fn,
    });

    // Output keys are the original stack's, so scripts that read them keep working.
    new CfnOutput(this, 'ApiEndpoint', {
      description: 'Media2Cloud API endpoint, stage included (https://<id>.execute-api.<region>.amazonaws.com/demo)',
      value: this.api.stageEndpoint,
    });
    new CfnOutput(this, 'IngestBucket', {
      description: 'Upload media here: each upload is ingested and analysed',
      value: this.ingestBucket.bucketName,
    });
    new CfnOutput(this, 'ProxyBucket', {
      description: 'Proxies, thumbnails and analysis results, under <uuid>/',
      value: this.proxyBucket.bucketName,
    });
  }
}
