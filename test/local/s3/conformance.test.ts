import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
  type ChecksumAlgorithm,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startS3Engine } from '../../../lib/local/s3/engine';
import type { Principals } from '../../../lib/local/principals';
import { principalsFor } from '../../support/principals';
import { amzDate, corsHeaders, rawRequest, s3ErrorOf, startTestEngine, xmlElements, type TestEngine } from './support';

/**
 * The S3 engine driven as S3 is driven: by SDK v3 clients with default settings (flexible checksums on, response
 * validation on), lib-storage, the presigners, plain HTTP for browser-style and tampered requests, and the AWS CLI.
 * Every expectation is S3's documented or observed behaviour.
 */

const CREDENTIALS = { accessKeyId: 'AKIACONFORMANCE00001', secretAccessKey: 'conformance/secret+key=0123456789abcd' };
const BUCKET = 'conformance';
const CORS_BUCKET = 'browser-uploads';
const MiB = 1024 * 1024;

let s3: TestEngine;
let client: S3Client;

beforeAll(async () => {
  s3 = await startTestEngine(CREDENTIALS, [BUCKET, CORS_BUCKET]);
  client = s3.client();
});
afterAll(() => s3.stop());

const md5Hex = (data: Buffer | string) => createHash('md5').update(data).digest('hex');
const base64Of = (algorithm: 'sha1' | 'sha256' | 'md5', data: Buffer | string) =>
  createHash(algorithm).update(data).digest('base64');
const crc32Of = (data: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data));
  return out.toString('base64');
};
const bytesOf = async (Key: string, bucket = BUCKET) =>
  Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: bucket, Key }))).Body!.transformToByteArray());
const exists = (Key: string, bucket = BUCKET) =>
  client.send(new HeadObjectCommand({ Bucket: bucket, Key })).then(
    () => true,
    (error: S3ServiceException) => (error.$metadata.httpStatusCode === 404 ? false : Promise.reject(error)),
  );
/** The S3 error an SDK call fails with: its code, HTTP status and message. */
const failureOf = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (error) {
    const failure = error as S3ServiceException;
    return { code: failure.name, status: failure.$metadata.httpStatusCode, message: failure.message };
  }
  throw new Error('the call succeeded');
};

