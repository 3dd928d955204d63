import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  functionEntry,
  handlerReferences,
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

/** One function per distinct handler of the operator catalog, sized, configured and granted as each one needs. */
export class OperatorFunctions extends Construct {
  public readonly operators: OperatorDefinition[];

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
    const values: Record<OperatorEnvironmentVariable, string> = {
      DATAPLANE_HANDLER_ARN: props.dataplaneHandler.functionArn,
      DATAPLANE_BUCKET: props.dataplaneBucket.bucketName,
      WORKFLOW_EXECUTION_TABLE_NAME: props.executionTable.tableName,
      SCHEDULER_FUNCTION_ARN: props.scheduler.functionArn,
    };
    const { entry, handler } = functionEntry(reference);
    const fn = new MediaFunction(this, reference.replace(/[^A-Za-z0-9]/g, ''), {
      entry,
      handler,
      description: `Media Insights operator ${operator.Name}: ${reference}`,
      spec: operator,
      environment: Object.fromEntries(operator.environment.map((name) => [name, values[name]])),
    });
    this.grant(fn, operator, props);
    return fn;
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
          'analyses, which have no resource-level permissions, and search any face collection a workflow names.',
        [...new Set(findings)],
      );
    }
  }
}
