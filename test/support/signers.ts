import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import aws4 from 'aws4';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * SigV4 signers written by others, reproduced or used as they are, so the gateway is checked against what real
 * clients sign rather than against its own reading of the spec. Each returns the headers to send with a request
 * whose path and query go on the wire exactly as given.
 */
export interface SignInput {
  readonly method: string;
  /** `host[:port]` as sent in the Host header. */
  readonly host: string;
  /** The request target's path, exactly as sent (`/api//create`). */
  readonly path: string;
  /** Raw query without `?`. @default '' */
  readonly query?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** @default 'us-east-1' */
  readonly region?: string;
}

export type Signer = (input: SignInput) => Promise<Record<string, string>>;

/** aws4 (the Node signer the test helpers use): collapses `//` in the canonical path. */
export const signWithAws4: Signer = async (input) => {
  const signed = aws4.sign(
    {
      host: input.host,
      method: input.method,
      path: input.query ? `${input.path}?${input.query}` : input.path,
      body: input.body,
      headers: { ...input.headers },
      service: 'execute-api',
      region: input.region ?? 'us-east-1',
    },
    input.credentials,
  );
  return stringHeaders(signed.headers);
};

/** The AWS SDK v3's signer: normalizes the path (empty segments removed) and encodes it twice. */
export const signWithSdk: Signer = async (input) => {
  const signer = new SignatureV4({
    credentials: input.credentials,
    region: input.region ?? 'us-east-1',
    service: 'execute-api',
    sha256: Sha256,
  });
  const [hostname = '', port] = input.host.split(':');
  const signed = await signer.sign({
    method: input.method,
    protocol: 'http:',
    hostname,
    port: port === undefined ? undefined : Number(port),
    path: input.path,
    query: Object.fromEntries(new URLSearchParams(input.query ?? '')),
    headers: { host: input.host, ...input.headers },
    body: input.body,
  });
  return stringHeaders(signed.headers);
};

/**
 * A reproduction of Python's requests_aws4auth 1.1.1 (`AWS4Auth.amz_cano_path`), which the original Media Insights
 * integration tests sign with: `posixpath.normpath`, then `re.sub('/+', '/')`, a trailing slash put back, and
 * `quote(path, safe='/~')` of the path as requests sends it (checked against the library's own `amz_cano_path`).
 */
export const signLikeRequestsAws4Auth: Signer = async (input) => {
  let canonicalPath = pythonNormpath(input.path).replace(/\/+/g, '/');
  if (input.path.endsWith('/') && !canonicalPath.endsWith('/')) canonicalPath += '/';
  // It also signs `host` as `netloc.split(':')[0]`, without the port the Host header carries.
  const signedHost = input.host.replace(/:\d+$/, '');
  const headers = await signCanonical({ ...input, host: signedHost }, pythonQuote(canonicalPath, '/~'));
  return { ...headers, host: input.host };
};

/**
 * A reproduction of botocore's `SigV4Auth` (the AWS CLI, boto3, and the `requests` signers built on it): the path
 * through `remove_dot_segments` (which also drops empty segments) and `quote(path, safe='/~')`, the query as sent
 * with its pairs sorted, `host` without the port only where it is the scheme's default (so with it here), no
 * `x-amz-content-sha256` header (checked against botocore 1.43's own `canonical_request`).
 */
export const signLikeBotocore: Signer = async (input) =>
  signCanonical(input, pythonQuote(botocoreRemoveDotSegments(input.path), '/~'), {
    query: botocoreQuery(input.query ?? ''),
    contentSha256Header: false,
  });

/** A hand-written signer that puts the path in the canonical request exactly as sent, `//` and all. */
export const signPathAsSent: Signer = async (input) => signCanonical(input, input.path);

interface CanonicalOptions {
  /** The canonical query string. @default - every pair decoded, encoded per RFC 3986 and sorted */
  readonly query?: string;
  /** Sends and signs `x-amz-content-sha256`, as aws4 and requests_aws4auth do. @default true */
  readonly contentSha256Header?: boolean;
}

async function signCanonical(
  input: SignInput,
  canonicalPath: string,
  options: CanonicalOptions = {},
): Promise<Record<string, string>> {
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  const date = amzDate.slice(0, 8);
  const region = input.region ?? 'us-east-1';
  const payloadHash = createHash('sha256')
    .update(input.body ?? '')
    .digest('hex');
  const headers: Record<string, string> = { ...input.headers, host: input.host, 'x-amz-date': amzDate };
  if (options.contentSha256Header ?? true) headers['x-amz-content-sha256'] = payloadHash;
  const names = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort();
  const value = (name: string) =>
    Object.entries(headers)
      .find(([key]) => key.toLowerCase() === name)?.[1]
      .trim() ?? '';
  const canonical = [
    input.method,
    canonicalPath,
    options.query ?? canonicalQuery(input.query ?? ''),
    names.map((name) => `${name}:${value(name)}\n`).join(''),
    names.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/execute-api/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join(
    '\n',
  );
  let key: Buffer = createHmac('sha256', `AWS4${input.credentials.secretAccessKey}`).update(date).digest();
  for (const part of [region, 'execute-api', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

function canonicalQuery(query: string): string {
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const [name = '', value = ''] = pair.split('=').map((part) => decodeURIComponent(part));
      return `${rfc3986(name)}=${rfc3986(value)}`;
    })
    .sort()
    .join('&');
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** botocore's `remove_dot_segments`: RFC 3986 dot segments and every empty segment removed. */
function botocoreRemoveDotSegments(path: string): string {
  if (path === '') return '/';
  const output: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') output.pop();
    else output.push(part);
  }
  const first = path.startsWith('/') ? '/' : '';
  const last = path.endsWith('/') && output.length > 0 ? '/' : '';
  return first + output.join('/') + last;
}

/** botocore's `_canonical_query_string_url`: the pairs as sent, sorted by name, then value. */
function botocoreQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=');
      return at < 0 ? ([pair, ''] as const) : ([pair.slice(0, at), pair.slice(at + 1)] as const);
    })
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Python's `posixpath.normpath` (two leading slashes are kept, three or more become one). */
function pythonNormpath(path: string): string {
  if (path === '') return '.';
  const initialSlashes = path.startsWith('//') && !path.startsWith('///') ? 2 : path.startsWith('/') ? 1 : 0;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (initialSlashes === 0 && parts.length === 0) || parts[parts.length - 1] === '..') {
      parts.push(part);
    } else if (parts.length > 0) {
      parts.pop();
    }
  }
  const joined = '/'.repeat(initialSlashes) + parts.join('/');
  return joined === '' ? '.' : joined;
}

/** Python's `urllib.parse.quote(value, safe)` on an ASCII string: everything but unreserved and `safe` as `%XX`. */
function pythonQuote(value: string, safe: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9_.\-~]/.test(char) || safe.includes(char)
        ? char
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

function stringHeaders(headers: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries((headers ?? {}) as Record<string, unknown>).map(([name, value]) => [name, String(value)]),
  );
}

/** The SDK signer's hash interface over node:crypto. */
class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.create();
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.create();
  }
  private create(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(this.secret));
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
