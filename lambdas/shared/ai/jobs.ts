/**
 * What every AI service adapter needs around its calls, written once: retries with backoff when the service
 * throttles, polling of asynchronous jobs until they finish, and the S3 objects the services name by URL.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The SDK's own retries (three attempts) are too few for the AI services' per-account TPS limits and quotas of
 * concurrent jobs, which a busy pipeline meets as a matter of course; these errors are retried with exponential
 * backoff and full jitter. The names are the services' own: Rekognition and Textract throttle with
 * `ThrottlingException` / `ProvisionedThroughputExceededException` and refuse jobs over quota with
 * `LimitExceededException`; MediaConvert and Translate say `TooManyRequestsException`. A service's passing fault is
 * retried too: `InternalFailureException` (Transcribe), `InternalServerException` (Comprehend, Translate),
 * `ServiceFailureException` (Polly).
 */
export const RETRYABLE_ERRORS: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'TooManyRequestsException',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalServerErrorException',
  'InternalServerException',
  'InternalFailureException',
  'ServiceFailureException',
]);

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 20_000 };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends `command` through an SDK client with the throttling retries of {@link withRetries}: the one way every
 * adapter calls its service. The client is any SDK v3 client (or a test's stand-in with the same `send`).
 */
export function sendWithRetries<T>(client: object, command: object, retry: RetryPolicy): Promise<T> {
  const sender = client as { send(command: object): Promise<T> };
  return withRetries(() => sender.send(command), retry);
}

export async function withRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  sleep: (ms: number) => Promise<void> = realSleep,
  random: () => number = Math.random,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (!RETRYABLE_ERRORS.has(name) || attempt >= policy.maxAttempts) throw error;
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.round(random() * ceiling));
    }
  }
}

export interface PollOptions {
  /** First wait between polls; each wait doubles up to `maxPollMs`. @default 1000 */
  readonly pollMs?: number;
  /** @default 15000 */
  readonly maxPollMs?: number;
  /** Give up (and throw `JobTimeout`) after this long. @default 1 hour */
  readonly timeoutMs?: number;
}

/** A job still running when the caller stopped waiting; it goes on running in the service. */
export class JobTimeout extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} has not finished yet`);
    this.name = 'JobTimeout';
  }
}

/**
 * Asks for a job's state until `finished` says it is done, waiting longer between asks (a job that took a minute
 * will likely take another), and answers the last state.
 */
export async function pollUntilFinished<T>(
  jobId: string,
  get: () => Promise<T>,
  finished: (state: T) => boolean,
  options: PollOptions = {},
  sleep: (ms: number) => Promise<void> = realSleep,
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
  let wait = options.pollMs ?? 1000;
  for (;;) {
    const state = await get();
    if (finished(state)) return state;
    if (Date.now() + wait > deadline) throw new JobTimeout(jobId);
    await sleep(wait);
    wait = Math.min(options.maxPollMs ?? 15_000, wait * 2);
  }
}

/** An S3 object the AI services name by URL (`https://s3.<region>.amazonaws.com/<bucket>/<key>`, `s3://…`). */
export function s3ObjectOfUri(uri: string): { bucket: string; key: string } | undefined {
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (s3) return { bucket: s3[1] as string, key: s3[2] as string };
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  const key = (path: string) => path.split('/').map(decodeURIComponent).join('/');
  const virtual = /^([^.]+(?:\.[^.]+)*?)\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/.exec(url.hostname);
  if (virtual && !url.searchParams.has('X-Amz-Signature'))
    return { bucket: virtual[1] as string, key: key(url.pathname.slice(1)) };
  const pathStyle = /^s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/.test(url.hostname)
    ? /^\/([^/]+)\/(.+)$/.exec(url.pathname)
    : null;
  if (pathStyle && !url.searchParams.has('X-Amz-Signature'))
    return { bucket: pathStyle[1] as string, key: key(pathStyle[2] as string) };
  return undefined;
}
