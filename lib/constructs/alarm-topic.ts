import { CfnCondition, CfnOutput, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/** The construct id of a stack's alarm topic (kept from the KVS stack's first topic, so its logical id stays). */
const ID = 'Alarms';

/**
 * A stack's one SNS topic for its alarms: encrypted with its own KMS key, TLS only, with an email subscription when
 * the stack's `AlarmEmail` parameter (default: the `alarmEmail` context) is given, and its ARN as the `AlarmTopicArn`
 * output. The key is a customer managed one because CloudWatch can publish to an encrypted topic only when the key
 * policy lets it use the key, which the AWS managed `alias/aws/sns` key does not.
 */
export class AlarmTopic extends sns.Topic {
  /** The stack's alarm topic, created on first use. */
  static of(scope: Construct): AlarmTopic {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(ID) as AlarmTopic | undefined) ?? new AlarmTopic(stack);
  }

  /** Alarms this topic is told of. */
  static notify(scope: Construct, ...alarms: cloudwatch.Alarm[]): void {
    const action = new cwActions.SnsAction(AlarmTopic.of(scope));
    for (const alarm of alarms) alarm.addAlarmAction(action);
  }

  private constructor(stack: Stack) {
    const masterKey = new kms.Key(stack, `${ID}Key`, {
      description: `${stack.stackName}: encrypts the alarm topic`,
      enableKeyRotation: true,
    });
    super(stack, ID, {
      displayName: `mediaplane ${stack.stackName} alarms`,
      enforceSSL: true,
      masterKey,
    });
    const fromCloudWatch = { StringEquals: { 'aws:SourceAccount': stack.account } };
    masterKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromCloudWatch,
      }),
    );
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topicArn],
        conditions: fromCloudWatch,
      }),
    );

    const contextEmail: unknown = stack.node.tryGetContext('alarmEmail');
    const email = new CfnParameter(stack, 'AlarmEmail', {
      type: 'String',
      description: 'An email address told of every alarm of the stack (it must confirm the subscription); empty: none',
      default: typeof contextEmail === 'string' ? contextEmail : '',
      allowedPattern: '^$|^[^@\\s]+@[^@\\s]+$',
      constraintDescription: 'an email address, or empty',
    });
    const subscription = new sns.Subscription(this, 'Email', {
      topic: this,
      protocol: sns.SubscriptionProtocol.EMAIL,
      endpoint: email.valueAsString,
    });
    const given = new CfnCondition(stack, 'AlarmEmailGiven', {
      expression: Fn.conditionNot(Fn.conditionEquals(email.valueAsString, '')),
    });
    (subscription.node.defaultChild as sns.CfnSubscription).cfnOptions.condition = given;

    new CfnOutput(stack, 'AlarmTopicArn', {
      description:
        'Subscribe to be told about every alarm of the stack (failed invocations, and more where the stack has them)',
      value: this.topicArn,
    });
  }
}
