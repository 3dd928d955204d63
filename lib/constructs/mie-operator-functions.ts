import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  functionEntry,
  handlerReferences,
  handlerSpec,
  type CatalogOperator,
  type HandlerReference,
  type OperatorEnvironmentVariable,
} from '../../lambdas/media-insights/operators/catalog';
import type { OperatorDefinition } from './media-insights-workflow';
import { acknowledgeWildcards, invokeGrantFinding } from './nag';
import { MediaFunction } from './media-function';
import type { NodeFunction } from './node-function';

export interface OperatorFunctionsProps {
  readonly catalog: readonly CatalogOperator[];
  readonly dataplaneHandler: lambda.IFunction;
  readonly dataplaneBucket: s3.IBucket;
  readonly executionTable: dynamodb.ITable;
  readonly scheduler: lambda.IFunction;
  /**
   * Buckets besides the dataplane bucket that workflow input media may live in. The data plane does not copy media,
   * so operators read it where the user keeps it; `['*']` opts into any bucket, as the original's operators.
   * @default - the dataplane bucket only
   */
  readonly mediaBuckets?: readonly string[];
}

/** Rekognition's image and stored-video analyses the operators call; none supports resource-level permissions. */
const REKOGNITION_ANALYSES = [
  'DetectFaces',
  'DetectLabels',
  'DetectModerationLabels',
  'DetectText',
  'RecognizeCelebrities',
  'StartCelebrityRecognition',
  'GetCelebrityRecognition',
  'StartContentModeration',
  'GetContentModeration',
  'StartFaceDetection',
  'GetFaceDetection',
  'StartFaceSearch',
  'GetFaceSearch',
  'StartLabelDetection',
  'GetLabelDetection',
  'StartPersonTracking',
  'GetPersonTracking',
  'StartSegmentDetection',
  'GetSegmentDetection',
  'StartTextDetection',
  'GetTextDetection',
] as const;

/**
 * One function per distinct handler of the operator catalog, sized, configured and granted as each one needs; and
 * the roles the services that operators start jobs in (MediaConvert, Comprehend) work with, when one needs them.
 */
export class OperatorFunctions extends Construct {
  public readonly operators: OperatorDefinition[];
  private mediaConvertRole?: iam.Role;
  private comprehendRole?: iam.Role;

  constructor(scope: Construct, id: string, props: OperatorFunctionsProps) {
    super(scope, id);
    const functions = new Map<HandlerReference, NodeFunction>();
    for (const reference of handlerReferences(props.catalog)) {
      const operator = props.catalog.find((entry) => entry.start === reference || entry.monitor === reference);
      if (!operator) continue;
      functions.set(reference, this.createFunction(reference, operator, props));
    }
    this.operators = props.catalog.map((operator) => ({
      Name: operator.Name,
      Type: operator.Type,
      Configuration: operator.Configuration,
      start: (functions.get(operator.start) as NodeFunction).function,
      monitor: operator.monitor ? functions.get(operator.monitor)?.function : undefined,
    }));
  }

  private createFunction(
    reference: HandlerReference,
    operator: CatalogOperator,
    props: OperatorFunctionsProps,
  ): NodeFunction {
    const values: Record<OperatorEnvironmentVariable, () => string> = {
      DATAPLANE_HANDLER_ARN: () => props.dataplaneHandler.functionArn,
      DATAPLANE_BUCKET: () => props.dataplaneBucket.bucketName,
      WORKFLOW_EXECUTION_TABLE_NAME: () => props.executionTable.tableName,
      SCHEDULER_FUNCTION_ARN: () => props.scheduler.functionArn,
      MEDIACONVERT_ROLE_ARN: () => this.mediaConvertServiceRole(props).roleArn,
      COMPREHEND_ROLE_ARN: () => this.comprehendServiceRole(props).roleArn,
    };
    const { entry, handler } = functionEntry(reference);
    const fn = new MediaFunction(this, reference.replace(/[^A-Za-z0-9]/g, ''), {
      entry,
      handler,
      description: `Media Insights operator ${operator.Name}: ${reference}`,
      spec: handlerSpec(operator, reference),
      environment: Object.fromEntries(operator.environment.map((name) => [name, values[name]()])),
    });
    this.grant(fn, operator, props);
    return fn;
  }

  /** The buckets workflow input media can live in, as object ARNs (the data plane bucket's first). */
  private mediaObjectArns(props: OperatorFunctionsProps): string[] {
    return [
      props.dataplaneBucket.arnForObjects('*'),
      ...(props.mediaBuckets ?? []).map((bucket) =>
        Stack.of(this).formatArn({ service: 's3', region: '', account: '', resource: bucket, resourceName: '*' }),
      ),
    ];
  }

