import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { WorkflowStatus } from '../../workflow/domain/types';
import type { SchedulerNotifier, WorkflowExecutionStatuses } from './operator';

/** The workflow execution table (key `Id`). */
export class DynamoDbWorkflowExecutionStatuses implements WorkflowExecutionStatuses {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async markWaiting(executionId: string): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { Id: executionId },
          UpdateExpression: 'SET #status = :waiting',
          // The original's unconditional update would create a stub item for an unknown id.
          ConditionExpression: 'attribute_exists(Id)',
          ExpressionAttributeNames: { '#status': 'Status' },
          ExpressionAttributeValues: { ':waiting': WorkflowStatus.Waiting },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async status(executionId: string): Promise<string | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { Id: executionId },
        ConsistentRead: true,
        ProjectionExpression: '#status',
        ExpressionAttributeNames: { '#status': 'Status' },
      }),
    );
    if (!Item) return undefined;
    return typeof Item['Status'] === 'string' ? Item['Status'] : String(Item['Status']);
  }
}

/** The scheduler function, invoked asynchronously with `{"action": "executionWaiting", "executionId"}`. */
export class LambdaSchedulerNotifier implements SchedulerNotifier {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionArn: string,
  ) {}

  async executionWaiting(executionId: string): Promise<void> {
    await this.lambda.send(
      new InvokeCommand({
        FunctionName: this.functionArn,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ action: 'executionWaiting', executionId })),
      }),
    );
  }
}