describe('objects with default SDK clients', () => {
  it('stores a PutObject with the CRC32 the SDK sends and returns it to GetObject, which the SDK validates', async () => {
    // Prepare
    const data = randomBytes(10_000);

    // Act
    const put = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'plain/one.bin', Body: data }));
    const get = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'plain/one.bin' }));
    const body = Buffer.from(await get.Body!.transformToByteArray());
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'plain/one.bin' }));

    // Assess
    expect(put.ETag).toBe(`"${md5Hex(data)}"`);
    expect(put.ChecksumCRC32).toBe(crc32Of(data));
    expect(body.equals(data)).toBe(true);
    expect(get.ChecksumCRC32).toBe(crc32Of(data));
    expect(get.ChecksumType).toBe('FULL_OBJECT');
    expect(head.ContentLength).toBe(data.length);
    expect(head.ChecksumCRC32).toBeUndefined();
  });

  it('decodes a streamed PutObject (aws-chunked with a CRC32 trailer) and keeps its content headers', async () => {
    // Prepare
    const data = randomBytes(300_000);

    // Act
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'plain/streamed.bin',
        Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]),
        ContentLength: data.length,
        ContentType: 'video/mp4',
        ContentEncoding: 'gzip',
        Metadata: { origin: 'stream' },
      }),
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'plain/streamed.bin' }));

    // Assess
    expect((await bytesOf('plain/streamed.bin')).equals(data)).toBe(true);
    expect(head).toMatchObject({
      ContentLength: data.length,
      ContentType: 'video/mp4',
      ContentEncoding: 'gzip',
      Metadata: { origin: 'stream' },
      ETag: `"${md5Hex(data)}"`,
    });
  });

  it.each(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const)(
    'verifies and returns a %s checksum sent in a header and in a trailer',
    async (algorithm: ChecksumAlgorithm) => {
      // Prepare
      const data = randomBytes(70_000);
      const field = `Checksum${algorithm}` as const;

      // Act
      const inHeader = await client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `sums/${algorithm}-header`,
          Body: data,
          ChecksumAlgorithm: algorithm,
        }),
      );
      const inTrailer = await client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `sums/${algorithm}-trailer`,
          Body: Readable.from([data]),
          ContentLength: data.length,
          ChecksumAlgorithm: algorithm,
        }),
      );
      const got = await client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: `sums/${algorithm}-trailer`, ChecksumMode: 'ENABLED' }),
      );
      const body = Buffer.from(await got.Body!.transformToByteArray());

      // Assess
      expect(inHeader[field]).toBeDefined();
      expect(inTrailer[field]).toBe(inHeader[field]);
      expect(got[field]).toBe(inHeader[field]);
      expect(body.equals(data)).toBe(true);
      if (algorithm === 'SHA256') expect(got.ChecksumSHA256).toBe(base64Of('sha256', data));
      if (algorithm === 'SHA1') expect(got.ChecksumSHA1).toBe(base64Of('sha1', data));
      if (algorithm === 'CRC32') expect(got.ChecksumCRC32).toBe(crc32Of(data));
    },
  );

  it('answers a checksum that does not match with BadDigest and keeps the stored object', async () => {
    // Prepare
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sums/kept', Body: 'original' }));

    // Act
    const wrongCrc = await failureOf(
      client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'sums/kept', Body: 'replacement', ChecksumCRC32: 'AAAAAA==' }),
      ),
    );
    const wrongSha = await failureOf(
      client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'sums/kept',
          Body: 'replacement',
          ChecksumSHA256: base64Of('sha256', 'x'),
        }),
      ),
    );
    const malformed = await failureOf(
      client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'sums/kept', Body: 'replacement', ChecksumCRC32: 'nope' }),
      ),
    );
    const wrongMd5 = await failureOf(
      client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'sums/kept',
          Body: 'replacement',
          ContentMD5: base64Of('md5', 'x'),
        }),
      ),
    );

    // Assess
    expect(wrongCrc).toEqual({
      code: 'BadDigest',
      status: 400,
      message: 'The CRC32 you specified did not match the calculated checksum.',
    });
    expect(wrongSha).toMatchObject({ code: 'BadDigest', status: 400 });
    expect(malformed).toEqual({
      code: 'InvalidRequest',
      status: 400,
      message: 'Value for x-amz-checksum-crc32 header is invalid.',
    });
    expect(wrongMd5).toEqual({
      code: 'BadDigest',
      status: 400,
      message: 'The Content-MD5 you specified did not match what we received.',
    });
    expect((await bytesOf('sums/kept')).toString()).toBe('original');
  });

  it('refuses a body that differs from its signed x-amz-content-sha256 or from a trailer checksum', async () => {
    // Prepare: aws4 signs the SHA-256 of 'signed body'; another body is sent under that signature.
    const signed = await rawRequest(s3.endpoint, {
      method: 'PUT',
      target: `/${BUCKET}/sums/tampered`,
      body: 'signed body',
      credentials: CREDENTIALS,
    });
    const trailer = 'x-amz-checksum-crc32:AAAAAA==';
    const chunked = `5\r\nhello\r\n0\r\n${trailer}\r\n\r\n`;

    // Act
    const tampered = await fetchWithSignatureOf(`/${BUCKET}/sums/tampered`, 'signed body', 'tampered!!!');
    const badTrailer = await rawRequest(s3.endpoint, {
      method: 'PUT',
      target: `/${BUCKET}/sums/trailer`,
      body: chunked,
      credentials: CREDENTIALS,
      headers: {
        'X-Amz-Content-Sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'Content-Encoding': 'aws-chunked',
        'X-Amz-Decoded-Content-Length': '5',
        'X-Amz-Trailer': 'x-amz-checksum-crc32',
      },
    });

    // Assess
    expect(signed.status).toBe(200);
    expect(tampered.status).toBe(400);
    expect(s3ErrorOf(tampered.text)).toMatchObject({
      Code: 'XAmzContentSHA256Mismatch',
      ClientComputedContentSHA256: createHash('sha256').update('signed body').digest('hex'),
      S3ComputedContentSHA256: createHash('sha256').update('tampered!!!').digest('hex'),
    });
    expect(badTrailer.status).toBe(400);
    expect(s3ErrorOf(badTrailer.text).Code).toBe('BadDigest');
    expect((await bytesOf('sums/tampered')).toString()).toBe('signed body');
    expect(await exists('sums/trailer')).toBe(false);
  });

  it('lists with ListObjectsV2, paging with continuation tokens and grouping by delimiter', async () => {
    // Prepare
    const keys = ['list/a', 'list/b', 'list/c', 'list/d/1', 'list/d/2', 'list/e', 'list/f'];
    for (const Key of keys) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));

    // Act
    const pages: string[][] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', MaxKeys: 3, ContinuationToken }),
      );
      pages.push((page.Contents ?? []).map((object) => object.Key ?? ''));
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);
    const grouped = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', Delimiter: '/' }));

    // Assess
    expect(pages).toEqual([['list/a', 'list/b', 'list/c'], ['list/d/1', 'list/d/2', 'list/e'], ['list/f']]);
    expect(grouped.CommonPrefixes).toEqual([{ Prefix: 'list/d/' }]);
    expect(grouped.KeyCount).toBe(5);
  });

  it('deletes with DeleteObject and DeleteObjects (which must declare its body: Content-MD5 or a checksum)', async () => {
    // Prepare
    for (const Key of ['gone/a', 'gone/b', 'gone/c']) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
    }
    const document =
      '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>gone/c</Key></Object></Delete>';

    // Act
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'gone/a' }));
    const batch = await client.send(
      new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'gone/b' }, { Key: 'gone/never' }] } }),
    );
    const undeclared = await rawRequest(s3.endpoint, {
      method: 'POST',
      target: `/${BUCKET}?delete`,
      body: document,
      credentials: CREDENTIALS,
      headers: { 'Content-Type': 'application/xml' },
    });
    const withMd5 = await rawRequest(s3.endpoint, {
      method: 'POST',
      target: `/${BUCKET}?delete`,
      body: document,
      credentials: CREDENTIALS,
      headers: { 'Content-Type': 'application/xml', 'Content-MD5': base64Of('md5', document) },
    });

    // Assess
    expect(batch.Deleted?.map((entry) => entry.Key).sort()).toEqual(['gone/b', 'gone/never']);
    expect(batch.Errors).toBeUndefined();
    expect(undeclared.status).toBe(400);
    expect(s3ErrorOf(undeclared.text)).toMatchObject({
      Code: 'InvalidRequest',
      Message: 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*',
    });
    expect(withMd5.status).toBe(200);
    expect(await Promise.all(['gone/a', 'gone/b', 'gone/c'].map((key) => exists(key)))).toEqual([false, false, false]);
  });

  it('copies with CopyObject: same bytes and ETag, metadata copied or replaced, checksum kept', async () => {
    // Prepare
    const data = randomBytes(50_000);
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'copy/source one.bin',
        Body: data,
        ContentType: 'audio/wav',
        Metadata: { take: '1' },
      }),
    );

    // Act
    const copied = await client.send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy/kept.bin', CopySource: `${BUCKET}/copy/source%20one.bin` }),
    );
    await client.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'copy/replaced.bin',
        CopySource: `${BUCKET}/copy/source%20one.bin`,
        MetadataDirective: 'REPLACE',
        ContentType: 'application/octet-stream',
        Metadata: { take: '2' },
      }),
    );
    const kept = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'copy/kept.bin', ChecksumMode: 'ENABLED' }),
    );
    const replaced = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'copy/replaced.bin' }));
    const toItself = await failureOf(
      client.send(
        new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy/kept.bin', CopySource: `${BUCKET}/copy/kept.bin` }),
      ),
    );
    const missing = await failureOf(
      client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy/x', CopySource: `${BUCKET}/copy/none` })),
    );

    // Assess
    expect(copied.CopyObjectResult?.ETag).toBe(`"${md5Hex(data)}"`);
    expect(copied.CopyObjectResult?.ChecksumCRC32).toBe(crc32Of(data));
    expect(Buffer.from(await kept.Body!.transformToByteArray()).equals(data)).toBe(true);
    expect(kept).toMatchObject({ ContentType: 'audio/wav', Metadata: { take: '1' }, ChecksumCRC32: crc32Of(data) });
    expect(replaced).toMatchObject({ ContentType: 'application/octet-stream', Metadata: { take: '2' } });
    expect(toItself).toMatchObject({ code: 'InvalidRequest', status: 400 });
    expect(missing).toMatchObject({ code: 'NoSuchKey', status: 404 });
  });

  it('returns the checksum for the whole object only: not for a partial range, nor without ChecksumMode', async () => {
    // Prepare
    const data = Buffer.from('0123456789abcdefghij');
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'ranges/r', Body: data }));
    const get = (Range?: string) =>
      client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ranges/r', Range, ChecksumMode: 'ENABLED' }));

    // Act
    const whole = await get('bytes=0-19');
    const part = await get('bytes=5-9');
    const suffix = await get('bytes=-4');

    // Assess
    expect(whole.ChecksumCRC32).toBe(crc32Of(data));
    expect(part.ChecksumCRC32).toBeUndefined();
    expect(await part.Body!.transformToString()).toBe('56789');
    expect(suffix.ContentRange).toBe('bytes 16-19/20');
    expect(await suffix.Body!.transformToString()).toBe('ghij');
  });
});

