import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  PIPELINE_FUNCTIONS,
  PIPELINE_STATE_MACHINES,
  type PipelineAccess,
  type PipelineEnvironmentVariable,
  type PipelineFunction,
} from '../../lambdas/media2cloud/pipeline/catalog';
import type { Media2CloudSearch } from './media2cloud-search';
import { FailedInvocations } from './failed-invocations';
import { acknowledgeWildcards, arnToken, invokeGrantFinding } from './nag';
import { MediaFunction } from './media-function';
import { PROJECT_ROOT, type NodeFunction } from './node-function';
import { executionsFinding, executionsOf } from './executions';

export interface Media2CloudPipelineProps {
  readonly ingestBucket: s3.IBucket;
  readonly proxyBucket: s3.IBucket;
  readonly ingestTable: dynamodb.ITable;
  readonly analysisTable: dynamodb.ITable;
  /** The names of the collections' faces, which analysis gives matched faces. */
  readonly faceIndexerTable: dynamodb.ITable;
  readonly search: Media2CloudSearch;
  /** `DEFAULT_AI_OPTIONS`: a preset (`v4.default`, `v4.all`), a comma list of features or a JSON object. */
  readonly defaultAiOptions: string;
}

/**
 * The ingest and analysis pipeline: one function per entry of the pipeline catalog (sized, configured and granted as
 * the catalog says), the main, ingest and analysis state machines from their ASL files, and the EventBridge rule that
 * starts ingest for uploads to the ingest bucket.
 */
export class Media2CloudPipeline extends Construct {
  public readonly functions: ReadonlyMap<string, NodeFunction>;
  public readonly stateMachines: ReadonlyMap<string, sfn.StateMachine>;
  /** Where the asynchronously invoked functions' failed invocations are kept, by function id. */
  public readonly failedInvocations: ReadonlyMap<string, FailedInvocations>;
  /** The role ingest's MediaConvert jobs run with: reads the ingest bucket, writes the proxy bucket. */
  public readonly mediaConvertRole: iam.Role;

