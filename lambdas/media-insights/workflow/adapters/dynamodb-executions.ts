import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { ExecutionListing, ExecutionStore } from '../api/ports';
import { WorkflowStatus, type WorkflowExecution } from '../domain/types';
import { allPages, conditionally, isStorableKey } from './dynamodb-support';
import type { DynamoDbTableOptions } from './dynamodb-definitions';

/** The index names the stack creates, as in the original (partition keys `Status` and `AssetId`, sort key `Created`). */
export const EXECUTION_STATUS_INDEX = 'WorkflowExecutionStatus';
export const EXECUTION_ASSET_INDEX = 'WorkflowExecutionAssetId';

// What the listings read of each execution: the original's projection (plus `Created`, which the status listing
// then leaves out). Execution records embed the whole workflow, so projecting keeps large listings small.
const LISTING_PROJECTION = '#id, #asset, #stage, #created, #arn, #status, #workflow.#name';
const LISTING_NAMES = {
  '#id': 'Id',
  '#asset': 'AssetId',
  '#stage': 'CurrentStage',
  '#created': 'Created',
  '#arn': 'StateMachineExecutionArn',
  '#status': 'Status',
  '#workflow': 'Workflow',
  '#name': 'Name',
};

/** Workflow execution records, one item per execution keyed by `Id`, with the original's two indexes. */
export class DynamoDbExecutionStore implements ExecutionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbTableOptions = {},
  ) {}

  async get(id: string): Promise<WorkflowExecution | undefined> {
    if (!isStorableKey(id)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { Id: id }, ConsistentRead: true }),
    );
    return Item as WorkflowExecution | undefined;
  }

  list(): Promise<WorkflowExecution[]> {
    return allPages<WorkflowExecution>((startKey) =>
      this.client.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey, Limit: this.options.scanPageSize }),
      ),
    );
  }

  create(execution: WorkflowExecution): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: execution,
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': 'Id' },
        }),
      ),
    );
  }

  async delete(id: string): Promise<WorkflowExecution | undefined> {
    if (!isStorableKey(id)) return undefined;
    const { Attributes } = await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { Id: id }, ReturnValues: 'ALL_OLD' }),
    );
    return Attributes as WorkflowExecution | undefined;
  }

  listByStatus(status: string): Promise<ExecutionListing[]> {
    return this.listByIndex(EXECUTION_STATUS_INDEX, '#status', status);
  }

  listByAsset(assetId: string): Promise<ExecutionListing[]> {
    return this.listByIndex(EXECUTION_ASSET_INDEX, '#asset', assetId);
  }

  async markResumed(
    id: string,
    stageName: string,
  ): Promise<Pick<WorkflowExecution, 'Status' | 'CurrentStage'> | undefined> {
    if (!isStorableKey(id)) return undefined;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { Id: id },
          UpdateExpression: 'SET #status = :resumed',
          // A missing execution has no Status, so the condition also refuses an unknown id without creating it.
          ConditionExpression: '#status = :waiting AND #stage = :stage',
          ExpressionAttributeNames: { '#status': 'Status', '#stage': 'CurrentStage' },
          ExpressionAttributeValues: {
            ':resumed': WorkflowStatus.Resumed,
            ':waiting': WorkflowStatus.Waiting,
            ':stage': stageName,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { Status: Attributes?.Status, CurrentStage: Attributes?.CurrentStage };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  private listByIndex(indexName: string, keyName: string, value: string): Promise<ExecutionListing[]> {
    if (!isStorableKey(value)) return Promise.resolve([]);
    return allPages<ExecutionListing>((startKey) =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: indexName,
          KeyConditionExpression: `${keyName} = :key`,
          ProjectionExpression: LISTING_PROJECTION,
          ExpressionAttributeNames: LISTING_NAMES,
          ExpressionAttributeValues: { ':key': value },
          ExclusiveStartKey: startKey,
          Limit: this.options.scanPageSize,
        }),
      ),
    );
  }
}
