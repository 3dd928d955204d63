import { randomUUID } from 'node:crypto';
import { InvalidOutput, InvalidToken, TaskTimedOut } from './errors';
import { TaskFailure } from './task-failure';
import type { JsonValue } from './types';

export interface IssueTaskTokenInput {
  readonly executionArn: string;
  readonly stateName: string;
  /** The Task's `HeartbeatSeconds`: the task fails with States.Timeout when no heartbeat arrives in time. */
  readonly heartbeatSeconds?: number;
}

export interface IssuedTaskToken {
  readonly token: string;
  /** Resolves with SendTaskSuccess's output; rejects with a `TaskFailure` on SendTaskFailure or heartbeat timeout. */
  readonly result: Promise<JsonValue>;
  /** Rejects `result` with `reason` and forgets the token; no effect once the task has completed. */
  cancel(reason: Error): void;
}

interface PendingTask {
  readonly heartbeatMs?: number;
  heartbeatTimer?: NodeJS.Timeout;
  resolve(output: JsonValue): void;
  reject(reason: Error): void;
}

interface TokenContents {
  readonly executionArn: string;
  readonly stateName: string;
  readonly nonce: string;
}

/** The callback half of `.waitForTaskToken`: tokens handed to workers, completed by SendTask* calls. */
export class TaskTokenRegistry {
  private readonly pending = new Map<string, PendingTask>();

  issue(input: IssueTaskTokenInput): IssuedTaskToken {
    const contents: TokenContents = {
      executionArn: input.executionArn,
      stateName: input.stateName,
      nonce: randomUUID(),
    };
    // Self-describing tokens let SendTask* tell a malformed token (InvalidToken) from a finished task (TaskTimedOut).
    const token = Buffer.from(JSON.stringify(contents)).toString('base64url');
    let settle!: Pick<PendingTask, 'resolve' | 'reject'>;
    const result = new Promise<JsonValue>((resolve, reject) => (settle = { resolve, reject }));
    const task: PendingTask = {
      heartbeatMs: input.heartbeatSeconds === undefined ? undefined : input.heartbeatSeconds * 1000,
      resolve: (output) => {
        this.forget(token, task);
        settle.resolve(output);
      },
      reject: (reason) => {
        this.forget(token, task);
        settle.reject(reason);
      },
    };
    this.pending.set(token, task);
    this.armHeartbeat(task, input.heartbeatSeconds);
    return { token, result, cancel: (reason) => this.pending.get(token) === task && task.reject(reason) };
  }

  sendTaskSuccess(token: string, output: string): void {
    const task = this.find(token);
    let parsed: JsonValue;
    try {
      parsed = JSON.parse(output) as JsonValue;
    } catch {
      throw new InvalidOutput('Invalid Output: the output must be valid JSON');
    }
    task.resolve(parsed);
  }

  sendTaskFailure(token: string, error: string | undefined, cause: string | undefined): void {
    this.find(token).reject(new TaskFailure(error ?? '', cause ?? ''));
  }

  sendTaskHeartbeat(token: string): void {
    const task = this.find(token);
    this.armHeartbeat(task, task.heartbeatMs === undefined ? undefined : task.heartbeatMs / 1000);
  }

  /** Fails every pending task with `reason` (used on shutdown). */
  cancelAll(reason: Error): void {
    for (const task of [...this.pending.values()]) task.reject(reason);
  }

  private find(token: string): PendingTask {
    const task = this.pending.get(token);
    if (task) return task;
    if (!isWellFormed(token)) throw new InvalidToken('Invalid Token: the task token is malformed');
    // AWS answers TaskTimedOut for a token whose task already ended, whatever the reason it ended.
    throw new TaskTimedOut('Task Timed Out: Provided task does not exist anymore');
  }

  private armHeartbeat(task: PendingTask, heartbeatSeconds: number | undefined): void {
    clearTimeout(task.heartbeatTimer);
    if (heartbeatSeconds === undefined) return;
    task.heartbeatTimer = setTimeout(
      () => task.reject(new TaskFailure('States.Timeout', `No heartbeat received within ${heartbeatSeconds} seconds`)),
      heartbeatSeconds * 1000,
    );
  }

  private forget(token: string, task: PendingTask): void {
    clearTimeout(task.heartbeatTimer);
    if (this.pending.get(token) === task) this.pending.delete(token);
  }
}

function isWellFormed(token: string): boolean {
  try {
    const contents = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenContents>;
    return typeof contents.executionArn === 'string' && typeof contents.nonce === 'string';
  } catch {
    return false;
  }
}
