import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { itemSize, MAX_ITEM_BYTES } from '../../shared/dynamodb/item-size';
import type { TableSchema } from '../../shared/dynamodb/schema';
import type { StageStep } from '../workflow/domain/records';
import {
  OperationStatus,
  StageStatus,
  type ExecutionStage,
  type Globals,
  type OperationConfiguration,
  type OperatorOutput,
} from '../workflow/domain/types';
import { pack, unpack } from './packing';
import { allPages, type Item } from './support';

/**
 * Per-stage state of workflow executions, apart from the execution record so completing a stage writes only what
 * that stage changes: one item per stage (`S<stage>`: status, input, configuration, where it leads) and one per
 * operation that ran (`O["<stage>","<operation>"]`: its output). Items of one execution share its `ExecutionId`.
 */
export const EXECUTION_STAGE_TABLE = {
  partitionKey: { name: 'ExecutionId', type: 'S' },
  sortKey: { name: 'Key', type: 'S' },
} as const satisfies TableSchema;

/** What an execution keeps per stage; the stage's definition (ASL and all) stays with the workflow version. */
export type StageState = Pick<
  ExecutionStage,
  | 'Name'
  | 'Status'
  | 'Operations'
  | 'Next'
  | 'End'
  | 'Configuration'
  | 'Metrics'
  | 'AssetId'
  | 'WorkflowExecutionId'
  | 'MetaData'
  | 'Input'
> & {
  /** Outputs kept with the stage (none when it failed outright); otherwise they are the operation items. */
  Outputs?: OperatorOutput[];
  /** The stage completed and its outputs are its operations' items. */
  OutputsRecorded?: boolean;
};

/** Everything an execution keeps apart from its record: its stages by name, each operation's output by stage. */
export interface ExecutionParts {
  readonly stages: Map<string, StageState>;
  readonly outputs: Map<string, Map<string, OperatorOutput>>;
}

const stageKey = (stage: string) => `S${stage}`;
// JSON quotes the names, so no stage name is a prefix of another stage's keys whatever characters it holds.
const outputKey = (stage: string, operation: string) => `O${JSON.stringify([stage, operation])}`;
const outputPrefix = (stage: string) => `O${JSON.stringify([stage]).slice(0, -1)},`;

/** An operation output that cannot be stored is replaced by this `Error` output, so the stage fails with a reason. */
function tooLarge(output: OperatorOutput, bytes: number): OperatorOutput {
  return {
    Name: output.Name,
    AssetId: output.AssetId,
    WorkflowExecutionId: output.WorkflowExecutionId,
    Configuration: output.Configuration,
    Status: OperationStatus.Error,
    MetaData: {
      [`${output.Name}Error`]: `The operator's output takes ${bytes} bytes stored, more than DynamoDB's ${MAX_ITEM_BYTES}`,
    },
    Media: {},
  };
}

