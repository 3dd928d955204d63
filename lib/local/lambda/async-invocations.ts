import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { LambdaInvocationError } from './runtime';

/** A function's `AWS::Lambda::EventInvokeConfig`: how often Lambda retries, and where a failed event goes. */
export interface AsyncInvokeConfig {
  readonly maximumRetryAttempts: number;
  /** The on-failure destination's ARN. @default - none: the event is dropped, as Lambda drops it */
  readonly onFailure?: string;
}

/** Lambda's own settings for a function that has no EventInvokeConfig. */
export const DEFAULT_ASYNC_INVOKE_CONFIG: AsyncInvokeConfig = { maximumRetryAttempts: 2 };

/** Lambda waits about a minute before the first retry of a failed asynchronous invocation, two before the second. */
export const LAMBDA_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];

export interface AsyncInvocationsOptions {
  readonly invoke: (functionArn: string, event: unknown) => Promise<unknown>;
  readonly config: (functionArn: string) => AsyncInvokeConfig;
  /** Sends an invocation record to a destination ARN (an SQS queue); throws for a destination it cannot reach. */
  readonly sendToDestination: (destinationArn: string, record: string) => void;
  readonly log: (message: string) => void;
  /** @default LAMBDA_RETRY_DELAYS_MS */
  readonly retryDelaysMs?: readonly number[];
  /**
   * A file keeping every invocation not yet done (queued, running, or waiting for its retry), so that `resume` picks
   * them up after a restart, as Lambda's internal queue outlives any one host. @default - kept in memory only
   */
  readonly journal?: string;
}

/** An invocation Lambda still owes: what the journal keeps. */
interface PendingInvocation {
  readonly functionArn: string;
  readonly event: unknown;
  readonly requestId: string;
  /** The attempt to make next (1 for the first). */
  attempt: number;
  /** When it is due, in ms since the epoch. */
  dueAt: number;
}

/**
 * Asynchronous invocations as Lambda runs them: queued at once, retried after a function error as the function's
 * EventInvokeConfig says, and, once every attempt failed, an invocation record sent to its on-failure destination
 * (or the event dropped and logged, when it has none).
 */
export class AsyncInvocations {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Every invocation not yet done, by request id (the journal's content). */
  private readonly owed = new Map<string, PendingInvocation>();
  private inFlight = 0;
  private stopped = false;

  constructor(private readonly options: AsyncInvocationsOptions) {}

  /** Queues an invocation and returns at once, as `InvocationType: Event` does. */
  queue(functionArn: string, event: unknown): void {
    const invocation: PendingInvocation = {
      functionArn,
      event,
      requestId: randomUUID(),
      attempt: 1,
      dueAt: Date.now(),
    };
    this.owed.set(invocation.requestId, invocation);
    this.save();
    void this.attempt(invocation);
  }

  /**
   * Picks up what the journal kept from before a stop (or a crash): queued and interrupted invocations run now,
   * retries at the time they were due. An interrupted attempt is made again without being counted, as Lambda does when
   * its host goes away. Invocations of functions that no longer exist are dropped.
   */
  resume(exists: (functionArn: string) => boolean): number {
    const file = this.options.journal;
    if (!file || !fs.existsSync(file)) return 0;
    const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as PendingInvocation[];
    let resumed = 0;
    for (const invocation of kept) {
      if (!exists(invocation.functionArn)) {
        this.options.log(`Asynchronous invocation of ${invocation.functionArn} dropped: the function no longer exists`);
        continue;
      }
      this.owed.set(invocation.requestId, invocation);
      this.schedule(invocation, invocation.dueAt - Date.now());
      resumed += 1;
    }
    this.save();
    if (resumed > 0) this.options.log(`Resumed ${resumed} asynchronous invocation(s) pending before the last stop`);
    return resumed;
  }

  /** Attempts running now plus retries waiting for their time. */
  get pending(): number {
    return this.inFlight + this.timers.size;
  }

  /** Local mode is stopping: no further attempt starts; what is owed stays in the journal for the next start. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(invocation: PendingInvocation, delayMs: number): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        void this.attempt(invocation);
      },
      Math.max(0, delayMs),
    );
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(invocation: PendingInvocation): Promise<void> {
    if (this.stopped) return;
    const { functionArn, event, requestId } = invocation;
    const count = invocation.attempt;
    this.inFlight += 1;
    try {
      await this.options.invoke(functionArn, event);
      this.done(invocation);
    } catch (error) {
      // Cut short by the stop (its worker shut down): the attempt is made again at the next start.
      if (this.stopped) return;
      const config = this.options.config(functionArn);
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (count <= config.maximumRetryAttempts) {
        const delays = this.options.retryDelaysMs ?? LAMBDA_RETRY_DELAYS_MS;
        const delay = delays[Math.min(count - 1, delays.length - 1)] ?? 0;
        this.options.log(`Asynchronous invocation of ${functionArn} failed (${message}); retrying in ${delay} ms`);
        invocation.attempt = count + 1;
        invocation.dueAt = Date.now() + delay;
        this.save();
        this.schedule(invocation, delay);
        return;
      }
      // Sent before it leaves the journal: a crash in between sends it twice rather than never.
      this.fail(functionArn, event, count, requestId, error, config, message);
      this.done(invocation);
    } finally {
      this.inFlight -= 1;
    }
  }

  private done(invocation: PendingInvocation): void {
    this.owed.delete(invocation.requestId);
    this.save();
  }

  private save(): void {
    const file = this.options.journal;
    if (!file) return;
    const temporary = `${file}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify([...this.owed.values()]), { mode: 0o600 });
    fs.renameSync(temporary, file);
  }

  private fail(
    functionArn: string,
    event: unknown,
    count: number,
    requestId: string,
    error: unknown,
    config: AsyncInvokeConfig,
    message: string,
  ): void {
    if (!config.onFailure) {
      this.options.log(`Asynchronous invocation of ${functionArn} failed ${count} times and is dropped: ${message}`);
      return;
    }
    // The invocation record Lambda sends to an on-failure destination.
    const record = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId,
        functionArn: `${functionArn}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: count,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload:
        error instanceof LambdaInvocationError
          ? error.payload
          : { errorType: error instanceof Error ? error.name : 'Error', errorMessage: errorMessage(error) },
    };
    try {
      this.options.sendToDestination(config.onFailure, JSON.stringify(record));
      this.options.log(`Asynchronous invocation of ${functionArn} failed ${count} times; sent to ${config.onFailure}`);
    } catch (sendError) {
      this.options.log(
        `Asynchronous invocation of ${functionArn} failed ${count} times and could not be sent to ` +
          `${config.onFailure}: ${(sendError as Error).message}`,
      );
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
