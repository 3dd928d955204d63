import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic';

export interface FailedInvocationsProps {
  /** A function invoked asynchronously: by EventBridge, by S3, or with `InvocationType: Event`. */
  readonly function: lambda.IFunction;
  /** Attempts Lambda makes after a failed asynchronous invocation. @default 2 (Lambda's own default) */
  readonly retryAttempts?: number;
}

/**
 * Where a function's asynchronous invocations go once every attempt has failed: an encrypted SQS queue (the
 * function's on-failure destination, kept 14 days) and an alarm as soon as one is there, sent to the stack's alarm
 * topic. Without it Lambda drops the
 * event after its retries, and a removal or an ingest start that keeps failing leaves nothing to see.
 */
export class FailedInvocations extends Construct {
  public readonly queue: sqs.Queue;
  public readonly alarm: cloudwatch.Alarm;
  private readonly function: lambda.IFunction;

  constructor(scope: Construct, id: string, props: FailedInvocationsProps) {
    super(scope, id);
    this.function = props.function;
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the last stop of a function's failed invocations (its on-failure destination and " +
        "its rules' dead-letter queue): messages are kept 14 days for an operator to inspect and replay, and alarmed on.",
    });
    props.function.configureAsyncInvoke({
      onFailure: new destinations.SqsDestination(this.queue),
      retryAttempts: props.retryAttempts ?? 2,
    });
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription: `Asynchronous invocations of ${props.function.node.path} failed every attempt; see the queue`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    AlarmTopic.notify(this, this.alarm);
  }

  /**
   * An EventBridge target for the function whose undeliverable events (EventBridge's own retries spent, e.g. while
   * the function is throttled) land in the same queue.
   */
  ruleTarget(retryAttempts: number): targets.LambdaFunction {
    return new targets.LambdaFunction(this.function, { retryAttempts, deadLetterQueue: this.queue });
  }
}
