import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SEARCH_DOMAIN_TYPE, type StackResolver } from './intrinsics';

export interface EngineClients {
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
}

/**
 * Creates every table of the stack that does not exist yet, and adds global secondary indexes that a newer template
 * declares. Existing tables and their items are never dropped: a restart keeps every record.
 */
export async function provisionTables(resolver: StackResolver, client: DynamoDBClient): Promise<string[]> {
  const created: string[] = [];
  for (const [logicalId, resource] of resolver.resourcesOfType('AWS::DynamoDB::Table')) {
    const tableName = resolver.physicalId(logicalId);
    const props = resolver.resolve(resource.Properties ?? {}) as Record<string, unknown>;
    const input = createTableInput(tableName, props);
    const existing = await describe(client, tableName);
    if (!existing) {
      await client.send(new CreateTableCommand(input));
      created.push(tableName);
      continue;
    }
    const known = new Set((existing.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    for (const index of input.GlobalSecondaryIndexes ?? []) {
      if (known.has(index.IndexName)) continue;
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: input.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
    }
  }
  return created;
}

/** Creates every bucket of the stack that does not exist yet. */
export async function provisionBuckets(resolver: StackResolver, client: S3Client): Promise<string[]> {
  const created: string[] = [];
  for (const [logicalId] of resolver.resourcesOfType('AWS::S3::Bucket')) {
    const bucket = resolver.physicalId(logicalId);
    try {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      created.push(bucket);
    }
  }
  return created;
}

/**
 * Serves every OpenSearch domain of the stack on the local search endpoint, under its physical name, and returns
 * those names. Nothing of the domain's configuration matters locally (instances, storage, encryption, access policy:
 * requests only need a valid SigV4 signature); its indices persist across restarts like the tables do.
 */
export function provisionSearchDomains(resolver: StackResolver, search: { addDomain(name: string): string }): string[] {
  return resolver.resourcesOfType(SEARCH_DOMAIN_TYPE).map(([logicalId]) => {
    const name = resolver.physicalId(logicalId);
    search.addDomain(name);
    return name;
  });
}

function createTableInput(tableName: string, props: Record<string, unknown>): CreateTableCommandInput {
  const provisioned = props.BillingMode === 'PROVISIONED';
  const throughput = provisioned
    ? (props.ProvisionedThroughput as CreateTableCommandInput['ProvisionedThroughput'])
    : undefined;
  const gsis = (props.GlobalSecondaryIndexes as GlobalSecondaryIndex[] | undefined)?.map((index) => ({
    IndexName: index.IndexName,
    KeySchema: index.KeySchema,
    Projection: index.Projection,
    ...(provisioned ? { ProvisionedThroughput: index.ProvisionedThroughput } : {}),
  }));
  return {
    TableName: tableName,
    KeySchema: props.KeySchema as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: props.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    BillingMode: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
    ProvisionedThroughput: throughput,
    GlobalSecondaryIndexes: gsis && gsis.length > 0 ? gsis : undefined,
    LocalSecondaryIndexes: props.LocalSecondaryIndexes as CreateTableCommandInput['LocalSecondaryIndexes'],
  };
}

async function describe(client: DynamoDBClient, tableName: string) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}