  constructor(scope: Construct, id: string, props: Media2CloudPipelineProps) {
    super(scope, id);
    this.mediaConvertRole = this.createMediaConvertRole(props);
    const functions = new Map<string, NodeFunction>();
    for (const spec of PIPELINE_FUNCTIONS) functions.set(spec.id, this.createFunction(spec, props));
    this.functions = functions;

    const stateMachines = new Map<string, sfn.StateMachine>();
    for (const spec of PIPELINE_STATE_MACHINES) {
      const substitutions: Record<string, string> = {};
      for (const [name, source] of Object.entries(spec.substitutions)) {
        if ('function' in source) {
          const fn = this.fn(source.function);
          substitutions[name] = fn.function.functionArn;
        } else {
          const child = stateMachines.get(source.stateMachine);
          if (!child) throw new Error(`state machine ${spec.id} needs ${source.stateMachine} declared before it`);
          substitutions[name] = child.stateMachineArn;
        }
      }
      const machine = new sfn.StateMachine(this, `${spec.id}StateMachine`, {
        definitionBody: sfn.DefinitionBody.fromFile(path.join(PROJECT_ROOT, spec.file)),
        definitionSubstitutions: substitutions,
        stateMachineType: sfn.StateMachineType.STANDARD,
        tracingEnabled: true,
        logs: {
          destination: new logs.LogGroup(this, `${spec.id}Logs`, { retention: logs.RetentionDays.ONE_MONTH }),
          level: sfn.LogLevel.ALL,
          includeExecutionData: false,
        },
      });
      // X-Ray tracing and CloudWatch Logs delivery actions have no resource-level permissions.
      const findings: string[] = ['Resource::*'];
      for (const source of Object.values(spec.substitutions)) {
        if ('function' in source) {
          const fn = this.fn(source.function);
          fn.function.grantInvoke(machine);
          findings.push(invokeGrantFinding(fn.function));
        } else {
          // `startExecution.sync:2`: start the child, watch it through the managed rule, stop it when cancelled.
          const child = stateMachines.get(source.stateMachine) as sfn.StateMachine;
          child.grantStartExecution(machine);
          machine.addToRolePolicy(
            new iam.PolicyStatement({
              actions: ['states:DescribeExecution', 'states:StopExecution'],
              resources: [executionsOf(this, child)],
            }),
          );
          findings.push(`Resource::${executionsFinding(child)}`);
        }
      }
      if (Object.values(spec.substitutions).some((source) => 'stateMachine' in source)) {
        machine.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
            resources: [
              Stack.of(this).formatArn({
                service: 'events',
                resource: 'rule',
                resourceName: 'StepFunctionsGetEventsForStepFunctionsExecutionRule',
              }),
            ],
          }),
        );
      }
      acknowledgeWildcards(
        machine.role,
        'X-Ray and CloudWatch Logs delivery actions accept only "*"; invoking a function grants its versions ' +
          '(<function>:*); a nested execution is watched and stopped by its ARN (<state machine>:*), known once started.',
        findings,
      );
      stateMachines.set(spec.id, machine);
    }
    this.stateMachines = stateMachines;

    // Now that the state machines exist, the functions that refer to them get their ARNs and permissions.
    for (const spec of PIPELINE_FUNCTIONS) {
      const fn = this.fn(spec.id);
      if (spec.environment.includes('MAIN_STATE_MACHINE_ARN')) {
        fn.function.addEnvironment('MAIN_STATE_MACHINE_ARN', this.main.stateMachineArn);
      }
      if (spec.access.includes('startMainExecution')) this.main.grantStartExecution(fn.function);
      if (spec.access.includes('completeTranscodeTasks')) {
        fn.function.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
            resources: [this.ingest.stateMachineArn],
          }),
        );
      }
      const stops = spec.access.includes('stopExecutions');
      if (stops || spec.access.includes('describeExecutions')) {
        fn.function.addToRolePolicy(
          new iam.PolicyStatement({
            // Stopping an execution found by its asset needs its description too.
            actions: ['states:DescribeExecution', ...(stops ? ['states:StopExecution'] : [])],
            resources: [...stateMachines.values()].map((machine) => executionsOf(this, machine)),
          }),
        );
        acknowledgeWildcards(
          fn.role,
          'Removal stops the asset execution it finds, and the status-change rule reads the child execution a run ' +
            'left the asset on; their ARNs are only known at run time (<state machine>:*).',
          [...stateMachines.values()].map((machine) => `Resource::${executionsFinding(machine)}`),
        );
      }
    }

    // Invoked asynchronously (by the two rules below and by `DELETE /assets/{uuid}`): what fails every attempt is kept.
    this.failedInvocations = new Map(
      ['S3Event', 'ExecutionEnded', 'AssetRemoval', 'TranscodeJobEnded'].map((id) => [
        id,
        new FailedInvocations(this, `${id}Failures`, { function: this.fn(id).function }),
      ]),
    );
    const ruleTarget = (id: string) => (this.failedInvocations.get(id) as FailedInvocations).ruleTarget(4);

    new events.Rule(this, 'IngestUploads', {
      description: 'Media2Cloud: starts ingest for objects created in the ingest bucket',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [props.ingestBucket.bucketName] } },
      },
      targets: [ruleTarget('S3Event')],
    });

    // A run that ends outside its states' catches (stopped, timed out, its host gone) would leave its asset
    // PROCESSING for ever; the original's status-change handling marks it, so does this rule.
    new events.Rule(this, 'RunEnded', {
      description: 'Media2Cloud: marks the asset of a pipeline execution that failed, timed out or was stopped',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: [...stateMachines.values()].map((machine) => machine.stateMachineArn),
        },
      },
      targets: [ruleTarget('ExecutionEnded')],
    });

    // Ingest waits for its MediaConvert jobs with a task token (in the job's UserMetadata), released by the job's
    // end: no function polls, however long the transcode. Only this deployment's jobs (proxy bucket) carry one.
    new events.Rule(this, 'TranscodeJobsEnded', {
      description: 'Media2Cloud: ends the ingest task waiting for a MediaConvert job that completed or failed',
      eventPattern: {
        source: ['aws.mediaconvert'],
        detailType: ['MediaConvert Job State Change'],
        detail: {
          status: ['COMPLETE', 'ERROR', 'CANCELED'],
          userMetadata: { bucket: [props.proxyBucket.bucketName], taskToken: [{ exists: true }] },
        },
      },
      targets: [ruleTarget('TranscodeJobEnded')],
    });
  }

  /** The state machine that ingests an asset (`startExecution.sync:2` from the main one). */
  get ingest(): sfn.StateMachine {
    return this.stateMachines.get('Ingest') as sfn.StateMachine;
  }

  /** The state machine `POST /assets` and uploads start: ingest, then analysis. */
  get main(): sfn.StateMachine {
    return this.stateMachines.get('Main') as sfn.StateMachine;
  }

  /** The state machine `POST /analysis/{uuid}` starts. */
  get analysis(): sfn.StateMachine {
    return this.stateMachines.get('Analysis') as sfn.StateMachine;
  }

  /** The function `DELETE /assets/{uuid}` invokes. */
  get removal(): NodeFunction {
    return this.fn('AssetRemoval');
  }

  private fn(id: string): NodeFunction {
    const fn = this.functions.get(id);
    if (!fn) throw new Error(`unknown pipeline function ${id}`);
    return fn;
  }

  /** MediaConvert reads uploads from the ingest bucket and writes proxies to the proxy bucket, nothing else. */
  private createMediaConvertRole(props: Media2CloudPipelineProps): iam.Role {
    const role = new iam.Role(this, 'MediaConvertRole', {
      assumedBy: new iam.ServicePrincipal('mediaconvert.amazonaws.com'),
      description: 'Media2Cloud ingest MediaConvert jobs: read uploads, write proxies',
    });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.ingestBucket.arnForObjects('*')] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [props.proxyBucket.arnForObjects('*')] }),
    );
    acknowledgeWildcards(
      role,
      'MediaConvert reads any upload of the ingest bucket and writes under the proxy bucket per asset (<uuid>/...), ' +
        'keys known only at run time; the two buckets are the whole scope.',
      [`Resource::${arnToken(props.ingestBucket)}/*`, `Resource::${arnToken(props.proxyBucket)}/*`],
    );
    return role;
  }

  private createFunction(spec: PipelineFunction, props: Media2CloudPipelineProps): NodeFunction {
    const values: Record<Exclude<PipelineEnvironmentVariable, 'MAIN_STATE_MACHINE_ARN'>, string> = {
      MEDIACONVERT_ROLE_ARN: this.mediaConvertRole.roleArn,
      INGEST_TABLE_NAME: props.ingestTable.tableName,
      AIML_TABLE_NAME: props.analysisTable.tableName,
      FACEINDEXER_TABLE_NAME: props.faceIndexerTable.tableName,
      INGEST_BUCKET: props.ingestBucket.bucketName,
      PROXY_BUCKET: props.proxyBucket.bucketName,
      SEARCH_ENDPOINT: props.search.domain.domainEndpoint,
      DEFAULT_AI_OPTIONS: props.defaultAiOptions,
    };
    const fn = new MediaFunction(this, spec.id, {
      entry: spec.entry,
      handler: spec.handler,
      description: spec.description,
      spec,
      environment: Object.fromEntries(
        spec.environment.flatMap((name) => (name === 'MAIN_STATE_MACHINE_ARN' ? [] : [[name, values[name]]])),
      ),
    });
    this.grant(fn, spec.access, props);
    return fn;
  }

  private grant(fn: NodeFunction, access: readonly PipelineAccess[], props: Media2CloudPipelineProps): void {
    const findings = new Set<string>();
    const bucketObjects = (bucket: s3.IBucket) => `Resource::${arnToken(bucket)}/*`;
    for (const each of new Set(access)) {
      switch (each) {
        case 'readIngestBucket':
        case 'readProxyBucket': {
          const bucket = each === 'readIngestBucket' ? props.ingestBucket : props.proxyBucket;
          fn.role.addToPolicy(
            new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }),
          );
          fn.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
          findings.add(bucketObjects(bucket));
          break;
        }
        case 'writeProxyBucket':
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: ['s3:PutObject'],
              resources: [props.proxyBucket.arnForObjects('*')],
            }),
          );
          findings.add(bucketObjects(props.proxyBucket));
          break;
        case 'deleteProxyObjects':
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: ['s3:DeleteObject'],
              resources: [props.proxyBucket.arnForObjects('*')],
            }),
          );
          fn.role.addToPolicy(
            new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.proxyBucket.bucketArn] }),
          );
          findings.add(bucketObjects(props.proxyBucket));
          break;
        case 'ingestTable':
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
              resources: [props.ingestTable.tableArn],
            }),
          );
          break;
        case 'aimlTable':
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: ['dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
              resources: [props.analysisTable.tableArn],
            }),
          );
          break;
        case 'readFaceIndexerTable':
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: ['dynamodb:BatchGetItem'],
              resources: [props.faceIndexerTable.tableArn],
            }),
          );
          break;
        case 'searchIndex':
          props.search.grantIndex(fn.function, ['GET', 'PUT', 'POST', 'DELETE']);
          findings.add(`Resource::${arnToken(props.search.domain)}/content/*`);
          break;
        case 'analyseWithAi': {
          const stack = Stack.of(this);
          // These Rekognition, Comprehend and Textract actions have no resource-level permissions.
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: [
                ...REKOGNITION_ACTIONS.map((action) => `rekognition:${action}`),
                'comprehend:BatchDetectKeyPhrases',
                'comprehend:BatchDetectEntities',
                'comprehend:DetectSentiment',
                'textract:DetectDocumentText',
              ],
              resources: ['*'],
            }),
          );
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: ['rekognition:SearchFacesByImage', 'rekognition:StartFaceSearch'],
              resources: [stack.formatArn({ service: 'rekognition', resource: 'collection', resourceName: '*' })],
            }),
          );
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: ['transcribe:StartTranscriptionJob', 'transcribe:GetTranscriptionJob'],
              resources: [stack.formatArn({ service: 'transcribe', resource: 'transcription-job', resourceName: '*' })],
            }),
          );
          findings.add('Resource::*');
          findings.add('Resource::arn:<AWS::Partition>:rekognition:<AWS::Region>:<AWS::AccountId>:collection/*');
          findings.add('Resource::arn:<AWS::Partition>:transcribe:<AWS::Region>:<AWS::AccountId>:transcription-job/*');
          break;
        }
        case 'startMediaConvertJobs': {
          const stack = Stack.of(this);
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: ['mediaconvert:CreateJob'],
              resources: [
                stack.formatArn({ service: 'mediaconvert', resource: 'queues', resourceName: 'Default' }),
                stack.formatArn({ service: 'mediaconvert', resource: 'jobs', resourceName: '*' }),
              ],
            }),
          );
          this.mediaConvertRole.grantPassRole(fn.role);
          findings.add('Resource::arn:<AWS::Partition>:mediaconvert:<AWS::Region>:<AWS::AccountId>:jobs/*');
          break;
        }
        case 'startMainExecution':
        case 'stopExecutions':
        case 'completeTranscodeTasks':
        case 'describeExecutions':
          // Granted once the state machines exist (see the constructor).
          break;
      }
    }
    acknowledgeWildcards(
      fn.role,
      'Media2Cloud keys objects by asset (<uuid>/...) and documents by uuid: the pipeline works on objects and ' +
        'documents of assets created at run time; MediaConvert names the jobs it creates. The AI analyses call Rekognition, Comprehend and Textract actions ' +
        'that have no resource-level permissions, search the face collection aiOptions name, and start ' +
        'transcription jobs named per asset and run.',
      [...findings],
    );
  }
}

/** The Rekognition calls of the video and image analyses (no resource-level permissions). */
const REKOGNITION_ACTIONS = [
  'DetectLabels',
  'DetectFaces',
  'RecognizeCelebrities',
  'DetectModerationLabels',
  'DetectText',
  'StartLabelDetection',
  'GetLabelDetection',
  'StartFaceDetection',
  'GetFaceDetection',
  'StartCelebrityRecognition',
  'GetCelebrityRecognition',
  'StartContentModeration',
  'GetContentModeration',
  'StartTextDetection',
  'GetTextDetection',
  'StartSegmentDetection',
  'GetSegmentDetection',
  'StartPersonTracking',
  'GetPersonTracking',
  'GetFaceSearch',
];
