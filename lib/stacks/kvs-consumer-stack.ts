import * as path from 'node:path';
import { Aws, CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { parseStreamConfig } from '../../lambdas/kvs-consumer/domain/config-validation';
import type { StreamConfig } from '../../lambdas/kvs-consumer/domain/types';
import { STREAM_TABLE } from '../../lambdas/kvs-consumer/tables/streams';
import { AlarmTopic } from '../constructs/alarm-topic';
import { FailedInvocations } from '../constructs/failed-invocations';
import { acknowledgeWildcards, arnToken, invokeGrantFinding } from '../constructs/nag';
import { NodeFunction, PROJECT_ROOT } from '../constructs/node-function';
import { SecureBucket } from '../constructs/secure-bucket';
import { SecureTable } from '../constructs/secure-table';

/** The metrics namespace of the consumer's embedded-metric log lines. */
export const KVS_METRICS_NAMESPACE = 'Mediaplane/KvsConsumer';

/** A bucket of another stack, its ARN exported under a name of our choosing (cdk-nag findings are spelled with it). */
export interface CrossStackBucket {
  readonly bucketName: string;
  /** `Fn::ImportValue` of `arnExportName`. */
  readonly bucketArn: string;
  readonly arnExportName: string;
}

export interface KvsConsumerStackProps extends StackProps {
  /** Media2Cloud's ingest bucket: clips of streams with `clipTarget: "media2cloud"` go there. @default - none */
  readonly media2CloudIngestBucket?: CrossStackBucket;
  /** Media Insights' dataplane bucket and workflow API, for `clipTarget: {type: "media-insights"}`. @default - none */
  readonly mediaInsights?: {
    readonly dataplaneBucket: CrossStackBucket;
    /** The workflow API's URL (the WorkflowApiEndpoint output, ending with `/api/`). */
    readonly workflowApiUrl: string;
    /** `execute-api:Invoke` ARN of `POST /workflow/execution`. */
    readonly startExecutionArn: string;
  };
  /**
   * Streams to consume from deployment on, kept running by the supervisor. @default - the `kvsStreams` context
   * (a JSON list of `{streamName, startSelector?, clipSeconds?, clipTarget?}`), else none
   */
  readonly streams?: readonly StreamConfig[];
}

/**
 * The Kinesis Video Streams GetMedia consumer: a Lambda function run in a Step Functions loop per stream, a DynamoDB
 * table with each stream's lease and checkpoint, the archive bucket for fragments and clips, a supervisor that keeps
 * the configured streams' loops running, and alarms on gaps, lag and failures.
 */
export class KvsConsumerStack extends Stack {
  public readonly archiveBucket: s3.Bucket;
  public readonly streamTable: dynamodb.Table;
  public readonly consumer: NodeFunction;
  public readonly stateMachine: sfn.StateMachine;
  public readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: KvsConsumerStackProps = {}) {
    super(scope, id, { description: 'mediaplane: Kinesis Video Streams GetMedia consumer', ...props });
    const streams = props.streams ?? streamsFromContext(this.node.tryGetContext('kvsStreams'));

    const accessLogs = new SecureBucket(this, 'AccessLogs').bucket;
    this.archiveBucket = new SecureBucket(this, 'Archive', { accessLogs }).bucket;
    this.streamTable = new SecureTable(this, 'Streams', { schema: STREAM_TABLE });

    this.consumer = new NodeFunction(this, 'Consumer', {
      entry: 'kvs-consumer/handler.ts',
      description: 'Kinesis Video Streams GetMedia consumer: archives every fragment exactly once, rolls clips',
      // Lambda's limit; the consumer stops 30 s before it, at a fragment boundary, and the state machine goes on.
      timeout: Duration.minutes(15),
      // A clip is assembled in memory from its fragments (at most 600 s of them).
      memorySize: 2048,
      environment: {
        STREAM_TABLE_NAME: this.streamTable.tableName,
        ARCHIVE_BUCKET: this.archiveBucket.bucketName,
        METRICS_NAMESPACE: KVS_METRICS_NAMESPACE,
        STOP_BEFORE_DEADLINE_MS: '30000',
        POLL_SECONDS: '10',
        ...(props.media2CloudIngestBucket ? { M2C_INGEST_BUCKET: props.media2CloudIngestBucket.bucketName } : {}),
        ...(props.mediaInsights
          ? {
              MIE_DATAPLANE_BUCKET: props.mediaInsights.dataplaneBucket.bucketName,
              MIE_WORKFLOW_API: props.mediaInsights.workflowApiUrl,
            }
          : {}),
      },
    });
    const consumerFn = this.consumer.function;
    this.streamTable.grantReadWriteData(consumerFn);
    this.archiveBucket.grantReadWrite(consumerFn);
    const streamArns = this.formatArn({ service: 'kinesisvideo', resource: 'stream', resourceName: '*' });
    this.consumer.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kinesisvideo:GetDataEndpoint', 'kinesisvideo:GetMedia'],
        resources: [streamArns],
      }),
    );
    const findings = [
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      `Resource::${arnToken(this.archiveBucket)}/*`,
      `Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:stream/*`,
    ];
    const putClips = (bucket: CrossStackBucket) => {
      this.consumer.role.addToPolicy(
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [`${bucket.bucketArn}/kvs/*`] }),
      );
      findings.push(`Resource::${bucket.arnExportName}/kvs/*`);
    };
    if (props.media2CloudIngestBucket) putClips(props.media2CloudIngestBucket);
    if (props.mediaInsights) {
      putClips(props.mediaInsights.dataplaneBucket);
      this.consumer.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: [props.mediaInsights.startExecutionArn],
        }),
      );
    }
    acknowledgeWildcards(
      this.consumer.role,
      'The consumer reads any stream it is started for (streams are chosen at run time), writes and re-reads fragment ' +
        'and clip objects in its archive bucket, and puts clips under kvs/ in the pipelines it hands them to.',
      findings,
    );

    const stateMachineName = Fn.join('-', [Aws.STACK_NAME, 'kvs-consumer']);
    this.stateMachine = new sfn.StateMachine(this, 'ConsumerStateMachine', {
      stateMachineName,
      definitionBody: sfn.DefinitionBody.fromFile(path.join(PROJECT_ROOT, 'statemachines', 'kvs-consumer.asl.json')),
      definitionSubstitutions: { ConsumerFunctionArn: consumerFn.functionArn },
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'ConsumerStateMachineLogs', { retention: logs.RetentionDays.ONE_MONTH }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    consumerFn.grantInvoke(this.stateMachine);
    // The loop continues as a new execution of itself; its own ARN, spelled from its name to avoid a cycle.
    const selfArn = this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: 1 as never,
    });
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [selfArn] }),
    );
    acknowledgeWildcards(
      this.stateMachine.role,
      'X-Ray and CloudWatch Logs delivery have no resource-level permissions; the consumer function is invoked with ' +
        'its versions.',
      ['Resource::*', invokeGrantFinding(consumerFn)],
    );

    const supervisor = new NodeFunction(this, 'Supervisor', {
      entry: 'kvs-consumer/supervisor/handler.ts',
      description: 'Kinesis Video Streams consumer supervisor: restarts the loop of each configured stream',
      timeout: Duration.seconds(60),
      memorySize: 256,
      environment: {
        STREAM_TABLE_NAME: this.streamTable.tableName,
        CONSUMER_STATE_MACHINE_ARN: this.stateMachine.stateMachineArn,
        CONFIGURED_STREAMS: JSON.stringify(streams),
      },
    });
    this.streamTable.grantReadData(supervisor.function);
    this.stateMachine.grantStartExecution(supervisor.function);
    const supervisorFailures = new FailedInvocations(this, 'SupervisorFailures', { function: supervisor.function });
    new events.Rule(this, 'SuperviseStreams', {
      description: 'Kinesis Video Streams consumer: keeps a loop running for every configured stream',
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [supervisorFailures.ruleTarget(2)],
    });

    this.alarmTopic = AlarmTopic.of(this);
    const alarm = (alarmId: string, props: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, alarmId, props);
      AlarmTopic.notify(this, created);
      return created;
    };
    alarm('ConsumerErrors', {
      alarmDescription: 'The consumer function failed (Step Functions retries it; repeated failures stop the loop)',
      metric: consumerFn.metricErrors({ period: Duration.minutes(5) }),
      threshold: 3,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('LoopsFailed', {
      alarmDescription: 'A consumer loop ended in failure: its stream is not being read',
      metric: this.stateMachine.metricFailed({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const stream of streams) {
      const metric = (metricName: string, statistic: string) =>
        new cloudwatch.Metric({
          namespace: KVS_METRICS_NAMESPACE,
          metricName,
          dimensionsMap: { StreamName: stream.streamName },
          statistic,
          period: Duration.minutes(5),
        });
      const safe = stream.streamName.replace(/[^A-Za-z0-9]/g, '');
      alarm(`Gap${safe}`, {
        alarmDescription: `Stream ${stream.streamName}: fragments missing (producer gap, or the checkpoint expired and the consumer resumed by time)`,
        metric: new cloudwatch.MathExpression({
          expression: 'FILL(gaps, 0) + FILL(resumes, 0)',
          usingMetrics: { gaps: metric('FragmentGaps', 'Sum'), resumes: metric('ResumeGaps', 'Sum') },
          period: Duration.minutes(5),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`Lag${safe}`, {
        alarmDescription: `Stream ${stream.streamName}: the consumer is more than 5 minutes behind`,
        metric: metric('MillisBehindNow', 'Maximum'),
        threshold: 5 * 60 * 1000,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    new CfnOutput(this, 'ConsumerStateMachineArn', {
      description:
        'Start a consumer: StartExecution with {"config": {"streamName", "startSelector", "clipSeconds", "clipTarget"}}',
      value: this.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'ArchiveBucket', {
      description: 'Archived fragments (fragments/<stream>/<yyyy>/<mm>/<dd>/<hh>/…) and clips (clips/<stream>/…)',
      value: this.archiveBucket.bucketName,
    });
    new CfnOutput(this, 'StreamTable', {
      description: 'One item per stream: lease, checkpoint (fragment numbers as strings) and pending clip',
      value: this.streamTable.tableName,
    });
  }
}

function streamsFromContext(value: unknown): StreamConfig[] {
  if (value === undefined) return [];
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(parsed)) throw new Error('Context "kvsStreams" must be a JSON list of stream configurations');
  return parsed.map((entry) => parseStreamConfig(entry));
}
