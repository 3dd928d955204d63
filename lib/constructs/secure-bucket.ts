import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface SecureBucketProps {
  /** Where this bucket's server access logs go. @default - this bucket is itself an access-log bucket */
  readonly accessLogs?: s3.IBucket;
  /** Prefix for the access logs in `accessLogs`. @default - the construct id */
  readonly accessLogsPrefix?: string;
  /** @default - none */
  readonly cors?: s3.CorsRule[];
  /** @default RemovalPolicy.RETAIN (media is never deleted by a stack update) */
  readonly removalPolicy?: RemovalPolicy;
  /** @default - none */
  readonly lifecycleRules?: s3.LifecycleRule[];
  /**
   * Send this bucket's events to EventBridge. Set on the bucket resource itself (CloudFormation supports it), not
   * through the notifications custom resource CDK would add, which is a Python function. @default false
   */
  readonly eventBridge?: boolean;
}

/** An S3 bucket with the project's defaults: private, encrypted, TLS only, access-logged, versioning off. */
export class SecureBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps = {}) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: props.accessLogs ? (props.accessLogsPrefix ?? `${id}/`) : undefined,
      cors: props.cors,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }, ...(props.lifecycleRules ?? [])],
    });
    if (props.eventBridge) {
      (this.bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride(
        'NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled',
        true,
      );
    }
    if (!props.accessLogs) {
      Validations.of(this.bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'This is the access-log bucket; logging it to itself would loop.',
      });
    }
  }
}
