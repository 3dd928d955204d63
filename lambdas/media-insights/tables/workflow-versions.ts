import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../../shared/dynamodb/schema';
import type { Workflow, WorkflowStage } from '../workflow/domain/types';
import { packToFit, unpack } from './packing';
import { conditionally } from './support';

/**
 * The stages of every workflow version an execution ran, written once by the first execution of that version and
 * never changed. Executions refer to theirs instead of each carrying a copy of every stage's generated ASL; a
 * workflow's later updates or its deletion leave the versions its executions refer to in place.
 */
export const WORKFLOW_VERSION_TABLE = {
  partitionKey: { name: 'Name', type: 'S' },
  sortKey: { name: 'Version', type: 'S' },
} as const satisfies TableSchema;

/** Which version an execution refers to. */
export interface WorkflowVersionRef {
  readonly Name: string;
  readonly Version: string;
}

export interface WorkflowVersion extends WorkflowVersionRef {
  readonly Stages: Record<string, WorkflowStage>;
}

export class WorkflowVersionTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The version of a workflow as it stands. The key adds a digest of the stages to `Version`, because the same
   * `Version` can name other stages (a workflow deleted and created again starts at `v0` again).
   */
  static versionOf(workflow: Workflow): WorkflowVersion {
    const digest = createHash('sha256').update(JSON.stringify(workflow.Stages)).digest('hex').slice(0, 16);
    return { Name: workflow.Name, Version: `${workflow.Version}/${digest}`, Stages: workflow.Stages };
  }

  /** Throws `ItemTooLargeError` for a version that cannot be stored. */
  assertFits(version: WorkflowVersion): void {
    packToFit(version, ['Stages.*.Definition']);
  }

  /** Stores the version unless it is stored already (it never changes). */
  async put(version: WorkflowVersion): Promise<void> {
    await conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: packToFit(version, ['Stages.*.Definition']),
          ConditionExpression: 'attribute_not_exists(#name)',
          ExpressionAttributeNames: { '#name': 'Name' },
        }),
      ),
    );
  }

  async get(ref: WorkflowVersionRef): Promise<WorkflowVersion | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { Name: ref.Name, Version: ref.Version } }),
    );
    return unpack<WorkflowVersion>(Item);
  }
}
