import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import { CONTENT_INDEX } from '../../lambdas/media2cloud/search/opensearch/compiler';

/**
 * The sizes the original offers at deployment (its "OpenSearch cluster size" choice), by context
 * `media2cloudSearchCluster`. Development is one node in one zone; production spreads data nodes over two zones
 * behind three dedicated masters.
 */
export const SEARCH_CLUSTER_SIZES = {
  development: { dataNodes: 1, dataNodeInstanceType: 't3.medium.search', volumeGiB: 10, zones: 1, masters: 0 },
  production: { dataNodes: 2, dataNodeInstanceType: 'm6g.large.search', volumeGiB: 100, zones: 2, masters: 3 },
} as const;

export type SearchClusterSize = keyof typeof SEARCH_CLUSTER_SIZES;

export interface Media2CloudSearchProps {
  /** @default 'development' */
  readonly size?: SearchClusterSize;
}

/**
 * The Amazon OpenSearch Service domain behind `/search`: encrypted at rest and between nodes, HTTPS with TLS 1.2,
 * slow and application logs in CloudWatch, and no access policy — callers are authorised by their IAM policies
 * (`grantIndex`), signed with SigV4 like every other call.
 */
export class Media2CloudSearch extends Construct {
  public readonly domain: opensearch.Domain;

  constructor(scope: Construct, id: string, props: Media2CloudSearchProps = {}) {
    super(scope, id);
    const size = SEARCH_CLUSTER_SIZES[props.size ?? 'development'];

    const logGroup = (name: string) =>
      new logs.LogGroup(this, name, {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      });
    const slowSearchLogGroup = logGroup('SlowSearchLogs');
    const slowIndexLogGroup = logGroup('SlowIndexLogs');
    const appLogGroup = logGroup('ApplicationLogs');
    // The domain writes its logs under a resource policy; declared here instead of through the custom resource
    // (a Lambda function) the Domain construct would otherwise create for it.
    new logs.CfnResourcePolicy(this, 'LogsPolicy', {
      policyName: `${Stack.of(this).stackName}-opensearch-logs`,
      policyDocument: Stack.of(this).toJsonString({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'es.amazonaws.com' },
            Action: ['logs:PutLogEvents', 'logs:CreateLogStream'],
            Resource: [slowSearchLogGroup, slowIndexLogGroup, appLogGroup].map((group) => group.logGroupArn),
          },
        ],
      }),
    });

    this.domain = new opensearch.Domain(this, 'Domain', {
      version: opensearch.EngineVersion.OPENSEARCH_2_19,
      capacity: {
        dataNodes: size.dataNodes,
        dataNodeInstanceType: size.dataNodeInstanceType,
        ...(size.masters > 0 ? { masterNodes: size.masters, masterNodeInstanceType: 'm6g.large.search' } : {}),
        multiAzWithStandbyEnabled: false,
      },
      ebs: { volumeSize: size.volumeGiB, volumeType: ec2.EbsDeviceVolumeType.GP3 },
      zoneAwareness: size.zones > 1 ? { enabled: true, availabilityZoneCount: size.zones } : { enabled: false },
      encryptionAtRest: { enabled: true },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      tlsSecurityPolicy: opensearch.TLSSecurityPolicy.TLS_1_2,
      logging: {
        slowSearchLogEnabled: true,
        slowSearchLogGroup,
        slowIndexLogEnabled: true,
        slowIndexLogGroup,
        appLogEnabled: true,
        appLogGroup,
      },
      suppressLogsResourcePolicy: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    Validations.of(this.domain).acknowledge(
      {
        id: 'AwsSolutions-OS1',
        reason:
          'Public endpoint with IAM authorisation (SigV4), as the original: only Lambda functions call it and they run outside a VPC.',
      },
      {
        id: 'AwsSolutions-OS3',
        reason:
          'Access is by IAM identity policies on the calling roles, not by source IP: callers are Lambda functions.',
      },
      {
        id: 'AwsSolutions-OS5',
        reason:
          'No access policy grants anonymous access; without one, only principals whose IAM policies allow es:ESHttp* can call the domain.',
      },
      ...(size.masters === 0
        ? [
            {
              id: 'AwsSolutions-OS4',
              reason: 'The development size is one data node; the production size has three dedicated masters.',
            },
            {
              id: 'AwsSolutions-OS7',
              reason: 'The development size is one node in one zone; the production size spreads over two zones.',
            },
          ]
        : []),
    );
  }

  /** Lets `grantee` call the given HTTP methods on the `content` index (documents, `_search`, `_mget`, `_update`). */
  grantIndex(grantee: iam.IGrantable, methods: ReadonlyArray<'GET' | 'PUT' | 'POST' | 'DELETE'>): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: methods.map((method) => `es:ESHttp${method[0]}${method.slice(1).toLowerCase()}`),
        resources: [`${this.domain.domainArn}/${CONTENT_INDEX}`, `${this.domain.domainArn}/${CONTENT_INDEX}/*`],
      }),
    );
  }
}

export function searchClusterSizeContext(value: unknown): SearchClusterSize {
  if (value === undefined) return 'development';
  if (typeof value === 'string' && value in SEARCH_CLUSTER_SIZES) return value as SearchClusterSize;
  throw new Error(
    `Context "media2cloudSearchCluster" must be one of ${Object.keys(SEARCH_CLUSTER_SIZES).join(', ')}: ${String(value)}`,
  );
}
