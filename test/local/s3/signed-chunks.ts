import { createHash, createHmac } from 'node:crypto';
import aws4 from 'aws4';

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/**
 * A `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` upload as the SigV4 documentation describes it (the SDK for JavaScript
 * does not send one): the request signed by `aws4` with that payload value, then each chunk signed with the
 * signature before it. `corruptChunk` gives that chunk (0-based) a wrong signature.
 */
export function signedChunkedUpload(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  target: string,
  data: Buffer,
  chunkSize: number,
  options: { corruptChunk?: number } = {},
): { url: string; init: RequestInit } {
  const chunks: Buffer[] = [];
  for (let at = 0; at < data.length; at += chunkSize) chunks.push(data.subarray(at, at + chunkSize));
  chunks.push(Buffer.alloc(0));
  const signatureLength = ';chunk-signature='.length + 64;
  const encodedLength = chunks.reduce(
    (total, chunk) => total + chunk.length.toString(16).length + signatureLength + 2 + chunk.length + 2,
    0,
  );
  const signed = aws4.sign(
    {
      host: new URL(endpoint).host,
      method: 'PUT',
      path: target,
      service: 's3',
      region: 'us-east-1',
      headers: {
        'X-Amz-Content-Sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'Content-Encoding': 'aws-chunked',
        'X-Amz-Decoded-Content-Length': String(data.length),
        'Content-Length': String(encodedLength),
      },
    },
    credentials,
  );
  const headers = { ...(signed.headers as Record<string, string>) };
  const amzDate = headers['X-Amz-Date'] as string;
  const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
  const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, amzDate.slice(0, 8)), 'us-east-1'), 's3'),
    'aws4_request',
  );
  let previous = /Signature=([0-9a-f]{64})/.exec(headers.Authorization as string)?.[1] as string;
  const body = chunks.map((chunk, index) => {
    const stringToSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      amzDate,
      scope,
      previous,
      EMPTY_SHA256,
      createHash('sha256').update(chunk).digest('hex'),
    ].join('\n');
    previous = hmac(signingKey, stringToSign).toString('hex');
    const signature = index === options.corruptChunk ? '0'.repeat(64) : previous;
    return Buffer.concat([
      Buffer.from(`${chunk.length.toString(16)};chunk-signature=${signature}\r\n`),
      chunk,
      Buffer.from('\r\n'),
    ]);
  });
  delete headers.Host;
  delete headers['Content-Length'];
  return { url: `${endpoint}${target}`, init: { method: 'PUT', headers, body: Buffer.concat(body) } };
}