/** Sends `sent` under a signature aws4 computed for `signedBody`. */
async function fetchWithSignatureOf(target: string, signedBody: string, sent: string) {
  const aws4 = (await import('aws4')).default;
  const url = new URL(s3.endpoint);
  const signed = aws4.sign(
    { host: url.host, method: 'PUT', path: target, body: signedBody, service: 's3', region: 'us-east-1' },
    CREDENTIALS,
  );
  const headers = { ...(signed.headers as Record<string, string>) };
  delete headers.Host;
  delete headers['Content-Length'];
  const response = await fetch(`${s3.endpoint}${target}`, { method: 'PUT', headers, body: sent });
  return { status: response.status, text: await response.text() };
}

describe('multipart uploads', () => {
  it('uploads 12 MB through lib-storage in 5 MB parts, with the composite CRC32 it asks for', async () => {
    // Prepare
    const data = randomBytes(12 * MiB);

    // Act
    const result = await new Upload({
      client,
      params: { Bucket: BUCKET, Key: 'multi/lib-storage.bin', Body: Readable.from([data]) },
      partSize: 5 * MiB,
    }).done();
    const got = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'multi/lib-storage.bin', ChecksumMode: 'ENABLED' }),
    );
    const body = Buffer.from(await got.Body!.transformToByteArray());

    // Assess
    const partMd5s = [data.subarray(0, 5 * MiB), data.subarray(5 * MiB, 10 * MiB), data.subarray(10 * MiB)].map(
      (part) => createHash('md5').update(part).digest(),
    );
    expect(result.ETag).toBe(`"${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-3"`);
    expect(body.equals(data)).toBe(true);
    expect(got.ChecksumType).toBe('COMPOSITE');
    expect(got.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]{6}==-3$/);
  });

  it('uploads a file through lib-storage with another checksum algorithm', async () => {
    // Prepare
    const data = randomBytes(6 * MiB);

    // Act
    await new Upload({
      client,
      params: { Bucket: BUCKET, Key: 'multi/crc32c.bin', Body: data, ChecksumAlgorithm: 'CRC32C' },
      partSize: 5 * MiB,
    }).done();
    const head = await client.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'multi/crc32c.bin', ChecksumMode: 'ENABLED' }),
    );

    // Assess
    expect(head.ChecksumCRC32C).toMatch(/-2$/);
    expect((await bytesOf('multi/crc32c.bin')).equals(data)).toBe(true);
  });

  it('gives a FULL_OBJECT CRC64NVME upload the checksum of the whole object, as a single PutObject of it has', async () => {
    // Prepare
    const parts = [randomBytes(5 * MiB), randomBytes(1000)];
    const whole = await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'multi/single',
        Body: Buffer.concat(parts),
        ChecksumAlgorithm: 'CRC64NVME',
      }),
    );
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'multi/full', ChecksumAlgorithm: 'CRC64NVME' }),
    );

    // Act
    const uploaded = [];
    for (const [index, Body] of parts.entries()) {
      const part = await client.send(
        new UploadPartCommand({
          Bucket: BUCKET,
          Key: 'multi/full',
          UploadId,
          PartNumber: index + 1,
          Body,
          ChecksumAlgorithm: 'CRC64NVME',
        }),
      );
      uploaded.push({ PartNumber: index + 1, ETag: part.ETag, ChecksumCRC64NVME: part.ChecksumCRC64NVME });
    }
    const completed = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'multi/full',
        UploadId,
        MultipartUpload: { Parts: uploaded },
      }),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'multi/full', ChecksumMode: 'ENABLED' }));
    await got.Body!.transformToByteArray();

    // Assess
    expect(completed.ChecksumType).toBe('FULL_OBJECT');
    expect(completed.ChecksumCRC64NVME).toBe(whole.ChecksumCRC64NVME);
    expect(got.ChecksumCRC64NVME).toBe(whole.ChecksumCRC64NVME);
  });

  it('refuses parts and completions S3 refuses, and aborts', async () => {
    // Prepare
    const Key = 'multi/refused';
    const create = (ChecksumAlgorithm?: ChecksumAlgorithm) =>
      client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key, ChecksumAlgorithm }));
    const { UploadId } = await create('SHA256');
    const small = await client.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key,
        UploadId,
        PartNumber: 1,
        Body: 'small',
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    const last = await client.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key,
        UploadId,
        PartNumber: 2,
        Body: 'last',
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    const complete = (Parts: Array<Record<string, unknown>>) =>
      failureOf(
        client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId, MultipartUpload: { Parts } })),
      );
    const one = { PartNumber: 1, ETag: small.ETag, ChecksumSHA256: small.ChecksumSHA256 };
    const two = { PartNumber: 2, ETag: last.ETag, ChecksumSHA256: last.ChecksumSHA256 };

    // Act
    const wrongAlgorithm = await failureOf(
      client.send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: 3, Body: 'x' })),
    );
    const tooSmall = await complete([one, two]);
    const outOfOrder = await complete([two, one]);
    const wrongEtag = await complete([{ ...one, ETag: '"0123456789abcdef0123456789abcdef"' }]);
    const missingChecksum = await complete([{ PartNumber: 1, ETag: small.ETag }]);
    const unknownUpload = await failureOf(
      client.send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId: 'f'.repeat(32), PartNumber: 1, Body: 'x' })),
    );
    await client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId }));
    const afterAbort = await complete([one, two]);

    // Assess
    expect(wrongAlgorithm).toEqual({
      code: 'InvalidRequest',
      status: 400,
      message: 'Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum Type: crc32',
    });
    expect(tooSmall).toMatchObject({ code: 'EntityTooSmall', status: 400 });
    expect(outOfOrder).toMatchObject({ code: 'InvalidPartOrder', status: 400 });
    expect(wrongEtag).toMatchObject({ code: 'InvalidPart', status: 400 });
    expect(missingChecksum).toEqual({
      code: 'InvalidRequest',
      status: 400,
      message:
        'The upload was created using a sha256 checksum. The complete request must include the checksum for each ' +
        'part. It was missing for part 1 in the request.',
    });
    expect(unknownUpload).toMatchObject({ code: 'NoSuchUpload', status: 404 });
    expect(afterAbort).toMatchObject({ code: 'NoSuchUpload', status: 404 });
    expect(await exists(Key)).toBe(false);
  });
});

