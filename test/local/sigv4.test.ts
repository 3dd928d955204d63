import aws4 from 'aws4';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { verifySigV4, type RawRequest } from '../../lib/local/apigateway/sigv4';
import { signLikeRequestsAws4Auth, signPathAsSent, type SignInput } from '../support/signers';

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

const credentials = { accessKeyId: 'AKIATESTTESTTESTTEST', secretAccessKey: 'secret/with+chars=' };
const options = {
  region: 'us-east-1',
  service: 'execute-api',
  lookupSecret: (id: string) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
};

function signWithAws4(
  method: string,
  target: string,
  body = '',
  extraHeaders: Record<string, string> = {},
): RawRequest {
  const signed = aws4.sign(
    {
      host: '127.0.0.1:4000',
      method,
      path: target,
      body,
      service: 'execute-api',
      region: 'us-east-1',
      headers: { 'Content-Type': 'application/json', ...extraHeaders },
    },
    credentials,
  );
  const [rawPath = '/', rawQuery = ''] = target.split('?');
  return {
    method,
    rawPath,
    rawQuery,
    headers: Object.entries(signed.headers as Record<string, string>).map(([k, v]) => [k, String(v)] as const),
    body: Buffer.from(body),
  };
}

async function signWithSdk(
  method: string,
  path: string,
  query: Record<string, string>,
  body: string,
): Promise<RawRequest> {
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'execute-api', sha256: Sha256 });
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4000,
    path,
    query,
    headers: { host: '127.0.0.1:4000', 'content-type': 'application/json' },
    body,
  });
  const rawQuery = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return {
    method,
    rawPath: path,
    rawQuery,
    headers: Object.entries(signed.headers).map(([k, v]) => [k, String(v)] as const),
    body: Buffer.from(body),
  };
}

