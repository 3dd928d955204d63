import * as path from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import type { DeployableResource, LocalService, LocalServiceModule } from '../service-module';
import { EngineThread } from '../threads/engine-thread';
import type { DynamoDbThreadInit, DynamoDbThreadMethods } from './thread';

/**
 * DynamoDB: dynalite (LevelDB under the module's directory) behind the SigV4 front end, in its own worker thread
 * (see thread.ts). Tables are created from the templates and never dropped: a restart keeps every item, and a newer
 * template's indexes are added.
 */
export const dynamoDbModule: LocalServiceModule = {
  name: 'dynamodb',
  listens: true,
  endpointVariable: 'AWS_ENDPOINT_URL_DYNAMODB',
  outputKey: 'DynamoDbEndpoint',
  resourceTypes: {
    'AWS::DynamoDB::Table': {
      physicalId: ({ explicit, generated }) => explicit('TableName') ?? generated,
      arn: ({ name, region, accountId }) => `arn:aws:dynamodb:${region}:${accountId}:table/${name}`,
      attributes: {
        StreamArn: ({ name, region, accountId }) =>
          `arn:aws:dynamodb:${region}:${accountId}:table/${name}/stream/local`,
      },
    },
  },
  async start({ cloud, directory, port }): Promise<LocalService> {
    const init: DynamoDbThreadInit = { directory, region: cloud.region, port, principals: cloud.principals.snapshot() };
    const thread = EngineThread.start<DynamoDbThreadMethods>(path.join(__dirname, 'thread'), init, {
      principals: cloud.principals,
    });
    const endpoint = await thread.startEngine();
    // Made on first use: a start that deploys no table change never needs it (nor loads the SDK: lib/local/bundle.js).
    let client: DynamoDBClient | undefined;
    return {
      endpoint,
      // A table deployed as it is by the last completed start is in the engine's store: no call, as in CloudFormation.
      deploy: (resource) =>
        resource.unchanged?.()
          ? undefined
          : provisionTable(
              resource,
              (client ??= new DynamoDBClient({ region: cloud.region, credentials: cloud.credentials, endpoint })),
            ),
      async close() {
        client?.destroy();
        await thread.stopEngine();
      },
    };
  },
};

/**
 * Creates the table if it does not exist yet, and adds the global secondary indexes a newer template declares.
 * An existing table and its items are never dropped.
 */
export async function provisionTable(
  { resolver, logicalId, resource }: DeployableResource,
  client: DynamoDBClient,
): Promise<void> {
  const tableName = resolver.physicalId(logicalId);
  const props = resolver.resolve(resource.Properties ?? {}) as Record<string, unknown>;
  const input = createTableInput(tableName, props);
  const existing = await describe(client, tableName);
  if (!existing) {
    await client.send(new CreateTableCommand(input));
    return;
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