describe('presigned URLs', () => {
  it('downloads with a presigned GET and uploads with a presigned PUT', async () => {
    // Prepare
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'signed/get me.txt', Body: 'presigned bytes' }));
    const getUrl = await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: 'signed/get me.txt' }), {
      expiresIn: 60,
    });
    const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: BUCKET, Key: 'signed/put.txt' }), {
      expiresIn: 60,
    });

    // Act
    const downloaded = await fetch(getUrl);
    const uploaded = await fetch(putUrl, { method: 'PUT', body: 'uploaded through a URL' });

    // Assess
    expect(downloaded.status).toBe(200);
    expect(await downloaded.text()).toBe('presigned bytes');
    expect(uploaded.status).toBe(200);
    expect((await bytesOf('signed/put.txt')).toString()).toBe('uploaded through a URL');
  });

  it('refuses an expired, tampered, over-long or foreign-region presigned URL, and unsigned x-amz headers', async () => {
    // Prepare
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'signed/private', Body: 'secret' }));
    const command = new GetObjectCommand({ Bucket: BUCKET, Key: 'signed/private' });
    const expired = await getSignedUrl(client, command, {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 3_600_000),
    });
    const valid = await getSignedUrl(client, command, { expiresIn: 60 });
    const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: BUCKET, Key: 'signed/meta' }), {
      expiresIn: 60,
    });
    const foreign = await getSignedUrl(s3.client({ region: 'eu-west-1' }), command, { expiresIn: 60 });

    // Act
    const answers = {
      expired: await fetch(expired),
      tampered: await fetch(valid.replace('signed/private', 'signed/other')),
      tooLong: await fetch(valid.replace('X-Amz-Expires=60', 'X-Amz-Expires=604801')),
      foreign: await fetch(foreign),
      unsigned: await fetch(putUrl, { method: 'PUT', body: 'x', headers: { 'x-amz-meta-extra': 'not signed' } }),
    };
    const errors = Object.fromEntries(
      await Promise.all(
        Object.entries(answers).map(async ([name, response]) => [
          name,
          { status: response.status, ...s3ErrorOf(await response.text()) },
        ]),
      ),
    );

    // Assess
    expect(errors.expired).toMatchObject({ status: 403, Code: 'AccessDenied', Message: 'Request has expired' });
    expect(errors.tampered).toMatchObject({ status: 403, Code: 'SignatureDoesNotMatch' });
    expect(errors.tooLong).toMatchObject({ status: 400, Code: 'AuthorizationQueryParametersError' });
    expect(errors.foreign).toMatchObject({
      status: 400,
      Code: 'AuthorizationQueryParametersError',
      Region: 'us-east-1',
    });
    expect(errors.unsigned).toMatchObject({
      status: 403,
      Code: 'AccessDenied',
      Message: 'There were headers present in the request which were not signed',
      HeadersNotSigned: 'x-amz-meta-extra',
    });
    expect(await exists('signed/meta')).toBe(false);
  });
});

