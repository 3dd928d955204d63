import { App, Validations, type Stack, type StackProps } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { M2aMediapackageStack } from './stacks/m2a-mediapackage-stack';
import { KvsConsumerStack, type CrossStackBucket } from './stacks/kvs-consumer-stack';
import { Media2CloudStack } from './stacks/media2cloud-stack';
import { MediaInsightsStack } from './stacks/media-insights-stack';
import { PixopStack } from './stacks/pixop-stack';

export interface MediaplaneStacks {
  readonly mediaInsights: MediaInsightsStack;
  readonly media2Cloud: Media2CloudStack;
  readonly m2aMediapackage: M2aMediapackageStack;
  readonly kvsConsumer: KvsConsumerStack;
  readonly pixop: PixopStack;
}

export interface BuildAppOptions {
  /** Run cdk-nag's AwsSolutions pack on every stack. @default true */
  readonly nag?: boolean;
}

/**
 * Adds every backend stack to `app`. Construct ids are fixed; stack names take the optional `prefix` context
 * (`cdk deploy -c prefix=dev` deploys `dev-MediaInsights`, …) so several copies can share an account.
 */
export function buildApp(app: App, options: BuildAppOptions = {}): MediaplaneStacks {
  const prefix: unknown = app.node.tryGetContext('prefix');
  if (prefix !== undefined && (typeof prefix !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,40}$/.test(prefix))) {
    throw new Error(
      `Context "prefix" must start with a letter and hold only letters, digits and '-': ${String(prefix)}`,
    );
  }
  // Environment-agnostic stacks: one template deploys to any account and region.
  const stackProps = (id: string): StackProps => ({ stackName: prefix ? `${prefix}-${id}` : id });

  const mediaInsights = new MediaInsightsStack(app, 'MediaInsights', stackProps('MediaInsights'));
  const media2Cloud = new Media2CloudStack(app, 'Media2Cloud', stackProps('Media2Cloud'));
  const workflowApi = mediaInsights.workflow.api.api;
  const stacks: MediaplaneStacks = {
    mediaInsights,
    media2Cloud,
    // Clips go to the other backends the way their users hand media over: an upload, a workflow API call.
    kvsConsumer: new KvsConsumerStack(app, 'KvsConsumer', {
      ...stackProps('KvsConsumer'),
      media2CloudIngestBucket: crossStackBucket(media2Cloud, media2Cloud.ingestBucket, 'IngestBucketArn'),
      mediaInsights: {
        dataplaneBucket: crossStackBucket(mediaInsights, mediaInsights.dataplane.bucket, 'DataplaneBucketArn'),
        workflowApiUrl: workflowApi.url,
        startExecutionArn: workflowApi.arnForExecuteApi(
          'POST',
          '/workflow/execution',
          workflowApi.deploymentStage.stageName,
        ),
      },
    }),
    m2aMediapackage: new M2aMediapackageStack(app, 'M2aMediapackage', stackProps('M2aMediapackage')),
    pixop: new PixopStack(app, 'Pixop', stackProps('Pixop')),
  };

  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stacks;
}

/** A bucket handed to another stack, its ARN exported under `<stack name>-<name>`. */
function crossStackBucket(stack: Stack, bucket: s3.IBucket, name: string): CrossStackBucket {
  const arnExportName = `${stack.stackName}-${name}`;
  return {
    bucketName: bucket.bucketName,
    bucketArn: stack.exportValue(bucket.bucketArn, { name: arnExportName }),
    arnExportName,
  };
}
