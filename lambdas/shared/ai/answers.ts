/**
 * A service's own answer, for callers that pass it on as the service gave it (the Media Insights workflow API's
 * `/service/*` proxies): the SDK's output without its `$metadata`, and what the request was.
 */
import { DEFAULT_RETRY, RETRYABLE_ERRORS, type RetryPolicy, sendWithRetries } from './jobs';

export interface ServiceAnswer<T> {
  readonly output: Omit<T, '$metadata'>;
  /** The service's `x-amzn-RequestId`. */
  readonly requestId?: string;
  readonly httpStatusCode: number;
  /** Attempts the request took, the first included. */
  readonly attempts: number;
}

interface SdkOutput {
  readonly $metadata?: { requestId?: string; httpStatusCode?: number; attempts?: number };
}

/**
 * The service refused the request for a reason in the request (a name it does not know, one already taken, a value
 * out of range): its error name, message and HTTP status, for the caller to pass on in its own API's words. Errors
 * that are ours (credentials, permissions, throttling left after the retries, the service failing) are not these.
 */
export class ServiceRefusal extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = 'ServiceRefusal';
  }
}

const NOT_THE_CALLERS = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'MissingAuthenticationTokenException',
]);

function asRefusal(error: unknown): unknown {
  const sdkError = error as { name?: string; message?: string; $fault?: string; $metadata?: SdkOutput['$metadata'] };
  const status = sdkError.$metadata?.httpStatusCode ?? 0;
  if (sdkError.$fault !== 'client' || status < 400 || status >= 500) return error;
  if (NOT_THE_CALLERS.has(sdkError.name ?? '') || RETRYABLE_ERRORS.has(sdkError.name ?? '')) return error;
  return new ServiceRefusal(sdkError.name ?? 'BadRequest', sdkError.message ?? '', status);
}

/**
 * Sends one command with the shared throttling retries and keeps the answer's request facts beside its output; a
 * refusal for the request's sake becomes a `ServiceRefusal`.
 */
export async function sendForAnswer<T extends object>(
  client: object,
  command: object,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<ServiceAnswer<T>> {
  const response = await sendWithRetries<T & SdkOutput>(client, command, retry).catch((error: unknown) =>
    Promise.reject(asRefusal(error)),
  );
  const { $metadata: metadata, ...output } = response;
  return {
    output,
    ...(metadata?.requestId !== undefined ? { requestId: metadata.requestId } : {}),
    httpStatusCode: metadata?.httpStatusCode ?? 200,
    attempts: metadata?.attempts ?? 1,
  };
}

/**
 * Every page of a listing, each requested with `NextToken` from the one before, merged by `merge`. The answer's
 * request facts are the last page's.
 */
export async function allPages<T extends { NextToken?: string }>(
  fetchPage: (nextToken: string | undefined) => Promise<ServiceAnswer<T>>,
  merge: (pages: ReadonlyArray<Omit<T, '$metadata'>>) => Omit<Omit<T, 'NextToken'>, '$metadata'>,
): Promise<ServiceAnswer<Omit<T, 'NextToken'>>> {
  const pages: Array<Omit<T, '$metadata'>> = [];
  let answer: ServiceAnswer<T>;
  let token: string | undefined;
  do {
    answer = await fetchPage(token);
    pages.push(answer.output);
    token = answer.output.NextToken;
  } while (token);
  return { ...answer, output: merge(pages) };
}

/** A pre-signed link the service answered (a vocabulary, terminology or parallel data file), read as text. */
export async function readLink(url: string, what: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${what} could not be downloaded: HTTP ${response.status}`);
  return response.text();
}