describe('presigned POST (browser uploads)', () => {
  const post = async (
    url: string,
    fields: Record<string, string>,
    file: Buffer | string,
    extra: Record<string, string> = {},
  ) => {
    const form = new FormData();
    for (const [name, value] of Object.entries({ ...fields, ...extra })) form.append(name, value);
    form.append('file', new Blob([file]), 'upload.bin');
    const response = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const presign = (Key: string, options: { Expires?: number; client?: S3Client; contentType?: boolean } = {}) =>
    createPresignedPost(options.client ?? client, {
      Bucket: BUCKET,
      Key,
      Expires: options.Expires ?? 60,
      Conditions: [
        ['content-length-range', 1, 1000],
        ['starts-with', '$Content-Type', 'image/'],
      ],
      Fields: { 'Content-Type': 'image/png' },
    });

  it('stores the file of a form that meets its signed policy, answering 204, or 201 with a PostResponse', async () => {
    // Prepare
    const { url, fields } = await presign('posted/${filename}');
    const withStatus = await createPresignedPost(client, {
      Bucket: BUCKET,
      Key: 'posted/created.png',
      Fields: { success_action_status: '201' },
    });

    // Act
    const answer = await post(url, fields, 'png bytes');
    const created = await post(withStatus.url, withStatus.fields, 'created');
    const head = await client.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'posted/upload.bin', ChecksumMode: 'ENABLED' }),
    );

    // Assess
    expect(answer.status).toBe(204);
    expect(answer.headers.get('etag')).toBe(`"${md5Hex('png bytes')}"`);
    expect((await bytesOf('posted/upload.bin')).toString()).toBe('png bytes');
    expect(head).toMatchObject({ ContentType: 'image/png', ChecksumType: 'FULL_OBJECT' });
    expect(head.ChecksumCRC64NVME).toBeDefined();
    expect(created.status).toBe(201);
    expect(xmlElements(created.text, 'PostResponse')).toEqual({
      Location: `${s3.endpoint}/${BUCKET}/posted%2Fcreated.png`,
      Bucket: BUCKET,
      Key: 'posted/created.png',
      ETag: `"${md5Hex('created')}"`,
    });
  });

  it('refuses forms that break the policy, its signature or its expiry, and stores nothing', async () => {
    // Prepare
    const { url, fields } = await presign('posted/refused.png');
    const stale = await presign('posted/refused.png', { client: s3.client({ systemClockOffset: -7_200_000 }) });
    const wrongSecret = await presign('posted/refused.png', {
      client: s3.client({ credentials: { ...CREDENTIALS, secretAccessKey: 'wrong' } }),
    });
    const unknownKey = await presign('posted/refused.png', {
      client: s3.client({ credentials: { ...CREDENTIALS, accessKeyId: 'AKIAUNKNOWN000000000' } }),
    });
    const anonymous = { key: 'posted/refused.png', 'Content-Type': 'image/png' };

    // Act
    const answers = {
      tooLarge: await post(url, fields, Buffer.alloc(1001)),
      empty: await post(url, fields, ''),
      otherKey: await post(url, { ...fields, key: 'elsewhere/refused.png' }, 'x'),
      otherType: await post(url, { ...fields, 'Content-Type': 'text/html' }, 'x'),
      extraField: await post(url, fields, 'x', { 'x-amz-meta-note': 'not in the policy' }),
      expired: await post(stale.url, stale.fields, 'x'),
      tamperedPolicy: await post(url, { ...fields, Policy: fields.Policy!.slice(0, -4) }, 'x'),
      wrongSecret: await post(wrongSecret.url, wrongSecret.fields, 'x'),
      unknownKey: await post(unknownKey.url, unknownKey.fields, 'x'),
      anonymous: await post(url, anonymous, 'x'),
    };
    const errors = Object.fromEntries(
      Object.entries(answers).map(([name, answer]) => [name, { status: answer.status, ...s3ErrorOf(answer.text) }]),
    );

    // Assess
    expect(errors.tooLarge).toMatchObject({
      status: 400,
      Code: 'EntityTooLarge',
      ProposedSize: '1001',
      MaxSizeAllowed: '1000',
    });
    expect(errors.empty).toMatchObject({ status: 400, Code: 'EntityTooSmall', MinSizeAllowed: '1' });
    expect(errors.otherKey).toMatchObject({
      status: 403,
      Code: 'AccessDenied',
      Message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "posted/refused.png"]',
    });
    expect(errors.otherType).toMatchObject({ status: 403, Code: 'AccessDenied' });
    expect(errors.extraField).toMatchObject({
      status: 403,
      Code: 'AccessDenied',
      Message: 'Invalid according to Policy: Extra input fields: x-amz-meta-note',
    });
    expect(errors.expired).toMatchObject({
      status: 403,
      Code: 'AccessDenied',
      Message: 'Invalid according to Policy: Policy expired.',
    });
    expect(errors.tamperedPolicy).toMatchObject({ status: 403, Code: 'SignatureDoesNotMatch' });
    expect(errors.wrongSecret).toMatchObject({ status: 403, Code: 'SignatureDoesNotMatch' });
    expect(errors.unknownKey).toMatchObject({ status: 403, Code: 'InvalidAccessKeyId' });
    expect(errors.anonymous).toMatchObject({ status: 403, Code: 'AccessDenied', Message: 'Access Denied' });
    expect(await exists('posted/refused.png')).toBe(false);
    expect(await exists('elsewhere/refused.png')).toBe(false);
  });
});

