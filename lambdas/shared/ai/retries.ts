/**
 * Throttling retries and job polling for every AI service adapter, written once. The SDK's own retries (three
 * attempts) are too few for the AI services' per-account TPS limits and job quotas, which a busy pipeline meets as
 * a matter of course; these errors are retried with exponential backoff and full jitter.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const RETRYABLE_ERRORS = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ServiceUnavailableException',
  'ServiceFailureException',
  'InternalServerError',
  'InternalServerException',
  'InternalFailureException',
]);

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 20_000 };

const sleeping = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  sleep: (ms: number) => Promise<void> = sleeping,
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

export interface WaitOptions {
  /** First wait between polls; each wait doubles up to `maxPollMs`. @default 1000 */
  readonly pollMs?: number;
  /** @default 15000 */
  readonly maxPollMs?: number;
  /** Give up (and throw `JobWaitTimeout`) after this long. @default 1 hour */
  readonly timeoutMs?: number;
}

export class JobWaitTimeout extends Error {}

/** Polls `check` until it returns a value (the job ended), waiting longer each time, up to the deadline. */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: WaitOptions = {},
  sleep: (ms: number) => Promise<void> = sleeping,
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
  let wait = options.pollMs ?? 1000;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() + wait > deadline) throw new JobWaitTimeout(`${what} is still in progress`);
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
