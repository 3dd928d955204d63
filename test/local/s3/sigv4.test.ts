import { Readable } from 'node:stream';
import { AwsChunkedDecoder } from '../../../lib/local/s3/aws-chunked';
import { checksumOf } from '../../../lib/local/s3/checksums';
import { verifyPostPolicy, type FormField } from '../../../lib/local/s3/post-policy';
import { authenticate, type S3Request } from '../../../lib/local/s3/sigv4';

/**
 * The S3 engine's signature checks against the worked examples of AWS's SigV4 documentation for S3 (GET Object
 * with an Authorization header, a presigned URL, chunked uploads with and without a trailer, a POST policy): values
 * computed by AWS, not by this code.
 */

const EXAMPLE_KEY = 'AKIAIOSFODNN7EXAMPLE';
const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const at = (iso: string) => ({
  region: 'us-east-1',
  lookupSecret: (accessKeyId: string) => (accessKeyId === EXAMPLE_KEY ? EXAMPLE_SECRET : undefined),
  now: () => Date.parse(iso),
});
const EXAMPLE_TIME = at('2013-05-24T00:00:00Z');
const CREDENTIAL = `${EXAMPLE_KEY}/20130524/us-east-1/s3/aws4_request`;

const getObject: S3Request = {
  method: 'GET',
  rawPath: '/test.txt',
  rawQuery: '',
  headers: [
    ['Host', 'examplebucket.s3.amazonaws.com'],
    ['Range', 'bytes=0-9'],
    ['x-amz-content-sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['x-amz-date', '20130524T000000Z'],
    [
      'Authorization',
      `AWS4-HMAC-SHA256 Credential=${CREDENTIAL},SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,` +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    ],
  ],
};

const presigned: S3Request = {
  method: 'GET',
  rawPath: '/test.txt',
  rawQuery:
    'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
    '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
  headers: [['Host', 'examplebucket.s3.amazonaws.com']],
};

/** The documented 66,560-byte upload of `a`s in a 64 KiB chunk, a 1 KiB chunk and the final empty one. */
function chunkedUpload(trailer: boolean) {
  const signedHeaders = trailer
    ? 'content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer'
    : 'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class';
  const seed = trailer
    ? '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e'
    : '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
  const signatures = trailer
    ? [
        'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
        '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
        '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
      ]
    : [
        'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
        '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
        'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
      ];
  const request: S3Request = {
    method: 'PUT',
    rawPath: '/examplebucket/chunkObject.txt',
    rawQuery: '',
    headers: [
      ['Host', 's3.amazonaws.com'],
      ['x-amz-date', '20130524T000000Z'],
      ['x-amz-storage-class', 'REDUCED_REDUNDANCY'],
      [
        'x-amz-content-sha256',
        trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      ],
      ['Content-Encoding', 'aws-chunked'],
      ['x-amz-decoded-content-length', '66560'],
      ...(trailer
        ? [['x-amz-trailer', 'x-amz-checksum-crc32c'] as [string, string]]
        : [['Content-Length', '66824'] as [string, string]]),
      ['Authorization', `AWS4-HMAC-SHA256 Credential=${CREDENTIAL},SignedHeaders=${signedHeaders},Signature=${seed}`],
    ],
  };
  const body = (
    chunkSignatures: readonly string[],
    trailerSignature = 'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435',
  ) =>
    Buffer.concat([
      Buffer.from(`10000;chunk-signature=${chunkSignatures[0]}\r\n`),
      Buffer.alloc(65_536, 'a'),
      Buffer.from(`\r\n400;chunk-signature=${chunkSignatures[1]}\r\n`),
      Buffer.alloc(1024, 'a'),
      Buffer.from(`\r\n0;chunk-signature=${chunkSignatures[2]}\r\n`),
      Buffer.from(trailer ? `x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:${trailerSignature}\r\n` : ''),
      Buffer.from('\r\n'),
    ]);
  return { request, signatures, body };
}

async function decodeSigned(request: S3Request, body: Buffer, signedTrailer: boolean) {
  const auth = authenticate(request, EXAMPLE_TIME);
  const decoder = new AwsChunkedDecoder(66_560, {
    signing: auth.signing,
    seedSignature: auth.signature,
    signedTrailer,
  });
  const out: Buffer[] = [];
  for await (const chunk of Readable.from([body.subarray(0, 30_000), body.subarray(30_000)]).pipe(decoder)) {
    out.push(chunk as Buffer);
  }
  return { data: Buffer.concat(out), trailers: decoder.trailers };
}

describe('SigV4 verification of S3 requests, on AWS worked examples', () => {
  it('accepts the documented GET Object signed in its Authorization header', () => {
    expect(authenticate(getObject, EXAMPLE_TIME)).toMatchObject({ accessKeyId: EXAMPLE_KEY, presigned: false });
  });

  it('accepts the documented presigned URL within its expiry and refuses it after', () => {
    expect(authenticate(presigned, EXAMPLE_TIME)).toMatchObject({ presigned: true, payloadHash: 'UNSIGNED-PAYLOAD' });
    expect(() => authenticate(presigned, at('2013-05-25T00:00:01Z'))).toThrow(
      expect.objectContaining({ code: 'AccessDenied', message: 'Request has expired', status: 403 }),
    );
  });

  it('refuses a changed header, an unsigned x-amz header and a date outside the allowed skew', () => {
    const changed = {
      ...getObject,
      headers: getObject.headers.map(([n, v]) => [n, n === 'Range' ? 'bytes=0-10' : v] as const),
    };
    const extra = { ...getObject, headers: [...getObject.headers, ['x-amz-meta-added', 'x'] as const] };

    expect(() => authenticate(changed, EXAMPLE_TIME)).toThrow(
      expect.objectContaining({ code: 'SignatureDoesNotMatch' }),
    );
    expect(() => authenticate(extra, EXAMPLE_TIME)).toThrow(
      expect.objectContaining({
        code: 'AccessDenied',
        detail: expect.objectContaining({ HeadersNotSigned: 'x-amz-meta-added' }),
      }),
    );
    expect(() => authenticate(getObject, at('2013-05-24T00:15:01Z'))).toThrow(
      expect.objectContaining({ code: 'RequestTimeTooSkewed' }),
    );
    expect(authenticate(getObject, at('2013-05-24T00:14:59Z')).accessKeyId).toBe(EXAMPLE_KEY);
  });

  it('decodes the documented signed chunked upload, verifying every chunk signature', async () => {
    // Prepare
    const { request, signatures, body } = chunkedUpload(false);

    // Act
    const { data } = await decodeSigned(request, body(signatures), false);

    // Assess
    expect(data.equals(Buffer.alloc(66_560, 'a'))).toBe(true);
  });

  it('decodes the documented signed chunked upload with a signed CRC32C trailer', async () => {
    // Prepare
    const { request, signatures, body } = chunkedUpload(true);

    // Act
    const { data, trailers } = await decodeSigned(request, body(signatures), true);

    // Assess
    expect(data.length).toBe(66_560);
    expect(trailers.get('x-amz-checksum-crc32c')).toBe('sOO8/Q==');
    expect(await checksumOf('CRC32C', data)).toBe('sOO8/Q==');
  });

  it.each([0, 1, 2])('refuses the upload when chunk %i carries a wrong signature', async (index) => {
    const { request, signatures, body } = chunkedUpload(false);
    const wrong = signatures.map((signature, i) => (i === index ? [...signature].reverse().join('') : signature));

    await expect(decodeSigned(request, body(wrong), false)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('refuses the upload when the trailer signature is wrong', async () => {
    const { request, signatures, body } = chunkedUpload(true);

    await expect(decodeSigned(request, body(signatures, '0'.repeat(64)), true)).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });
});

describe('POST policy verification', () => {
  // AWS's example policy (bucket sigv4examplebucket, expiring 2015-12-30T12:00:00Z) and the signature AWS gives.
  const policy =
    'eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2' +
    'NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMt' +
    'cmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29t' +
    'L3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4' +
    'LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0s' +
    'DQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZP' +
    'RE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1B' +
    'Qy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9';
  const fields: Record<string, string> = {
    key: 'user/user1/photo.jpg',
    acl: 'public-read',
    success_action_redirect: 'http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html',
    'Content-Type': 'image/jpeg',
    'x-amz-meta-uuid': '14365123651274',
    'x-amz-server-side-encryption': 'AES256',
    'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request',
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Date': '20151229T000000Z',
    'x-amz-meta-tag': '',
    Policy: policy,
    'X-Amz-Signature': '8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e',
  };
  const form = (overrides: Record<string, string | undefined> = {}) => {
    const all = { ...fields, ...overrides };
    const map = new Map<string, FormField>();
    for (const [name, value] of Object.entries(all))
      if (value !== undefined) map.set(name.toLowerCase(), { name, value });
    return { fields: map, bucket: 'sigv4examplebucket' };
  };
  const DURING = at('2015-12-29T10:00:00Z');

  it("accepts AWS's example form, signed policy and all", () => {
    expect(verifyPostPolicy(form(), DURING)).toEqual({ accessKeyId: EXAMPLE_KEY, contentLength: undefined });
  });

  it.each([
    [
      'a key outside the allowed prefix',
      { key: 'user/other/photo.jpg' },
      'AccessDenied',
      /Policy Condition failed: \["starts-with", "\$key", "user\/user1\/"\]/,
    ],
    ['another bucket', {}, 'AccessDenied', /\["eq", "\$bucket", "sigv4examplebucket"\]/],
    [
      'a field the policy does not name',
      { 'x-amz-meta-other': '1' },
      'AccessDenied',
      /Extra input fields: x-amz-meta-other/,
    ],
    ['a missing field a condition names', { 'x-amz-meta-uuid': undefined }, 'AccessDenied', /\$x-amz-meta-uuid/],
    ['a wrong signature', { 'X-Amz-Signature': '0'.repeat(64) }, 'SignatureDoesNotMatch', /does not match/],
    [
      'an unknown key',
      { 'X-Amz-Credential': 'AKIAOTHER/20151229/us-east-1/s3/aws4_request' },
      'InvalidAccessKeyId',
      /does not exist/,
    ],
    ['no signature field', { 'X-Amz-Signature': undefined }, 'InvalidArgument', /named 'X-Amz-Signature'/],
    [
      'no policy at all',
      Object.fromEntries(
        Object.keys(fields)
          .filter((name) => /amz-(c|a|d|s)|policy/i.test(name))
          .map((name) => [name, undefined]),
      ),
      'AccessDenied',
      /^Access Denied$/,
    ],
  ] as const)('refuses %s', (_name, overrides, code, message) => {
    const bucket = _name === 'another bucket' ? 'otherbucket' : 'sigv4examplebucket';
    expect(() =>
      verifyPostPolicy({ ...form(overrides as Record<string, string | undefined>), bucket }, DURING),
    ).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });

  it('refuses the example once its policy has expired', () => {
    expect(() => verifyPostPolicy(form(), at('2015-12-30T12:00:01Z'))).toThrow(
      expect.objectContaining({ code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' }),
    );
  });
});