/** Signs with the query string exactly as it goes on the wire, as curl before 8.x does (no re-encoding, no sort). */
function signAsCurl788(method: string, rawPath: string, rawQuery: string): RawRequest {
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  const date = amzDate.slice(0, 8);
  const payloadHash = createHash('sha256').update('').digest('hex');
  const canonical = [
    method,
    rawPath,
    rawQuery,
    `host:127.0.0.1:4000\nx-amz-date:${amzDate}\n`,
    'host;x-amz-date',
    payloadHash,
  ].join('\n');
  const scope = `${date}/us-east-1/execute-api/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join(
    '\n',
  );
  let key: Buffer = createHmac('sha256', `AWS4${credentials.secretAccessKey}`).update(date).digest();
  for (const part of ['us-east-1', 'execute-api', 'aws4_request'])
    key = createHmac('sha256', key).update(part).digest();
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return {
    method,
    rawPath,
    rawQuery,
    headers: [
      ['host', '127.0.0.1:4000'],
      ['x-amz-date', amzDate],
      [
        'authorization',
        `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=host;x-amz-date, Signature=${signature}`,
      ],
    ],
    body: Buffer.alloc(0),
  };
}

describe('SigV4 verification (API Gateway AWS_IAM)', () => {
  it('accepts a request signed by aws4 with a JSON body and a query string', () => {
    const request = signWithAws4('POST', '/api-id/api/metadata/abc?paginated=true&end=true', '{"a":1}');

    const result = verifySigV4(request, options);

    expect(result).toEqual({ ok: true, accessKeyId: credentials.accessKeyId });
  });

  it('accepts a request signed by the AWS SDK signer, whose path encoding differs', async () => {
    const request = await signWithSdk('GET', '/api-id/api/metadata/a%20b', { cursor: 'eyJ+Ln0=' }, '');

    const result = verifySigV4(request, options);

    expect(result.ok).toBe(true);
  });

  it('rejects a request whose body was changed after signing, even if x-amz-content-sha256 still matches', () => {
    const request = signWithAws4('POST', '/api-id/api/create', '{"a":1}', {
      'X-Amz-Content-Sha256': 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb',
    });

    const result = verifySigV4({ ...request, body: Buffer.from('{"a":2}') }, options);

    expect(result).toMatchObject({ ok: false, errorType: 'InvalidSignatureException' });
    expect(!result.ok && result.message).toMatch(/^The request signature we calculated does not match/);
  });

  it('reads + in a query string as a literal plus, as API Gateway does, and rejects a changed parameter', async () => {
    const request = await signWithSdk('GET', '/api-id/api/x', { q: 'a+b' }, '');

    const encodedPlus = verifySigV4({ ...request, rawQuery: 'q=a%2Bb' }, options);
    const rawPlus = verifySigV4({ ...request, rawQuery: 'q=a+b' }, options);
    const space = verifySigV4({ ...request, rawQuery: 'q=a%20b' }, options);

    expect(encodedPlus.ok).toBe(true);
    expect(rawPlus.ok).toBe(true);
    expect(space.ok).toBe(false);
  });

  it('accepts a query signed as sent (curl 7.x: lower-case escapes, unsorted), and rejects it once changed', () => {
    const request = signAsCurl788('GET', '/api-id/demo/search', 'query=IkFuZHkgSmFzc3kiCg%3d%3d&pageSize=1');

    const accepted = verifySigV4(request, options);
    const changed = verifySigV4({ ...request, rawQuery: 'query=IkFuZHkgSmFzc3kiCg%3d%3d&pageSize=2' }, options);

    expect(accepted.ok).toBe(true);
    expect(changed.ok).toBe(false);
  });

  it('answers Missing Authentication Token when the request is not signed at all', () => {
    const result = verifySigV4(
      { method: 'GET', rawPath: '/api-id/api/version', rawQuery: '', headers: [['Host', 'x']], body: Buffer.alloc(0) },
      options,
    );

    expect(result).toEqual({
      ok: false,
      errorType: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('answers UnrecognizedClientException for an unknown access key', () => {
    const request = signWithAws4('GET', '/api-id/api/version');
    const unknown = { ...options, lookupSecret: () => undefined };

    const result = verifySigV4(request, unknown);

    expect(result).toEqual({
      ok: false,
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('rejects a signature made with the wrong secret', () => {
    const request = signWithAws4('GET', '/api-id/api/version');

    const result = verifySigV4(request, { ...options, lookupSecret: () => 'another-secret' });

    expect(result).toMatchObject({ ok: false, errorType: 'InvalidSignatureException' });
  });

  it("rejects a signature older than five minutes with API Gateway's expiry message", () => {
    const request = signWithAws4('GET', '/api-id/api/version');

    const result = verifySigV4(request, { ...options, now: Date.now() + 6 * 60 * 1000 });

    expect(result).toMatchObject({ ok: false, errorType: 'InvalidSignatureException' });
    expect(!result.ok && result.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
  });

  it('rejects a signature dated more than five minutes in the future', () => {
    const request = signWithAws4('GET', '/api-id/api/version');

    const result = verifySigV4(request, { ...options, now: Date.now() - 6 * 60 * 1000 });

    expect(!result.ok && result.message).toMatch(/^Signature not yet current/);
  });

  it('rejects a credential scoped to another region or service', () => {
    const request = signWithAws4('GET', '/api-id/api/version');

    const otherRegion = verifySigV4(request, { ...options, region: 'eu-west-1' });
    const otherService = verifySigV4(request, { ...options, service: 's3' });

    expect(!otherRegion.ok && otherRegion.message).toMatch(
      /Credential should be scoped to a valid region, not 'us-east-1'/,
    );
    expect(!otherService.ok && otherService.message).toMatch(/Credential should be scoped to correct service/);
  });

  it('reports a malformed Authorization header as an incomplete signature', () => {
    const result = verifySigV4(
      {
        method: 'GET',
        rawPath: '/x',
        rawQuery: '',
        headers: [
          ['Host', 'x'],
          ['Authorization', 'AWS4-HMAC-SHA256 Credential=abc'],
          ['X-Amz-Date', '20260101T000000Z'],
        ],
        body: Buffer.alloc(0),
      },
      options,
    );

    expect(result).toMatchObject({ ok: false, errorType: 'IncompleteSignatureException' });
  });

  it('accepts a presigned URL (query-string signature) and rejects it once expired', () => {
    const signed = aws4.sign(
      {
        host: '127.0.0.1:4000',
        method: 'GET',
        path: '/api-id/api/version?X-Amz-Expires=60',
        service: 'execute-api',
        region: 'us-east-1',
        signQuery: true,
      },
      credentials,
    );
    const [rawPath = '/', rawQuery = ''] = String(signed.path).split('?');
    const request: RawRequest = {
      method: 'GET',
      rawPath,
      rawQuery,
      headers: [['Host', '127.0.0.1:4000']],
      body: Buffer.alloc(0),
    };

    const fresh = verifySigV4(request, options);
    const expired = verifySigV4(request, { ...options, now: Date.now() + 120_000 });

    expect(fresh.ok).toBe(true);
    expect(expired.ok).toBe(false);
  });

  describe('readings of the request that real signers sign', () => {
    const input: SignInput = { method: 'GET', host: '127.0.0.1:4000', path: '/api-id/api//version', credentials };
    const asRequest = (headers: Record<string, string>, host = '127.0.0.1:4000'): RawRequest => ({
      method: 'GET',
      rawPath: input.path,
      rawQuery: '',
      headers: [...Object.entries(headers).filter(([name]) => name !== 'host'), ['Host', host]],
      body: Buffer.alloc(0),
    });

    it('accepts the collapsed path and the port-less host that requests_aws4auth signs', async () => {
      const headers = await signLikeRequestsAws4Auth(input);

      expect(verifySigV4(asRequest(headers), options).ok).toBe(true);
      expect(verifySigV4(asRequest(headers, '127.0.0.2:4000'), options).ok).toBe(false);
    });

    it('accepts a path signed as sent, empty segments included, and rejects it for another path', async () => {
      const headers = await signPathAsSent(input);

      expect(verifySigV4(asRequest(headers), options).ok).toBe(true);
      expect(verifySigV4({ ...asRequest(headers), rawPath: '/api-id/api//other' }, options).ok).toBe(false);
    });
  });
});
