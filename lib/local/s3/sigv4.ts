import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { accessDenied, invalidArgument, invalidRequest, s3Error } from './errors';

/**
 * Signature Version 4 as S3 verifies it: the Authorization header, presigned URLs, the chunk and trailer signatures
 * of streamed uploads and the signature of a POST policy, with S3's error codes and messages. S3's canonical request
 * differs from other services': the path is neither normalized nor encoded twice, and the payload hash is whatever
 * `x-amz-content-sha256` declares (the body is checked against it as it arrives, see `intake.ts`).
 */

/** A request as it came off the wire: the path and query still percent-encoded, header pairs as received. */
export interface S3Request {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

export interface SigV4Options {
  /** The region the engine answers for; a signature scoped to another one is refused, as S3 refuses it. */
  readonly region: string;
  readonly lookupSecret: (accessKeyId: string) => string | undefined;
  /** The session token a key's (temporary) credentials carry. @default - no key has one */
  readonly lookupSessionToken?: (accessKeyId: string) => string | undefined;
  /** @default Date.now */
  readonly now?: () => number;
}

/** What later signatures of the same request (chunks, trailers) are computed with. */
export interface SigningContext {
  readonly signingKey: Buffer;
  readonly amzDate: string;
  readonly scope: string;
}

export interface AuthenticatedRequest {
  readonly accessKeyId: string;
  readonly presigned: boolean;
  /** The payload hash that was signed: a SHA-256 in hex, `UNSIGNED-PAYLOAD` or one of the `STREAMING-…` values. */
  readonly payloadHash: string;
  /** The request's own signature, the seed of a signed chunk stream. */
  readonly signature: string;
  readonly signing: SigningContext;
}

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
const SIGV4A_PAYLOADS = [
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
];

/** S3's allowance for a client clock that is off, for signed headers; presigned URLs have their own expiry. */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** The longest a presigned URL may be valid: seven days. */
const MAX_EXPIRES_SECONDS = 604_800;

const SIGNATURE_DOES_NOT_MATCH =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
const UNSUPPORTED_MECHANISM =
  'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.';

/**
 * Verifies the signature of a request signed in its header or in its query (a presigned URL) against the local
 * credentials. Throws S3's error otherwise: `AccessDenied` for an anonymous request (every local bucket is private),
 * `InvalidAccessKeyId`, `SignatureDoesNotMatch`, `RequestTimeTooSkewed`, `AccessDenied` "Request has expired", and
 * the `AuthorizationHeaderMalformed` / `AuthorizationQueryParametersError` family for a malformed signature.
 */
export function authenticate(request: S3Request, options: SigV4Options): AuthenticatedRequest {
  const headers = headerMap(request.headers);
  const query = parseQuery(request.rawQuery);
  const queryValue = (name: string) => query.find(([key]) => key === name)?.[1];
  const authorization = headers.get('authorization');
  const mechanisms = [
    authorization !== undefined,
    queryValue('X-Amz-Algorithm') !== undefined,
    queryValue('Signature') !== undefined || queryValue('AWSAccessKeyId') !== undefined,
  ].filter(Boolean).length;
  if (mechanisms > 1) {
    throw invalidArgument(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string ' +
        'parameter or the Authorization header should be specified',
      'Authorization',
      authorization ?? '',
    );
  }
  if (mechanisms === 0) throw accessDenied();

  const now = options.now?.() ?? Date.now();
  const signature =
    authorization !== undefined
      ? parseAuthorizationHeader(authorization, headers, options, now)
      : parsePresignedQuery(queryValue, options, now);
  checkSessionToken(
    signature.accessKeyId,
    headers.get('x-amz-security-token') ?? queryValue('X-Amz-Security-Token'),
    options,
  );

  const unsigned = [...headers.keys()].filter(
    (name) => name.startsWith('x-amz-') && !signature.signedHeaders.includes(name),
  );
  if (!signature.signedHeaders.includes('host')) unsigned.unshift('host');
  if (unsigned.length > 0) {
    throw accessDenied('There were headers present in the request which were not signed', {
      HeadersNotSigned: unsigned.join(', '),
    });
  }

  const canonicalHeaders = signature.signedHeaders.map((name) => `${name}:${headers.get(name) ?? ''}\n`).join('');
  const canonicalQuery = canonicalQueryString(
    query.filter(([name]) => !(signature.presigned && name === 'X-Amz-Signature')),
  );
  const signingKey = deriveSigningKey(signature.secret, signature.scopeDate, options.region, 's3');
  const scope = `${signature.scopeDate}/${options.region}/s3/aws4_request`;
  let reported: { canonicalRequest: string; stringToSign: string } | undefined;
  for (const canonicalUri of candidatePaths(request.rawPath)) {
    const canonicalRequest = [
      request.method.toUpperCase(),
      canonicalUri,
      canonicalQuery,
      canonicalHeaders,
      signature.signedHeaders.join(';'),
      signature.payloadHash,
    ].join('\n');
    const stringToSign = [ALGORITHM, signature.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
    reported ??= { canonicalRequest, stringToSign };
    if (signatureMatches(signature.provided, hmac(signingKey, stringToSign))) {
      return {
        accessKeyId: signature.accessKeyId,
        presigned: signature.presigned,
        payloadHash: signature.payloadHash,
        signature: signature.provided,
        signing: { signingKey, amzDate: signature.amzDate, scope },
      };
    }
  }
  throw s3Error('SignatureDoesNotMatch', SIGNATURE_DOES_NOT_MATCH, {
    AWSAccessKeyId: signature.accessKeyId,
    StringToSign: reported?.stringToSign ?? '',
    SignatureProvided: signature.provided,
    StringToSignBytes: hexBytes(reported?.stringToSign ?? ''),
    CanonicalRequest: reported?.canonicalRequest ?? '',
    CanonicalRequestBytes: hexBytes(reported?.canonicalRequest ?? ''),
  });
}

/** The signature of one chunk of a `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` body, chained from the one before it. */
export function chunkSignature(signing: SigningContext, previous: string, chunkSha256: string): string {
  const stringToSign = [
    'AWS4-HMAC-SHA256-PAYLOAD',
    signing.amzDate,
    signing.scope,
    previous,
    EMPTY_SHA256,
    chunkSha256,
  ].join('\n');
  return hmac(signing.signingKey, stringToSign).toString('hex');
}

/** The signature of the trailing headers (`name:value\n` each) of a signed streaming body. */
export function trailerSignature(signing: SigningContext, previous: string, trailers: string): string {
  const stringToSign = ['AWS4-HMAC-SHA256-TRAILER', signing.amzDate, signing.scope, previous, sha256Hex(trailers)].join(
    '\n',
  );
  return hmac(signing.signingKey, stringToSign).toString('hex');
}

/** Whether a hex signature from the wire equals one computed here, compared in constant time. */
export function signatureMatches(provided: string, expected: Buffer): boolean {
  if (!/^[0-9a-f]{64}$/.test(provided)) return false;
  return timingSafeEqual(Buffer.from(provided, 'hex'), expected);
}

/** A credential scope (`<key>/<yyyyMMdd>/<region>/s3/aws4_request`), checked as S3 checks it. */
export interface Credential {
  readonly accessKeyId: string;
  readonly scopeDate: string;
}

/**
 * Parses and checks a credential scope. `fail` turns S3's message into the error of the place the credential came
 * from (the Authorization header, a presigned URL's query or a POST form).
 */
export function parseCredential(
  credential: string,
  region: string,
  fail: (message: string, detail?: Record<string, string>) => Error,
): Credential {
  const parts = credential.split('/');
  if (parts.length !== 5) {
    throw fail('the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  }
  const [accessKeyId, scopeDate, scopeRegion, service, terminal] = parts as [string, string, string, string, string];
  if (accessKeyId === '') throw fail('a non-empty Access Key (AKID) must be provided in the credential.');
  if (!/^\d{8}$/.test(scopeDate)) {
    throw fail(`incorrect date format "${scopeDate}". This date in the credential must be in the format "yyyyMMdd".`);
  }
  if (scopeRegion !== region)
    throw fail(`the region '${scopeRegion}' is wrong; expecting '${region}'`, { Region: region });
  if (service !== 's3') throw fail(`incorrect service "${service}". This endpoint belongs to "s3".`);
  if (terminal !== 'aws4_request') throw fail(`incorrect terminal "${terminal}". This endpoint uses "aws4_request".`);
  return { accessKeyId, scopeDate };
}

/** `yyyyMMdd'T'HHmmss'Z'` to epoch milliseconds, NaN when it is not that. */
export function parseAmzDate(value: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s] = match as unknown as [string, string, string, string, string, string, string];
  const time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  // Date.UTC rolls 20260230 over into March; S3 refuses such a date.
  return new Date(time).toISOString().startsWith(`${y}-${mo}-${d}T${h}:${mi}:${s}`) ? time : Number.NaN;
}

export function deriveSigningKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secret}`, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

export function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** S3's `StringToSignBytes`: each byte as two hex digits, separated by spaces. */
export function hexBytes(text: string): string {
  return Buffer.from(text, 'utf8')
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
}

/** The time S3 reports as `ServerTime`: ISO 8601 without milliseconds. */
export function serverTime(now: number): string {
  return new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface ParsedSignature {
  readonly presigned: boolean;
  readonly accessKeyId: string;
  readonly secret: string;
  readonly scopeDate: string;
  readonly amzDate: string;
  readonly signedHeaders: readonly string[];
  readonly provided: string;
  readonly payloadHash: string;
}

function parseAuthorizationHeader(
  authorization: string,
  headers: Map<string, string>,
  options: SigV4Options,
  now: number,
): ParsedSignature {
  const value = authorization.trim();
  if (/^AWS\s/.test(value)) throw invalidRequest(UNSUPPORTED_MECHANISM);
  if (!value.startsWith(`${ALGORITHM} `)) {
    throw invalidArgument('Unsupported Authorization Type', 'Authorization', authorization);
  }
  const malformed = (message: string, detail?: Record<string, string>) =>
    s3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${message}`, detail);
  const components = new Map<string, string>();
  for (const part of value.slice(ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) components.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credentialText = components.get('Credential');
  const signedHeadersText = components.get('SignedHeaders');
  const provided = components.get('Signature');
  if (credentialText === undefined || signedHeadersText === undefined || provided === undefined) {
    throw malformed('the authorization header requires three components: Credential, SignedHeaders, and Signature.');
  }
  const credential = parseCredential(credentialText, options.region, malformed);
  const secret = lookup(credential.accessKeyId, options);

  const amzDateHeader = headers.get('x-amz-date');
  const dateHeader = headers.get('date');
  const requestTime = amzDateHeader !== undefined ? parseAmzDate(amzDateHeader) : Date.parse(dateHeader ?? '');
  if (Number.isNaN(requestTime)) {
    throw accessDenied('AWS authentication requires a valid Date or x-amz-date header');
  }
  const amzDate = amzDateHeader ?? basicIsoDate(requestTime);
  if (credential.scopeDate !== amzDate.slice(0, 8)) {
    throw malformed('Invalid credential date. Date is not the same as X-Amz-Date.');
  }
  if (Math.abs(now - requestTime) > MAX_SKEW_MS) {
    throw s3Error(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      {
        RequestTime: amzDateHeader ?? dateHeader ?? '',
        ServerTime: serverTime(now),
        MaxAllowedSkewMilliseconds: MAX_SKEW_MS,
      },
    );
  }

  const payloadHash = headers.get('x-amz-content-sha256');
  if (payloadHash === undefined) throw invalidRequest('Missing required header for this request: x-amz-content-sha256');
  checkPayloadHash(payloadHash);
  return {
    presigned: false,
    accessKeyId: credential.accessKeyId,
    secret,
    scopeDate: credential.scopeDate,
    amzDate,
    signedHeaders: signedHeadersText.split(';').map((name) => name.trim().toLowerCase()),
    provided,
    payloadHash,
  };
}

function parsePresignedQuery(
  queryValue: (name: string) => string | undefined,
  options: SigV4Options,
  now: number,
): ParsedSignature {
  if (queryValue('X-Amz-Algorithm') === undefined) throw invalidRequest(UNSUPPORTED_MECHANISM);
  const failure = (message: string, detail?: Record<string, string>) =>
    s3Error('AuthorizationQueryParametersError', message, detail);
  if (queryValue('X-Amz-Algorithm') !== ALGORITHM) {
    throw failure(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  }
  const credentialText = queryValue('X-Amz-Credential');
  const provided = queryValue('X-Amz-Signature');
  const amzDate = queryValue('X-Amz-Date');
  const signedHeadersText = queryValue('X-Amz-SignedHeaders');
  const expiresText = queryValue('X-Amz-Expires');
  if (
    credentialText === undefined ||
    provided === undefined ||
    amzDate === undefined ||
    signedHeadersText === undefined ||
    expiresText === undefined
  ) {
    throw failure(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, ' +
        'X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  const credential = parseCredential(credentialText, options.region, (message, detail) =>
    failure(`Error parsing the X-Amz-Credential parameter; ${message}`, detail),
  );
  const secret = lookup(credential.accessKeyId, options);
  const requestTime = parseAmzDate(amzDate);
  if (Number.isNaN(requestTime)) {
    throw failure(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  }
  if (credential.scopeDate !== amzDate.slice(0, 8)) {
    throw failure('Invalid credential date. Date is not the same as X-Amz-Date.');
  }
  if (!/^\d+$/.test(expiresText)) {
    throw failure(
      expiresText.startsWith('-') ? 'X-Amz-Expires must be non-negative' : 'X-Amz-Expires should be a number',
    );
  }
  const expires = Number(expiresText);
  if (expires > MAX_EXPIRES_SECONDS) {
    throw failure(
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ' +
        '604800 seconds',
    );
  }
  // Expiry bounds the past only; a date ahead of the clock would otherwise stretch a URL's life at will.
  if (requestTime - now > MAX_SKEW_MS) throw accessDenied('Request is not valid yet');
  const expiresAt = requestTime + expires * 1000;
  if (now > expiresAt) {
    throw accessDenied('Request has expired', {
      'X-Amz-Expires': expiresText,
      Expires: serverTime(expiresAt),
      ServerTime: serverTime(now),
    });
  }
  return {
    presigned: true,
    accessKeyId: credential.accessKeyId,
    secret,
    scopeDate: credential.scopeDate,
    amzDate,
    signedHeaders: signedHeadersText.split(';').map((name) => name.trim().toLowerCase()),
    provided,
    // A presigned URL signs no payload unless it names one (the SDKs put UNSIGNED-PAYLOAD in the query).
    payloadHash: queryValue('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD,
  };
}

/**
 * Temporary credentials are valid only with their session token; a token sent with a key that has none, or the
 * wrong token, is S3's `InvalidToken`.
 */
export function checkSessionToken(accessKeyId: string, sent: string | undefined, options: SigV4Options): void {
  const expected = options.lookupSessionToken?.(accessKeyId);
  if (expected !== undefined && sent === undefined) throw unknownAccessKey(accessKeyId);
  if (sent !== undefined && sent !== expected) {
    throw s3Error('InvalidToken', 'The provided token is malformed or otherwise invalid.', { Token: sent });
  }
}

function unknownAccessKey(accessKeyId: string): Error {
  return s3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
    AWSAccessKeyId: accessKeyId,
  });
}

function lookup(accessKeyId: string, options: SigV4Options): string {
  const secret = options.lookupSecret(accessKeyId);
  if (secret === undefined) throw unknownAccessKey(accessKeyId);
  return secret;
}

function checkPayloadHash(value: string): void {
  const known = [UNSIGNED_PAYLOAD, STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER];
  if (/^[0-9a-f]{64}$/.test(value) || known.includes(value)) return;
  if (SIGV4A_PAYLOADS.includes(value)) {
    throw s3Error('NotImplemented', 'Signature Version 4A is not implemented by the local S3 engine.');
  }
  throw invalidArgument(
    `x-amz-content-sha256 must be ${[...known, ...SIGV4A_PAYLOADS].join(', ')} or a valid sha256 value.`,
    'x-amz-content-sha256',
    value,
  );
}

function basicIsoDate(time: number): string {
  return new Date(time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Header names lower-cased, values trimmed with inner runs of spaces collapsed, repeats joined with commas. */
export function headerMap(headers: ReadonlyArray<readonly [string, string]>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const normalized = value.trim().replace(/ +/g, ' ');
    const previous = map.get(key);
    map.set(key, previous === undefined ? normalized : `${previous},${normalized}`);
  }
  return map;
}

/** The raw query split into pairs and percent-decoded; `+` stays a plus, as SigV4 is not form encoding. */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? [percentDecode(pair), ''] : [percentDecode(pair.slice(0, eq)), percentDecode(pair.slice(eq + 1))];
    });
}

function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** RFC 3986 encoding as SigV4 defines it: all but unreserved characters as `%XX`, upper-case hex. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQueryString(query: ReadonlyArray<readonly [string, string]>): string {
  return query
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** The path each segment encoded once (what the SDKs sign), then the path as sent where a client encoded otherwise. */
function candidatePaths(rawPath: string): string[] {
  const path = rawPath === '' ? '/' : rawPath;
  const encoded = path
    .split('/')
    .map((segment) => uriEncode(percentDecode(segment)))
    .join('/');
  return [...new Set([encoded, path])];
}