describe('authentication', () => {
  const readObject = { target: `/${BUCKET}/auth/object` };
  beforeAll(() => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth/object', Body: 'guarded' })));

  it('answers an anonymous request with 403 AccessDenied in S3 XML, with request ids', async () => {
    // Act
    const read = await rawRequest(s3.endpoint, readObject);
    const write = await rawRequest(s3.endpoint, { method: 'PUT', target: `/${BUCKET}/auth/anonymous`, body: 'x' });
    const list = await rawRequest(s3.endpoint, { target: '/' });

    // Assess
    for (const answer of [read, write, list]) {
      expect(answer.status).toBe(403);
      expect(answer.headers.get('content-type')).toBe('application/xml');
      expect(answer.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code>/);
      expect(s3ErrorOf(answer.text)).toMatchObject({
        Message: 'Access Denied',
        RequestId: answer.headers.get('x-amz-request-id'),
      });
      expect(s3ErrorOf(answer.text).HostId).toBe(answer.headers.get('x-amz-id-2'));
    }
    expect(await exists('auth/anonymous')).toBe(false);
  });

  it('answers a wrong key, a wrong secret, an old date and a wrong region as S3 does', async () => {
    // Act
    const unknownKey = await rawRequest(s3.endpoint, {
      ...readObject,
      credentials: { ...CREDENTIALS, accessKeyId: 'AKIAUNKNOWN000000000' },
    });
    const wrongSecret = await rawRequest(s3.endpoint, {
      ...readObject,
      credentials: { ...CREDENTIALS, secretAccessKey: 'not the secret' },
    });
    const old = await rawRequest(s3.endpoint, {
      ...readObject,
      credentials: CREDENTIALS,
      amzDate: amzDate(-20 * 60_000),
    });
    const future = await rawRequest(s3.endpoint, {
      ...readObject,
      credentials: CREDENTIALS,
      amzDate: amzDate(20 * 60_000),
    });
    const region = await rawRequest(s3.endpoint, { ...readObject, credentials: CREDENTIALS, region: 'eu-west-1' });
    const sdkWrongSecret = await failureOf(
      s3
        .client({ credentials: { ...CREDENTIALS, secretAccessKey: 'not the secret' } })
        .send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth/object' })),
    );

    // Assess
    expect([unknownKey.status, s3ErrorOf(unknownKey.text)]).toEqual([
      403,
      expect.objectContaining({
        Code: 'InvalidAccessKeyId',
        Message: 'The AWS Access Key Id you provided does not exist in our records.',
        AWSAccessKeyId: 'AKIAUNKNOWN000000000',
      }),
    ]);
    expect([wrongSecret.status, s3ErrorOf(wrongSecret.text)]).toEqual([
      403,
      expect.objectContaining({
        Code: 'SignatureDoesNotMatch',
        Message:
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
        CanonicalRequest: expect.stringContaining(`GET\n/${BUCKET}/auth/object\n`),
      }),
    ]);
    for (const skewed of [old, future]) {
      expect([skewed.status, s3ErrorOf(skewed.text)]).toEqual([
        403,
        expect.objectContaining({ Code: 'RequestTimeTooSkewed', MaxAllowedSkewMilliseconds: '900000' }),
      ]);
    }
    expect([region.status, s3ErrorOf(region.text)]).toEqual([
      400,
      expect.objectContaining({
        Code: 'AuthorizationHeaderMalformed',
        Message: "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
        Region: 'us-east-1',
      }),
    ]);
    expect(sdkWrongSecret).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
  });

  it('refuses Signature Version 2 and requests whose signed headers were changed', async () => {
    // Prepare
    const signed = await import('aws4').then(({ default: aws4 }) =>
      aws4.sign(
        {
          host: new URL(s3.endpoint).host,
          method: 'GET',
          path: readObject.target,
          service: 's3',
          region: 'us-east-1',
          headers: { 'x-amz-meta-a': 'signed' },
        },
        CREDENTIALS,
      ),
    );
    const headers: Record<string, string> = {
      ...(signed.headers as Record<string, string>),
      'x-amz-meta-a': 'changed',
    };
    delete headers.Host;

    // Act
    const changed = await fetch(`${s3.endpoint}${readObject.target}`, { headers });
    const v2 = await rawRequest(s3.endpoint, {
      ...readObject,
      headers: { Authorization: `AWS ${CREDENTIALS.accessKeyId}:c2lnbmF0dXJl`, Date: new Date().toUTCString() },
    });

    // Assess
    expect(changed.status).toBe(403);
    expect(s3ErrorOf(await changed.text()).Code).toBe('SignatureDoesNotMatch');
    expect([v2.status, s3ErrorOf(v2.text)]).toEqual([
      400,
      expect.objectContaining({
        Code: 'InvalidRequest',
        Message: 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
      }),
    ]);
  });

  it('verifies chunk signatures of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload', async () => {
    // Prepare
    const { signedChunkedUpload } = await import('./signed-chunks');
    const data = randomBytes(100_000);
    const good = signedChunkedUpload(s3.endpoint, CREDENTIALS, `/${BUCKET}/auth/chunked`, data, 64 * 1024);
    const bad = signedChunkedUpload(s3.endpoint, CREDENTIALS, `/${BUCKET}/auth/chunked-bad`, data, 64 * 1024, {
      corruptChunk: 1,
    });

    // Act
    const stored = await fetch(good.url, good.init);
    const refused = await fetch(bad.url, bad.init);

    // Assess
    expect(stored.status).toBe(200);
    expect((await bytesOf('auth/chunked')).equals(data)).toBe(true);
    expect(refused.status).toBe(403);
    expect(s3ErrorOf(await refused.text()).Code).toBe('SignatureDoesNotMatch');
    expect(await exists('auth/chunked-bad')).toBe(false);
  });
});

describe('local principals and temporary credentials', () => {
  let engine: { endpoint: string; close(): Promise<void> };
  let principals: Principals;
  const user = { accessKeyId: 'AKIAPRINCIPALUSER001', secretAccessKey: 'principal-user-secret' };

  beforeAll(async () => {
    principals = principalsFor(user);
    engine = await startS3Engine({ directory: path.join(s3.root, 'principals'), port: 0, keys: principals });
    const admin = s3.client({ endpoint: engine.endpoint, credentials: user });
    await admin.send(new CreateBucketCommand({ Bucket: 'temporary' }));
  });
  afterAll(() => engine.close());

  it('accepts temporary credentials with their session token, and refuses them without it or with another', async () => {
    // Prepare
    const temporary = principals.issueTemporary({
      accountId: '000000000000',
      roleName: 'uploader',
      roleId: 'AROAUPLOADER',
      sessionName: 'test',
      durationSeconds: 900,
    });
    const withToken = s3.client({
      endpoint: engine.endpoint,
      credentials: {
        accessKeyId: temporary.accessKeyId,
        secretAccessKey: temporary.secretAccessKey,
        sessionToken: temporary.sessionToken,
      },
    });
    const keyOnly = { accessKeyId: temporary.accessKeyId, secretAccessKey: temporary.secretAccessKey };

    // Act
    await withToken.send(new PutObjectCommand({ Bucket: 'temporary', Key: 'by-role.txt', Body: 'assumed' }));
    const listed = await withToken.send(new ListObjectsV2Command({ Bucket: 'temporary' }));
    const noToken = await rawRequest(engine.endpoint, { target: '/temporary/by-role.txt', credentials: keyOnly });
    const otherToken = await rawRequest(engine.endpoint, {
      target: '/temporary/by-role.txt',
      credentials: keyOnly,
      headers: { 'X-Amz-Security-Token': 'not-the-token' },
    });
    const tokenForAUser = await rawRequest(engine.endpoint, {
      target: '/temporary/by-role.txt',
      credentials: user,
      headers: { 'X-Amz-Security-Token': temporary.sessionToken as string },
    });

    // Assess
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['by-role.txt']);
    expect([noToken.status, s3ErrorOf(noToken.text).Code]).toEqual([403, 'InvalidAccessKeyId']);
    expect([otherToken.status, s3ErrorOf(otherToken.text).Code]).toEqual([400, 'InvalidToken']);
    expect([tokenForAUser.status, s3ErrorOf(tokenForAUser.text).Code]).toEqual([400, 'InvalidToken']);
  });
});