  private bucketFinding(props: OperatorFunctionsProps, suffix: string): string {
    return `Resource::<${Stack.of(this).getLogicalId(props.dataplaneBucket.node.defaultChild as never)}.Arn>/${suffix}`;
  }

  /** The role MediaConvert reads workflow media and writes the audio track under `private/assets/` with. */
  private mediaConvertServiceRole(props: OperatorFunctionsProps): iam.Role {
    if (this.mediaConvertRole) return this.mediaConvertRole;
    const role = new iam.Role(this, 'MediaConvertRole', {
      assumedBy: new iam.ServicePrincipal('mediaconvert.amazonaws.com'),
      description: 'MediaConvert jobs of the Media Insights Mediaconvert operator',
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: this.mediaObjectArns(props) }));
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [props.dataplaneBucket.arnForObjects('private/assets/*')],
      }),
    );
    acknowledgeWildcards(
      role,
      'MediaConvert reads the workflow media where users keep it and writes only under the data plane bucket ' +
        'private/assets/ prefix; object names are per asset and execution, so the prefix is the narrowest scope.',
      [
        this.bucketFinding(props, '*'),
        this.bucketFinding(props, 'private/assets/*'),
        ...(props.mediaBuckets ?? []).map((bucket) => `Resource::arn:<AWS::Partition>:s3:::${bucket}/*`),
      ],
    );
    this.mediaConvertRole = role;
    return role;
  }

  /** The role Comprehend jobs read the transcript text and write their output under `private/assets/` with. */
  private comprehendServiceRole(props: OperatorFunctionsProps): iam.Role {
    if (this.comprehendRole) return this.comprehendRole;
    const role = new iam.Role(this, 'ComprehendRole', {
      assumedBy: new iam.ServicePrincipal('comprehend.amazonaws.com'),
      description:
        'Comprehend analysis jobs of the Media Insights ComprehendEntities and ComprehendKeyPhrases operators',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [props.dataplaneBucket.arnForObjects('private/assets/*')],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.dataplaneBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['private/assets/*'] } },
      }),
    );
    acknowledgeWildcards(
      role,
      "Comprehend jobs read and write only under the data plane bucket's private/assets/ prefix, where each " +
        'execution has its own folder.',
      [this.bucketFinding(props, 'private/assets/*')],
    );
    this.comprehendRole = role;
    return role;
  }

  private grant(fn: NodeFunction, operator: CatalogOperator, props: OperatorFunctionsProps): void {
    const findings: string[] = [];
    for (const access of new Set(operator.access)) {
      switch (access) {
        case 'readInputMedia':
        case 'readConfiguredObject': {
          const buckets = props.mediaBuckets ?? [];
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: ['s3:GetObject'],
              resources: [
                props.dataplaneBucket.arnForObjects('*'),
                ...buckets.map((bucket) =>
                  Stack.of(this).formatArn({
                    service: 's3',
                    region: '',
                    account: '',
                    resource: bucket,
                    resourceName: '*',
                  }),
                ),
              ],
            }),
          );
          findings.push(
            `Resource::<${Stack.of(this).getLogicalId(props.dataplaneBucket.node.defaultChild as never)}.Arn>/*`,
            ...buckets.map((bucket) => `Resource::arn:<AWS::Partition>:s3:::${bucket}/*`),
          );
          break;
        }
        case 'writeAssetOutputs':
          props.dataplaneBucket.grantReadWrite(fn.function, 'private/assets/*');
          findings.push(
            'Action::s3:Abort*',
            'Action::s3:DeleteObject*',
            'Action::s3:GetBucket*',
            'Action::s3:GetObject*',
            'Action::s3:List*',
          );
          findings.push(
            `Resource::<${Stack.of(this).getLogicalId(props.dataplaneBucket.node.defaultChild as never)}.Arn>/private/assets/*`,
          );
          break;
        case 'readAssetOutputs':
          props.dataplaneBucket.grantRead(fn.function, 'private/assets/*');
          findings.push('Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*');
          findings.push(
            `Resource::<${Stack.of(this).getLogicalId(props.dataplaneBucket.node.defaultChild as never)}.Arn>/private/assets/*`,
          );
          break;
        case 'analyseWithRekognition':
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: REKOGNITION_ANALYSES.map((action) => `rekognition:${action}`),
              resources: ['*'],
            }),
          );
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: ['rekognition:DescribeCollection', 'rekognition:SearchFacesByImage'],
              resources: [
                Stack.of(this).formatArn({ service: 'rekognition', resource: 'collection', resourceName: '*' }),
              ],
            }),
          );
          findings.push(
            'Resource::*',
            'Resource::arn:<AWS::Partition>:rekognition:<AWS::Region>:<AWS::AccountId>:collection/*',
          );
          break;
        case 'transcodeWithMediaConvert': {
          const stack = Stack.of(this);
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: ['mediaconvert:CreateJob', 'mediaconvert:GetJob'],
              resources: [
                stack.formatArn({ service: 'mediaconvert', resource: 'queues', resourceName: 'Default' }),
                stack.formatArn({ service: 'mediaconvert', resource: 'jobs', resourceName: '*' }),
              ],
            }),
          );
          this.mediaConvertServiceRole(props).grantPassRole(fn.role);
          findings.push('Resource::arn:<AWS::Partition>:mediaconvert:<AWS::Region>:<AWS::AccountId>:jobs/*');
          break;
        }
        case 'transcribeMedia':
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: ['transcribe:StartTranscriptionJob', 'transcribe:GetTranscriptionJob'],
              // The job, and the vocabularies, vocabulary filters and language models a configuration names.
              resources: [Stack.of(this).formatArn({ service: 'transcribe', resource: '*' })],
            }),
          );
          findings.push('Resource::arn:<AWS::Partition>:transcribe:<AWS::Region>:<AWS::AccountId>:*');
          break;
        case 'translateText':
          fn.role.addToPolicy(new iam.PolicyStatement({ actions: ['translate:TranslateText'], resources: ['*'] }));
          findings.push('Resource::*');
          break;
        case 'synthesizeSpeech':
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: ['polly:DescribeVoices', 'polly:StartSpeechSynthesisTask', 'polly:GetSpeechSynthesisTask'],
              resources: ['*'],
            }),
          );
          findings.push('Resource::*');
          break;
        case 'detectLanguage':
          fn.role.addToPolicy(
            new iam.PolicyStatement({ actions: ['comprehend:DetectDominantLanguage'], resources: ['*'] }),
          );
          findings.push('Resource::*');
          break;
        case 'analyseWithComprehend':
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: [
                'comprehend:StartEntitiesDetectionJob',
                'comprehend:StartKeyPhrasesDetectionJob',
                'comprehend:DescribeEntitiesDetectionJob',
                'comprehend:DescribeKeyPhrasesDetectionJob',
              ],
              resources: ['entities-detection-job', 'key-phrases-detection-job'].map((resource) =>
                Stack.of(this).formatArn({ service: 'comprehend', resource, resourceName: '*' }),
              ),
            }),
          );
          this.comprehendServiceRole(props).grantPassRole(fn.role);
          findings.push(
            'Resource::arn:<AWS::Partition>:comprehend:<AWS::Region>:<AWS::AccountId>:entities-detection-job/*',
            'Resource::arn:<AWS::Partition>:comprehend:<AWS::Region>:<AWS::AccountId>:key-phrases-detection-job/*',
          );
          break;
        case 'invokeDataplane':
          props.dataplaneHandler.grantInvoke(fn.function);
          findings.push(invokeGrantFinding(props.dataplaneHandler));
          break;
        case 'updateWorkflowExecutions':
          // Items only: `table.grant` would add the indexes, which the Wait operator never reads.
          fn.role.addToPolicy(
            new iam.PolicyStatement({
              actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
              resources: [props.executionTable.tableArn],
            }),
          );
          break;
        case 'invokeScheduler':
          props.scheduler.grantInvoke(fn.function);
          findings.push(invokeGrantFinding(props.scheduler));
          break;
      }
    }
    if (findings.length > 0) {
      acknowledgeWildcards(
        fn.role,
        'Operators read workflow media where users keep it (the data plane does not copy it; narrow with the ' +
          "mediaInsightsMediaBuckets context), read and write only under the data plane bucket's private/assets/ " +
          'prefix, invoke the data plane and scheduler functions (including their versions), call the Rekognition ' +
          'analyses, which have no resource-level permissions, and search any face collection a workflow names; ' +
          'likewise TranslateText, Polly voices and synthesis tasks and DetectDominantLanguage; the Comprehend ' +
          'analysis and MediaConvert jobs of this account (ids the services give) and ' +
          'Transcribe jobs, vocabularies and language models of this account (named by workflow configurations).',
        [...new Set(findings)],
      );
    }
  }
}
