import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MediaInsightsDataplane } from '../constructs/media-insights-dataplane';
import { SecureBucket } from '../constructs/secure-bucket';

/** The Media Insights on AWS version whose API this stack reimplements, reported by `GET /version`. */
export const MEDIA_INSIGHTS_FRAMEWORK_VERSION = 'v5.1.8';

/** Media Insights on AWS: the data plane API (and, later, the workflow control plane) in one deployable stack. */
export class MediaInsightsStack extends Stack {
  public readonly dataplane: MediaInsightsDataplane;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { description: 'mediaplane: Media Insights on AWS data plane and workflow APIs', ...props });

    const accessLogs = new SecureBucket(this, 'AccessLogs').bucket;
    this.dataplane = new MediaInsightsDataplane(this, 'Dataplane', {
      accessLogs,
      frameworkVersion: MEDIA_INSIGHTS_FRAMEWORK_VERSION,
    });

    // Output keys are the original stack's, so scripts that read them keep working.
    new CfnOutput(this, 'DataplaneApiEndpoint', {
      description: 'Media Insights data plane API endpoint (stage api)',
      value: this.dataplane.api.url,
    });
    new CfnOutput(this, 'DataplaneBucket', {
      description: 'Bucket holding asset metadata and derived media',
      value: this.dataplane.bucket.bucketName,
    });
  }
}