export class ExecutionStageTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Writes every stage of a new execution (25 to a request, as BatchWriteItem takes them). */
  async putStages(executionId: string, stages: readonly StageState[]): Promise<void> {
    const items = stages.map((stage) => this.stageItem(executionId, stage));
    for (let start = 0; start < items.length; start += 25) {
      let requests: Record<string, unknown>[] | undefined = items
        .slice(start, start + 25)
        .map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests && requests.length > 0; attempt += 1) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
      }
    }
  }

  /** The stored item of one stage; throws what cannot be stored (see `ItemTooLargeError`). */
  stageItem(executionId: string, stage: StageState): Item {
    return { ExecutionId: executionId, Key: stageKey(stage.Name), ...stage };
  }

  /** What running one operation needs of its stage: that operation's configuration (a projection). */
  async operationConfiguration(
    executionId: string,
    stageName: string,
    operationName: string,
  ): Promise<OperationConfiguration | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { ExecutionId: executionId, Key: stageKey(stageName) },
        ConsistentRead: true,
        ProjectionExpression: '#configuration.#operation',
        ExpressionAttributeNames: { '#configuration': 'Configuration', '#operation': operationName },
      }),
    );
    return (Item?.Configuration as Record<string, OperationConfiguration> | undefined)?.[operationName];
  }

  /** What completing a stage needs of it: status, operations and where it leads (not its configuration or input). */
  async stage(
    executionId: string,
    stageName: string,
  ): Promise<Pick<StageState, 'Status' | 'Operations' | 'Next' | 'End' | 'Input'> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { ExecutionId: executionId, Key: stageKey(stageName) },
        ConsistentRead: true,
        ProjectionExpression: '#status, #operations, #next, #end',
        ExpressionAttributeNames: { '#status': 'Status', '#operations': 'Operations', '#next': 'Next', '#end': 'End' },
      }),
    );
    return Item as Pick<StageState, 'Status' | 'Operations' | 'Next' | 'End'> | undefined;
  }

  /**
   * Stores one operation's output. Its `Input` is the stage's input (the execution's globals while the stage runs),
   * so it is left out when it is exactly that, and put back on reading.
   */
  async recordOutput(
    executionId: string,
    stageName: string,
    output: OperatorOutput,
    stageInput: Globals,
  ): Promise<void> {
    const { Input, ...rest } = output;
    const sameInput = Input === undefined || JSON.stringify(Input) === JSON.stringify(stageInput);
    let item: Item = {
      ExecutionId: executionId,
      Key: outputKey(stageName, output.Name ?? ''),
      Output: sameInput ? rest : output,
      ...(sameInput && Input !== undefined ? { StageInput: true } : {}),
    };
    if (itemSize(item) > MAX_ITEM_BYTES) item = pack(item, ['Output']);
    const bytes = itemSize(item);
    if (bytes > MAX_ITEM_BYTES) item = { ...item, Output: tooLarge(output, bytes), Packed: undefined };
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  /** The outputs recorded for a stage so far, by operation name, each with its `Input` put back. */
  async outputs(executionId: string, stageName: string, stageInput: Globals): Promise<Map<string, OperatorOutput>> {
    const items = await allPages<Item>((startKey) =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#id = :id AND begins_with(#key, :prefix)',
          ExpressionAttributeNames: { '#id': 'ExecutionId', '#key': 'Key' },
          ExpressionAttributeValues: { ':id': executionId, ':prefix': outputPrefix(stageName) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    const outputs = new Map<string, OperatorOutput>();
    for (const item of items) {
      const output = readOutput(item, stageInput);
      outputs.set(output.Name ?? '', output);
    }
    return outputs;
  }

  /**
   * Records a completed stage and starts the next one: two small updates, whatever the number of stages. The
   * execution record itself is written after these by the caller, conditionally; it is what readers go by.
   */
  async completeStage(executionId: string, stageName: string, step: StageStep): Promise<string[] | undefined> {
    const inline = step.outputs.length === 0;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { ExecutionId: executionId, Key: stageKey(stageName) },
        UpdateExpression: inline
          ? 'SET #status = :status, #outputs = :outputs REMOVE #recorded'
          : 'SET #status = :status, #recorded = :true REMOVE #outputs',
        ExpressionAttributeNames: { '#status': 'Status', '#outputs': 'Outputs', '#recorded': 'OutputsRecorded' },
        ExpressionAttributeValues: inline
          ? { ':status': step.stageStatus, ':outputs': [] }
          : { ':status': step.stageStatus, ':true': true },
      }),
    );
    if (step.next === undefined) return undefined;
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { ExecutionId: executionId, Key: stageKey(step.next) },
        UpdateExpression: 'SET #status = :started, #input = :input',
        ExpressionAttributeNames: { '#status': 'Status', '#input': 'Input' },
        ExpressionAttributeValues: { ':started': StageStatus.Started, ':input': step.globals },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return (Attributes?.Operations as string[] | undefined) ?? [];
  }

  /** Every stage and output of an execution (for the API, which answers the whole execution). */
  async parts(executionId: string): Promise<ExecutionParts> {
    const items = await allPages<Item>((startKey) =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#id = :id',
          ExpressionAttributeNames: { '#id': 'ExecutionId' },
          ExpressionAttributeValues: { ':id': executionId },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    const stages = new Map<string, StageState>();
    const outputItems: Item[] = [];
    for (const item of items) {
      const key = String(item.Key);
      if (key.startsWith('S')) {
        const { ExecutionId: _id, Key: _key, ...stage } = item;
        stages.set(key.slice(1), stage as StageState);
      } else outputItems.push(item);
    }
    const outputs = new Map<string, Map<string, OperatorOutput>>();
    for (const item of outputItems) {
      const [stageName, operationName] = JSON.parse(String(item.Key).slice(1)) as [string, string];
      const input = stages.get(stageName)?.Input ?? { Media: {}, MetaData: {} };
      if (!outputs.has(stageName)) outputs.set(stageName, new Map());
      outputs.get(stageName)?.set(operationName, readOutput(item, input));
    }
    return { stages, outputs };
  }

  /** Deletes every item of an execution. */
  async deleteAll(executionId: string): Promise<void> {
    const keys = await allPages<Item>((startKey) =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#id = :id',
          ProjectionExpression: '#id, #key',
          ExpressionAttributeNames: { '#id': 'ExecutionId', '#key': 'Key' },
          ExpressionAttributeValues: { ':id': executionId },
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    for (let start = 0; start < keys.length; start += 25) {
      let requests: Record<string, unknown>[] | undefined = keys
        .slice(start, start + 25)
        .map((Key) => ({ DeleteRequest: { Key: { ExecutionId: Key.ExecutionId, Key: Key.Key } } }));
      while (requests && requests.length > 0) {
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
      }
    }
  }
}

function readOutput(item: Item, stageInput: Globals): OperatorOutput {
  const stored = unpack<Item>(item) ?? item;
  const output = stored.Output as OperatorOutput;
  if (!stored.StageInput) return output;
  // The original's operator object key order, with the input put back in its place.
  const { Name, AssetId, WorkflowExecutionId, ...rest } = output;
  return { Name, AssetId, WorkflowExecutionId, Input: structuredClone(stageInput), ...rest } as OperatorOutput;
}