describe('malformed requests', () => {
  it.each([
    ['a path that is not percent-encoded properly', { target: `/${BUCKET}/bad%E0%A4%A` }, 400, 'InvalidURI'],
    ['a bucket name S3 does not allow', { target: '/%2E%2E/etc/passwd' }, 400, 'InvalidBucketName'],
    [
      'a key that would leave its bucket as a file path',
      { target: `/${BUCKET}/a/../../outside`, signed: true },
      400,
      'InvalidArgument',
    ],
    [
      'a malformed Authorization header',
      { target: `/${BUCKET}/x`, headers: { Authorization: 'AWS4-HMAC-SHA256 nonsense', 'x-amz-date': amzDate() } },
      400,
      'AuthorizationHeaderMalformed',
    ],
    [
      'a body that is not the XML document of the operation',
      { method: 'POST', target: `/${BUCKET}?delete`, body: '<Delete><Object>', signed: true, md5: true },
      400,
      'MalformedXML',
    ],
    [
      'an aws-chunked body with broken framing',
      {
        method: 'PUT',
        target: `/${BUCKET}/broken-chunks`,
        body: 'zz\r\nhello\r\n0\r\n\r\n',
        signed: true,
        headers: {
          'X-Amz-Content-Sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
          'Content-Encoding': 'aws-chunked',
          'X-Amz-Decoded-Content-Length': '5',
        },
      },
      400,
      'InvalidRequest',
    ],
  ] as const)("answers %s with S3's 4xx error, never a 500", async (_name, request, status, code) => {
    // Act
    const response = await rawRequest(s3.endpoint, {
      method: 'method' in request ? request.method : 'GET',
      target: request.target,
      body: 'body' in request ? request.body : undefined,
      credentials: 'signed' in request ? CREDENTIALS : undefined,
      headers: {
        ...('headers' in request ? request.headers : {}),
        ...('md5' in request ? { 'Content-MD5': base64Of('md5', request.body) } : {}),
      },
    });

    // Assess
    expect([response.status, s3ErrorOf(response.text).Code]).toEqual([status, code]);
  });
});

