import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** A request as it came off the wire: the raw path and query exactly as sent, header pairs in order. */
export interface RawRequest {
  readonly method: string;
  /** The request target's path, still percent-encoded, without the query. */
  readonly rawPath: string;
  /** The request target's query string without `?`, still encoded. */
  readonly rawQuery: string;
  /** `[name, value]` pairs as received (Node's `rawHeaders`, paired). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface VerifyOptions {
  readonly region: string;
  readonly service: string;
  readonly lookupSecret: (accessKeyId: string) => string | undefined;
  /**
   * The session token temporary credentials were issued with: a request signed with them must carry it
   * (`X-Amz-Security-Token`). @default - no key needs one
   */
  readonly lookupSessionToken?: (accessKeyId: string) => string | undefined;
  /**
   * The payload hash of the canonical request when the body is not at hand (a streamed upload signed with
   * `UNSIGNED-PAYLOAD` or `STREAMING-…`): the `x-amz-content-sha256` claim the caller checked is allowed.
   * @default - the SHA-256 of `request.body`
   */
  readonly payloadHash?: string;
  /** @default Date.now() */
  readonly now?: number;
}

export type VerifyResult =
  | { readonly ok: true; readonly accessKeyId: string }
  | { readonly ok: false; readonly errorType: string; readonly message: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 5 * 60 * 1000;

/**
 * Verifies AWS Signature Version 4 the way API Gateway does for `AWS_IAM` methods, with API Gateway's error
 * types and messages. The payload hash is always computed from the body received: `x-amz-content-sha256` is a
 * claim by the client and trusting it would let a tampered body through.
 */
export function verifySigV4(request: RawRequest, options: VerifyOptions): VerifyResult {
  const headers = headerMap(request.headers);
  const query = parseQuery(request.rawQuery);
  const authorization = headers.get('authorization');
  const presigned = query.some(([name]) => name === 'X-Amz-Algorithm');

  let parsed: ParsedAuth | VerifyResult;
  if (authorization !== undefined) parsed = parseAuthorizationHeader(authorization, headers);
  else if (presigned) parsed = parsePresignedQuery(query);
  else return fail('MissingAuthenticationTokenException', 'Missing Authentication Token');
  if ('ok' in parsed) return parsed;

  const { accessKeyId, scopeDate, scopeRegion, scopeService, signedHeaders, signature, amzDate } = parsed;
  const secret = options.lookupSecret(accessKeyId);
  if (secret === undefined) {
    return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const expectedToken = options.lookupSessionToken?.(accessKeyId);
  const sentToken = headers.get('x-amz-security-token') ?? query.find(([name]) => name === 'X-Amz-Security-Token')?.[1];
  if (expectedToken !== undefined && sentToken !== expectedToken) {
    return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return fail('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    return fail(
      'InvalidSignatureException',
      `Credential should be scoped to a valid date, not '${scopeDate}'. Request date is '${amzDate.slice(0, 8)}'.`,
    );
  }
  if (scopeRegion !== options.region) {
    return fail('InvalidSignatureException', `Credential should be scoped to a valid region, not '${scopeRegion}'. `);
  }
  if (scopeService !== options.service) {
    return fail('InvalidSignatureException', `Credential should be scoped to correct service: '${options.service}'. `);
  }
  const requestTime = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const now = options.now ?? Date.now();
  if (Number.isNaN(requestTime)) {
    return fail('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
  }
  if (parsed.expires !== undefined) {
    if (now > requestTime + parsed.expires * 1000) {
      return fail('AccessDeniedException', 'Signature expired');
    }
  } else if (Math.abs(now - requestTime) > MAX_SKEW_MS) {
    const stamp = (ms: number) =>
      new Date(ms)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
    return now > requestTime
      ? fail(
          'InvalidSignatureException',
          `Signature expired: ${amzDate} is now earlier than ${stamp(now - MAX_SKEW_MS)} (${stamp(now)} - 5 min.)`,
        )
      : fail(
          'InvalidSignatureException',
          `Signature not yet current: ${amzDate} is still later than ${stamp(now + MAX_SKEW_MS)} (${stamp(now)} + 5 min.)`,
        );
  }
  // Over HTTP/2 the host is the `:authority` pseudo-header, and SDK clients sign it so.
  if (!signedHeaders.includes('host') && !signedHeaders.includes(':authority')) {
    return fail('IncompleteSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  for (const name of signedHeaders) {
    if (!headers.has(name)) {
      return fail('IncompleteSignatureException', `Signed header '${name}' is missing from the request.`);
    }
  }

  const payloadHash = options.payloadHash ?? sha256Hex(request.body);
  const scope = `${scopeDate}/${scopeRegion}/${scopeService}/aws4_request`;
  const signingKey = signingKeyFor(secret, scopeDate, scopeRegion, scopeService);
  const signs = (canonicalUri: string, canonicalQuery: string, canonicalHeaders: string) => {
    const canonicalRequest = [
      request.method.toUpperCase(),
      canonicalUri,
      canonicalQuery,
      canonicalHeaders,
      signedHeaders.join(';'),
      payloadHash,
    ].join('\n');
    const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
    const expected = createHmac('sha256', signingKey).update(stringToSign).digest();
    return { canonicalRequest, stringToSign, matches: constantTimeEqualHex(signature, expected) };
  };
  const canonicalHeadersWith = (hostValue: string) =>
    signedHeaders.map((name) => `${name}:${name === 'host' ? hostValue : headers.get(name)}\n`).join('');
  const host = headers.get('host') ?? '';
  const keptQuery = presigned ? query.filter(([name]) => name !== 'X-Amz-Signature') : query;

  // The reading every SDK signs (the first of those below), tried alone first: it is the one nearly every request has.
  const first = signs(
    canonicalPath(rawPathOrRoot(request.rawPath)),
    canonicalQueryString(keptQuery),
    canonicalHeadersWith(host),
  );
  if (first.matches) return { ok: true, accessKeyId };

  // requests_aws4auth (every release but a reverted one) signs the host without its port: harmless against AWS on
  // 443, where Host has none, but a local endpoint has a port; that reading is accepted too.
  const hosts = [host, ...(/:\d+$/.test(host) ? [host.replace(/:\d+$/, '')] : [])];
  const headerBlocks = hosts.map(canonicalHeadersWith);
  const queries = candidateQueries(request.rawQuery, query, presigned);

  // Clients disagree on whether an already-encoded path is encoded again (the SDKs do, some tools do not), and some
  // (curl before 8.x) sign the query as they send it; the request is genuine if any reading produces the signature.
  const readings = headerBlocks.flatMap((canonicalHeaders) =>
    candidatePaths(request.rawPath).flatMap((uri) => queries.map((query) => [uri, query, canonicalHeaders] as const)),
  );
  for (const [canonicalUri, canonicalQuery, canonicalHeaders] of readings.slice(1)) {
    if (signs(canonicalUri, canonicalQuery, canonicalHeaders).matches) return { ok: true, accessKeyId };
  }
  return fail(
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key ' +
      'and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request ' +
      `should have been\n'${first.canonicalRequest}'\n\nThe String-to-Sign should have been\n'${first.stringToSign}'\n`,
  );
}

interface ParsedAuth {
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly scopeRegion: string;
  readonly scopeService: string;
  readonly signedHeaders: string[];
  readonly signature: string;
  readonly amzDate: string;
  readonly expires?: number;
}

function parseAuthorizationHeader(value: string, headers: Map<string, string>): ParsedAuth | VerifyResult {
  const trimmed = value.trim();
  if (!trimmed.startsWith(`${ALGORITHM} `)) {
    return fail(
      'IncompleteSignatureException',
      `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${trimmed}`,
    );
  }
  const parts = new Map<string, string>();
  for (const part of trimmed.slice(ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = parts.get('Credential');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  const missing = [
    credential === undefined ? "'Credential'" : '',
    signedHeaders === undefined ? "'SignedHeaders'" : '',
    signature === undefined ? "'Signature'" : '',
  ].filter(Boolean);
  if (missing.length > 0 || credential === undefined || signedHeaders === undefined || signature === undefined) {
    return fail(
      'IncompleteSignatureException',
      `Authorization header requires ${missing.join(', ')} parameter(s). Authorization=${trimmed}`,
    );
  }
  const amzDate = headers.get('x-amz-date') ?? headers.get('date');
  if (amzDate === undefined) {
    return fail(
      'IncompleteSignatureException',
      `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${trimmed}`,
    );
  }
  return credentialParts(credential, signedHeaders.split(';'), signature, amzDate);
}

function parsePresignedQuery(query: ReadonlyArray<readonly [string, string]>): ParsedAuth | VerifyResult {
  const get = (name: string) => query.find(([key]) => key === name)?.[1];
  const algorithm = get('X-Amz-Algorithm');
  const credential = get('X-Amz-Credential');
  const signedHeaders = get('X-Amz-SignedHeaders');
  const signature = get('X-Amz-Signature');
  const amzDate = get('X-Amz-Date');
  const expires = Number(get('X-Amz-Expires') ?? '900');
  if (algorithm !== ALGORITHM || !credential || !signedHeaders || !signature || !amzDate) {
    return fail('IncompleteSignatureException', 'AWS query-string parameters missing or malformed.');
  }
  const parsed = credentialParts(credential, signedHeaders.split(';'), signature, amzDate);
  return 'ok' in parsed ? parsed : { ...parsed, expires: Number.isFinite(expires) ? expires : 900 };
}

function credentialParts(
  credential: string,
  signedHeaders: string[],
  signature: string,
  amzDate: string,
): ParsedAuth | VerifyResult {
  const pieces = credential.split('/');
  if (pieces.length !== 5 || pieces[4] !== 'aws4_request') {
    return fail(
      'IncompleteSignatureException',
      `Credential should have 5 parts (AccessKeyId/date/region/service/aws4_request). Credential=${credential}`,
    );
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService] = pieces as [string, string, string, string];
  return {
    accessKeyId,
    scopeDate,
    scopeRegion,
    scopeService,
    signedHeaders: signedHeaders.map((name) => name.toLowerCase()),
    signature: signature.toLowerCase(),
    amzDate,
  };
}

function headerMap(headers: ReadonlyArray<readonly [string, string]>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const normalized = value.trim().replace(/\s+/g, ' ');
    map.set(key, map.has(key) ? `${map.get(key)},${normalized}` : normalized);
  }
  return map;
}

/** Splits a raw query on `&` and `=` and percent-decodes each side. `+` stays a plus: SigV4 is not form encoding. */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  if (rawQuery === '') return [];
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      return [percentDecode(name), percentDecode(value)];
    });
}

function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** RFC 3986 encoding as SigV4 defines it: everything but unreserved characters is `%XX`, upper-case hex. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQueryString(query: ReadonlyArray<readonly [string, string]>): string {
  return query
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** The canonical query first, then the query's pairs as sent (sorted, and in their order), not re-encoded. */
function candidateQueries(
  rawQuery: string,
  query: ReadonlyArray<readonly [string, string]>,
  presigned: boolean,
): string[] {
  const kept = (name: string) => !(presigned && name === 'X-Amz-Signature');
  const raw = rawQuery
    .split('&')
    .filter((pair) => pair !== '' && kept(percentDecode(pair.split('=')[0] ?? '')))
    .map((pair) => (pair.includes('=') ? pair : `${pair}=`));
  return [
    ...new Set([canonicalQueryString(query.filter(([name]) => kept(name))), [...raw].sort().join('&'), raw.join('&')]),
  ];
}

/**
 * The readings of the path a client may have signed. SigV4 removes `.`/`..` and collapses repeated slashes (the
 * signers of the SDKs, aws4 and requests_aws4auth all sign `/api/create` for a request sent to `/api//create`);
 * signers that skip that step sign the path as sent, which is accepted too. Each reading comes encoded twice (the
 * SDKs), once, and as sent.
 */
function candidatePaths(rawPath: string): string[] {
  const path = rawPathOrRoot(rawPath);
  const readings = [
    removeDotSegments(path, { collapseSlashes: true }),
    removeDotSegments(path, { collapseSlashes: false }),
  ];
  const paths = readings.flatMap((segments) => [
    segments.map((segment) => uriEncode(uriEncode(percentDecode(segment)))).join('/'),
    segments.map((segment) => uriEncode(percentDecode(segment))).join('/'),
    segments.join('/'),
  ]);
  return [...new Set(paths.map((candidate) => (candidate.startsWith('/') ? candidate : `/${candidate}`)))];
}

/** The first of `candidatePaths`: dot segments removed, repeated slashes collapsed, each segment encoded twice. */
function canonicalPath(rawPath: string): string {
  const encoded = removeDotSegments(rawPath, { collapseSlashes: true })
    .map((segment) => uriEncode(uriEncode(percentDecode(segment))))
    .join('/');
  return encoded.startsWith('/') ? encoded : `/${encoded}`;
}

function rawPathOrRoot(rawPath: string): string {
  return rawPath === '' ? '/' : rawPath;
}

/** Removes `.` and `..` segments (RFC 3986 5.2.4) and, with `collapseSlashes`, empty segments but a trailing one. */
function removeDotSegments(path: string, { collapseSlashes }: { collapseSlashes: boolean }): string[] {
  const out: string[] = [];
  const segments = path.split('/');
  segments.forEach((segment, index) => {
    if (segment === '.') return;
    if (segment === '..') {
      if (out.length > 1) out.pop();
      return;
    }
    if (collapseSlashes && segment === '' && index !== 0 && index !== segments.length - 1) return;
    out.push(segment);
  });
  return out;
}

/**
 * Signing keys by secret, date, region and service: a key changes once a day, and deriving one costs four HMACs (AWS
 * caches them the same way).
 */
const signingKeys = new Map<string, Buffer>();
const MAX_SIGNING_KEYS = 256;

function signingKeyFor(secret: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\0${date}\0${region}\0${service}`;
  let key = signingKeys.get(cacheKey);
  if (key === undefined) {
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear();
    key = deriveSigningKey(secret, date, region, service);
    signingKeys.set(cacheKey, key);
  }
  return key;
}

function deriveSigningKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function constantTimeEqualHex(signatureHex: string, expected: Buffer): boolean {
  if (!/^[0-9a-f]{64}$/.test(signatureHex)) return false;
  return timingSafeEqual(Buffer.from(signatureHex, 'hex'), expected);
}

function fail(errorType: string, message: string): VerifyResult {
  return { ok: false, errorType, message };
}
