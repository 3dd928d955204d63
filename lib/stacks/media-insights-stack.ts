import { CfnOutput, CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MediaInsightsDataplane } from '../constructs/media-insights-dataplane';
import { MediaInsightsWorkflow } from '../constructs/media-insights-workflow';
import { SecureBucket } from '../constructs/secure-bucket';
import { BUILT_IN_OPERATORS, TEST_OPERATORS } from '../../lambdas/media-insights/operators/catalog';
import { MAX_CONCURRENT_WORKFLOWS_LIMIT } from '../../lambdas/media-insights/workflow/domain/types';

/** The Media Insights on AWS version whose API this stack reimplements, reported by `GET /version`. */
export const MEDIA_INSIGHTS_FRAMEWORK_VERSION = 'v5.1.8';

/** Media Insights on AWS: the data plane API and the workflow engine with its control plane API. */
export class MediaInsightsStack extends Stack {
  public readonly dataplane: MediaInsightsDataplane;
  public readonly workflow: MediaInsightsWorkflow;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { description: 'mediaplane: Media Insights on AWS data plane and workflow APIs', ...props });

    const accessLogs = new SecureBucket(this, 'AccessLogs').bucket;
    this.dataplane = new MediaInsightsDataplane(this, 'Dataplane', {
      accessLogs,
      frameworkVersion: MEDIA_INSIGHTS_FRAMEWORK_VERSION,
    });

    // The original's parameter: the scheduler's limit until one is posted to /system/configuration.
    const maxConcurrentWorkflows = new CfnParameter(this, 'MaxConcurrentWorkflows', {
      type: 'Number',
      default: 5,
      minValue: 1,
      maxValue: MAX_CONCURRENT_WORKFLOWS_LIMIT,
      description: 'Maximum number of workflows to run at the same time; more are queued.',
    });
    this.workflow = new MediaInsightsWorkflow(this, 'Workflow', {
      dataplaneHandler: this.dataplane.handler.function,
      frameworkVersion: MEDIA_INSIGHTS_FRAMEWORK_VERSION,
      defaultMaxConcurrentWorkflows: maxConcurrentWorkflows.valueAsString,
      dataplaneBucket: this.dataplane.bucket,
      catalog: [
        ...BUILT_IN_OPERATORS,
        // The original deploys its test operators in a separate test stack; here they come with -c mieTestOperators=true.
        ...(this.node.tryGetContext('mieTestOperators') === true ||
        this.node.tryGetContext('mieTestOperators') === 'true'
          ? TEST_OPERATORS
          : []),
      ],
      mediaBuckets: mediaBucketsContext(this.node.tryGetContext('mediaInsightsMediaBuckets')),
    });

    // Output keys are the original stack's, so scripts that read them keep working.
    new CfnOutput(this, 'DataplaneApiEndpoint', {
      description: 'Media Insights data plane API endpoint (stage api)',
      value: this.dataplane.api.url,
    });
    new CfnOutput(this, 'WorkflowApiEndpoint', {
      description: 'Media Insights workflow (control plane) API endpoint (stage api)',
      value: this.workflow.api.url,
    });
    new CfnOutput(this, 'DataplaneBucket', {
      description: 'Bucket holding asset metadata and derived media',
      value: this.dataplane.bucket.bucketName,
    });
  }
}

/**
 * `-c mediaInsightsMediaBuckets=a,b`: buckets besides the dataplane bucket operators may read media from; `*` opts
 * into any bucket, as the original.
 */
function mediaBucketsContext(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const buckets = String(value)
    .split(',')
    .map((bucket) => bucket.trim())
    .filter(Boolean);
  return buckets.length > 0 ? buckets : undefined;
}
