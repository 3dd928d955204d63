import { randomUUID } from 'node:crypto';
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
}

/**
 * Asynchronous invocations as Lambda runs them: queued at once, retried after a function error as the function's
 * EventInvokeConfig says, and, once every attempt failed, an invocation record sent to its on-failure destination
 * (or the event dropped and logged, when it has none).
 */
export class AsyncInvocations {
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private stopped = false;

  constructor(private readonly options: AsyncInvocationsOptions) {}

  /** Queues an invocation and returns at once, as `InvocationType: Event` does. */
  queue(functionArn: string, event: unknown): void {
    void this.attempt(functionArn, event, 1, randomUUID());
  }

  /** Attempts running now plus retries waiting for their time. */
  get pending(): number {
    return this.inFlight + this.timers.size;
  }

  /** Pending retries are dropped (local mode is stopping). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async attempt(functionArn: string, event: unknown, count: number, requestId: string): Promise<void> {
    if (this.stopped) return;
    this.inFlight += 1;
    try {
      await this.options.invoke(functionArn, event);
      return;
    } catch (error) {
      const config = this.options.config(functionArn);
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (count <= config.maximumRetryAttempts) {
        const delays = this.options.retryDelaysMs ?? LAMBDA_RETRY_DELAYS_MS;
        const delay = delays[Math.min(count - 1, delays.length - 1)] ?? 0;
        this.options.log(`Asynchronous invocation of ${functionArn} failed (${message}); retrying in ${delay} ms`);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          void this.attempt(functionArn, event, count + 1, requestId);
        }, delay);
        timer.unref();
        this.timers.add(timer);
        return;
      }
      this.fail(functionArn, event, count, requestId, error, config, message);
    } finally {
      this.inFlight -= 1;
    }
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