describe('CORS', () => {
  const preflight = (bucket: string, origin: string, method = 'PUT') =>
    fetch(`${s3.endpoint}/${bucket}/some/key`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': method,
        'Access-Control-Request-Headers': 'content-type,x-amz-date',
      },
    });

  beforeAll(() =>
    client.send(
      new PutBucketCorsCommand({
        Bucket: CORS_BUCKET,
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedOrigins: ['https://app.example'],
              AllowedMethods: ['GET', 'PUT', 'POST'],
              AllowedHeaders: ['*'],
              ExposeHeaders: ['ETag'],
              MaxAgeSeconds: 3000,
            },
          ],
        },
      }),
    ),
  );

  it('answers a preflight only where the bucket configuration allows it, without CORS headers otherwise', async () => {
    // Act
    const allowed = await preflight(CORS_BUCKET, 'https://app.example');
    const otherOrigin = await preflight(CORS_BUCKET, 'https://evil.example');
    const otherMethod = await preflight(CORS_BUCKET, 'https://app.example', 'DELETE');
    const noConfiguration = await preflight(BUCKET, 'https://app.example');

    // Assess
    expect(allowed.status).toBe(200);
    expect(corsHeaders(allowed.headers)).toEqual({
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-methods': 'GET, PUT, POST',
      'access-control-allow-headers': 'content-type, x-amz-date',
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'ETag',
      'access-control-max-age': '3000',
    });
    for (const refused of [otherOrigin, otherMethod, noConfiguration]) {
      expect(refused.status).toBe(403);
      expect(s3ErrorOf(await refused.text()).Code).toBe('CORSResponse');
      expect(corsHeaders(refused.headers)).toEqual({});
    }
  });

  it('adds CORS headers to requests from an allowed origin only, errors included', async () => {
    // Prepare
    await client.send(new PutObjectCommand({ Bucket: CORS_BUCKET, Key: 'page.txt', Body: 'for the page' }));
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: CORS_BUCKET, Key: 'page.txt' }), {
      expiresIn: 60,
    });

    // Act
    const allowed = await fetch(url, { headers: { Origin: 'https://app.example' } });
    const other = await fetch(url, { headers: { Origin: 'https://evil.example' } });
    const anonymous = await fetch(`${s3.endpoint}/${CORS_BUCKET}/page.txt`, {
      headers: { Origin: 'https://app.example' },
    });

    // Assess
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-expose-headers')).toBe('ETag');
    expect(corsHeaders(other.headers)).toEqual({});
    expect(anonymous.status).toBe(403);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });

  it('refuses an anonymous HTML form POST from a web page, even to a bucket that allows the origin', async () => {
    // Prepare
    const form = new FormData();
    form.append('key', 'dropped/by-a-page.html');
    form.append('file', new Blob(['<script>…</script>']), 'page.html');

    // Act
    const response = await fetch(`${s3.endpoint}/${CORS_BUCKET}`, {
      method: 'POST',
      body: form,
      headers: { Origin: 'https://app.example' },
    });

    // Assess
    expect(response.status).toBe(403);
    expect(s3ErrorOf(await response.text())).toMatchObject({ Code: 'AccessDenied', Message: 'Access Denied' });
    expect(await exists('dropped/by-a-page.html', CORS_BUCKET)).toBe(false);
  });
});

describe('the AWS CLI', () => {
  // Each command starts a Python interpreter, seconds apiece on a busy machine.
  const CLI_TIMEOUT_MS = 180_000;
  const run = promisify(execFile);
  let environment: NodeJS.ProcessEnv;
  let workdir: string;
  const aws = (args: string[], env: NodeJS.ProcessEnv = environment) =>
    run('aws', ['--endpoint-url', s3.endpoint, ...args], { env, maxBuffer: 16 * MiB });

  beforeAll(() => {
    workdir = fs.mkdtempSync(path.join(s3.root, 'cli-'));
    // Presigned URLs with SigV4, which S3 requires of buckets created since 2020 (the CLI's v1 default is SigV2).
    fs.writeFileSync(path.join(workdir, 'config'), '[default]\ns3 =\n    signature_version = s3v4\n');
    environment = {
      PATH: process.env.PATH,
      HOME: workdir,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: path.join(workdir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(workdir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  });

  it(
    'puts, gets (validating the checksum), copies a 9 MB file up in parts, presigns and deletes',
    async () => {
      // Prepare
      const small = path.join(workdir, 'small.txt');
      const large = path.join(workdir, 'large.bin');
      fs.writeFileSync(small, 'from the command line');
      fs.writeFileSync(large, randomBytes(9 * MiB));

      // Act
      await aws(['s3api', 'put-object', '--bucket', BUCKET, '--key', 'cli/small.txt', '--body', small]);
      const got = JSON.parse(
        (
          await aws([
            's3api',
            'get-object',
            '--bucket',
            BUCKET,
            '--key',
            'cli/small.txt',
            '--checksum-mode',
            'ENABLED',
            path.join(workdir, 'small.out'),
          ])
        ).stdout,
      ) as { ChecksumCRC32?: string };
      // s3transfer uploads files over 8 MB in 8 MB parts, with a CRC32 for each.
      await aws(['s3', 'cp', large, `s3://${BUCKET}/cli/large.bin`]);
      const uploaded = await bytesOf('cli/large.bin');
      const url = (await aws(['s3', 'presign', `s3://${BUCKET}/cli/small.txt`, '--expires-in', '60'])).stdout.trim();
      const downloaded = await fetch(url);
      await aws([
        's3api',
        'delete-objects',
        '--bucket',
        BUCKET,
        '--delete',
        JSON.stringify({ Objects: [{ Key: 'cli/small.txt' }, { Key: 'cli/large.bin' }] }),
      ]);

      // Assess
      expect(got.ChecksumCRC32).toBe(crc32Of(Buffer.from('from the command line')));
      expect(fs.readFileSync(path.join(workdir, 'small.out'), 'utf8')).toBe('from the command line');
      expect(uploaded.equals(fs.readFileSync(large))).toBe(true);
      expect(url).toContain('X-Amz-Algorithm=AWS4-HMAC-SHA256');
      expect(await downloaded.text()).toBe('from the command line');
      expect(await exists('cli/small.txt')).toBe(false);
      expect(await exists('cli/large.bin')).toBe(false);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'fails with S3 errors for a wrong secret and an unknown key',
    async () => {
      // Act
      const wrongSecret = await aws(['s3api', 'list-objects-v2', '--bucket', BUCKET], {
        ...environment,
        AWS_SECRET_ACCESS_KEY: 'not the secret',
      }).catch((error: { stderr: string }) => error.stderr);
      const unknownKey = await aws(['s3api', 'list-objects-v2', '--bucket', BUCKET], {
        ...environment,
        AWS_ACCESS_KEY_ID: 'AKIAUNKNOWN000000000',
      }).catch((error: { stderr: string }) => error.stderr);

      // Assess
      expect(wrongSecret).toContain('(SignatureDoesNotMatch)');
      expect(unknownKey).toContain('(InvalidAccessKeyId)');
    },
    CLI_TIMEOUT_MS,
  );
});
