import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startS3, type RunningEngine } from '../../../lib/local/engines';
import { AwsChunkedDecoder } from '../../../lib/local/s3/aws-chunked';

const CREDENTIALS = { accessKeyId: 'AKIAAWSCHUNKED000000', secretAccessKey: 'aws-chunked-secret' };
const BUCKET = 'chunked';

/** Feeds `body` to a decoder in pieces of `step` bytes and collects what it emits. */
async function decode(body: Buffer, step: number, expectedLength?: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < body.length; at += step) pieces.push(body.subarray(at, at + step));
  const out: Buffer[] = [];
  const decoder = Readable.from(pieces).pipe(new AwsChunkedDecoder(expectedLength));
  for await (const chunk of decoder) out.push(chunk as Buffer);
  return Buffer.concat(out);
}

describe('aws-chunked request bodies', () => {
  const data = randomBytes(70_000);
  const signed = Buffer.concat([
    Buffer.from(`10000;chunk-signature=${'a'.repeat(64)}\r\n`),
    data.subarray(0, 0x10000),
    Buffer.from(`\r\n${(data.length - 0x10000).toString(16)};chunk-signature=${'b'.repeat(64)}\r\n`),
    data.subarray(0x10000),
    Buffer.from(`\r\n0;chunk-signature=${'c'.repeat(64)}\r\n\r\n`),
  ]);
  const trailer = Buffer.concat([
    Buffer.from(`${data.length.toString(16)}\r\n`),
    data,
    Buffer.from('\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n'),
  ]);

  it.each([1, 7, 4096, 1 << 20])('decodes signed chunks and checksum trailers fed %i bytes at a time', async (step) => {
    expect((await decode(signed, step, data.length)).equals(data)).toBe(true);
    expect((await decode(trailer, step, data.length)).equals(data)).toBe(true);
  });

  it('fails a body that is cut short, framed wrongly or longer than declared, with S3 errors', async () => {
    await expect(decode(signed.subarray(0, 1000), 100)).rejects.toMatchObject({ code: 'IncompleteBody' });
    await expect(decode(Buffer.from('zz\r\nabc'), 10)).rejects.toThrow(/malformed chunk header/);
    await expect(decode(Buffer.from('3\r\nabcX\r\n0\r\n\r\n'), 10)).rejects.toThrow(/not ended by CRLF/);
    await expect(decode(trailer, 1000, data.length - 1)).rejects.toMatchObject({ code: 'IncompleteBody' });
  });

  it('collects the trailers that follow the last chunk', async () => {
    // Act
    const decoder = new AwsChunkedDecoder(data.length);
    for await (const chunk of Readable.from([trailer]).pipe(decoder)) void chunk;

    // Assess
    expect(decoder.trailers).toEqual(new Map([['x-amz-checksum-crc32', 'AAAAAA==']]));
  });
});

describe('the S3 engine with SDK default checksums (aws-chunked streaming uploads)', () => {
  let root: string;
  let engine: RunningEngine;
  let client: S3Client;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-s3-chunked-'));
    engine = await startS3(root, 0, CREDENTIALS);
    // The SDK's defaults: a streamed body is sent aws-chunked with a CRC32 trailer.
    client = new S3Client({
      region: 'us-east-1',
      endpoint: engine.endpoint,
      forcePathStyle: true,
      credentials: CREDENTIALS,
    });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  afterAll(async () => {
    client.destroy();
    await engine.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const stored = async (key: string) => {
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    const body = await (
      await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
    ).Body!.transformToByteArray();
    return { head, body: Buffer.from(body) };
  };

  it('stores the bytes of a streamed PutObject, not its chunk framing, without the transfer encoding', async () => {
    // Prepare
    const data = randomBytes(300_000);

    // Act
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'streamed.bin',
        Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]),
        ContentLength: data.length,
        ContentType: 'application/octet-stream',
      }),
    );
    const { head, body } = await stored('streamed.bin');

    // Assess
    expect(body.equals(data)).toBe(true);
    expect(head.ContentLength).toBe(data.length);
    expect(head.ContentEncoding).toBeUndefined();
    expect(head.ETag).toBe(`"${createHash('md5').update(data).digest('hex')}"`);
  });

  it('keeps a content encoding the client set alongside aws-chunked', async () => {
    // Prepare
    const data = randomBytes(1000);

    // Act
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'gzip.bin',
        Body: Readable.from([data]),
        ContentLength: data.length,
        ContentEncoding: 'gzip',
      }),
    );
    const { head, body } = await stored('gzip.bin');

    // Assess
    expect(body.equals(data)).toBe(true);
    expect(head.ContentEncoding).toBe('gzip');
  });

  it('assembles streamed multipart parts from their decoded bytes', async () => {
    // Prepare
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1234)];
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'multi.bin' }));

    // Act
    const etags: string[] = [];
    for (const [index, part] of parts.entries()) {
      const { ETag } = await client.send(
        new UploadPartCommand({
          Bucket: BUCKET,
          Key: 'multi.bin',
          UploadId,
          PartNumber: index + 1,
          Body: Readable.from([part]),
          ContentLength: part.length,
        }),
      );
      etags.push(ETag as string);
    }
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'multi.bin',
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
      }),
    );
    const { body } = await stored('multi.bin');

    // Assess
    expect(body.equals(Buffer.concat(parts))).toBe(true);
  });
});
