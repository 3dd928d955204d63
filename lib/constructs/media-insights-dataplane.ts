import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DATAPLANE_ROUTES } from '../../lambdas/media-insights/dataplane/routes';
import { ASSET_TABLE } from '../../lambdas/media-insights/tables/assets';
import { LOCK_TABLE } from '../../lambdas/media-insights/tables/locks';
import { RestApiFromRoutes } from './rest-api-from-routes';
import { acknowledgeWildcards, arnToken, S3_READ_WRITE_ACTION_FINDINGS } from './nag';
import { NodeFunction } from './node-function';
import { SecureBucket } from './secure-bucket';
import { SecureTable } from './secure-table';

export interface MediaInsightsDataplaneProps {
  /** Receives the dataplane bucket's server access logs. */
  readonly accessLogs: s3.IBucket;
  /** Reported by `GET /version` as `FrameworkVersion`. */
  readonly frameworkVersion: string;
}

/** The Media Insights data plane: asset and metadata tables, the dataplane bucket and its REST API (stage `api`). */
export class MediaInsightsDataplane extends Construct {
  public readonly table: dynamodb.Table;
  public readonly lockTable: dynamodb.Table;
  public readonly bucket: s3.Bucket;
  public readonly handler: NodeFunction;
  public readonly api: RestApiFromRoutes;

  constructor(scope: Construct, id: string, props: MediaInsightsDataplaneProps) {
    super(scope, id);

    this.table = new SecureTable(this, 'Table', { schema: ASSET_TABLE });
    this.lockTable = new SecureTable(this, 'LockTable', { schema: LOCK_TABLE });
    this.bucket = new SecureBucket(this, 'Bucket', {
      accessLogs: props.accessLogs,
      accessLogsPrefix: 'dataplane/',
    }).bucket;

    this.handler = new NodeFunction(this, 'Handler', {
      entry: 'media-insights/dataplane/handler.ts',
      description: 'Media Insights data plane API',
      environment: {
        DATAPLANE_TABLE_NAME: this.table.tableName,
        DATAPLANE_LOCK_TABLE_NAME: this.lockTable.tableName,
        DATAPLANE_BUCKET: this.bucket.bucketName,
        FRAMEWORK_VERSION: props.frameworkVersion,
      },
    });
    this.table.grantReadWriteData(this.handler.function);
    this.lockTable.grantReadWriteData(this.handler.function);
    this.bucket.grantReadWrite(this.handler.function);
    // /download presigns reads of the caller's own media in any bucket, as the original does; the URL only works
    // if the deployer also grants the function read on that bucket, so no wildcard read is added here.

    this.api = new RestApiFromRoutes(this, 'Api', {
      restApiName: 'MediaInsightsDataplaneApi',
      stageName: 'api',
      description: 'Media Insights on AWS data plane API (mediaplane)',
      routes: DATAPLANE_ROUTES,
      handler: this.handler.function,
    });

    acknowledgeWildcards(
      this.handler.role,
      'Metadata lives under per-asset keys of the dataplane bucket, so object actions need <bucket>/*; the action ' +
        'groups are those grantReadWrite emits, on this one bucket only.',
      [...S3_READ_WRITE_ACTION_FINDINGS, `Resource::${arnToken(this.bucket)}/*`],
    );
  }
}
