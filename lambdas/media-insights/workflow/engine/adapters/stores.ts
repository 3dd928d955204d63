import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { maxConcurrentWorkflows } from '../../domain/scheduler';
import type { Operation, WorkflowExecution, WorkflowStatus } from '../../domain/types';
import type { ExecutionStore, OperationStore, Slot, SlotStore, SystemConfiguration } from '../ports';
import { documents } from './clients';

const STATUS_INDEX = 'WorkflowExecutionStatus';

export class DynamoDbExecutionStore implements ExecutionStore {
  constructor(private readonly tableName: string) {}

  async get(id: string): Promise<WorkflowExecution | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.tableName, Key: { Id: id }, ConsistentRead: true }),
    );
    return Item as WorkflowExecution | undefined;
  }

  async replaceIf(execution: WorkflowExecution, expectedStatus: WorkflowStatus): Promise<boolean> {
    return conditional(
      documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: execution,
          ConditionExpression: '#status = :expected',
          ExpressionAttributeNames: { '#status': 'Status' },
          ExpressionAttributeValues: { ':expected': expectedStatus },
        }),
      ),
    );
  }

  async transition(
    id: string,
    from: readonly WorkflowStatus[],
    to: WorkflowStatus,
    extra: { Message?: string; StateMachineExecutionArn?: string } = {},
  ): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'Status' };
    const values: Record<string, unknown> = { ':to': to };
    const sets = ['#status = :to'];
    for (const [key, value] of Object.entries(extra)) {
      if (value === undefined) continue;
      names[`#${key}`] = key;
      values[`:${key}`] = value;
      sets.push(`#${key} = :${key}`);
    }
    const allowed = from.map((status, index) => {
      values[`:from${index}`] = status;
      return `:from${index}`;
    });
    return conditional(
      documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { Id: id },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(Id) AND #status IN (${allowed.join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async listByStatus(status: WorkflowStatus): Promise<WorkflowExecution[]> {
    const items: WorkflowExecution[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: STATUS_INDEX,
          KeyConditionExpression: '#status = :status',
          ExpressionAttributeNames: { '#status': 'Status' },
          ExpressionAttributeValues: { ':status': status },
          ScanIndexForward: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...((page.Items ?? []) as WorkflowExecution[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}

export class DynamoDbOperationStore implements OperationStore {
  constructor(private readonly tableName: string) {}

  async get(name: string): Promise<Operation | undefined> {
    const { Item } = await documents.send(new GetCommand({ TableName: this.tableName, Key: { Name: name } }));
    return Item as Operation | undefined;
  }
}

export class DynamoDbSystemConfiguration implements SystemConfiguration {
  constructor(
    private readonly tableName: string,
    private readonly defaultMax: number,
  ) {}

  async maxConcurrentWorkflows(): Promise<number> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.tableName, Key: { Name: 'MaxConcurrentWorkflows' }, ConsistentRead: true }),
    );
    return Item ? Math.max(1, maxConcurrentWorkflows(Item)) : this.defaultMax;
  }
}

/** Slot items `{Slot: n, ExecutionId, ClaimedAt}`; the table never holds more than MaxConcurrentWorkflows items. */
export class DynamoDbSlotStore implements SlotStore {
  constructor(private readonly tableName: string) {}

  async list(): Promise<Slot[]> {
    const slots: Slot[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey }),
      );
      for (const item of page.Items ?? []) {
        slots.push({
          slot: Number(item.Slot),
          executionId: String(item.ExecutionId),
          claimedAt: Number(item.ClaimedAt),
        });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return slots.sort((a, b) => a.slot - b.slot);
  }

  claim(slot: number, executionId: string, now: number): Promise<boolean> {
    return conditional(
      documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { Slot: slot, ExecutionId: executionId, ClaimedAt: now },
          ConditionExpression: 'attribute_not_exists(Slot)',
        }),
      ),
    );
  }

  async release(slot: number, executionId: string): Promise<void> {
    await conditional(
      documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { Slot: slot },
          ConditionExpression: 'ExecutionId = :id',
          ExpressionAttributeValues: { ':id': executionId },
        }),
      ),
    );
  }
}

async function conditional(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
