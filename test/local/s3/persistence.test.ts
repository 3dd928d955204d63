import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startS3 } from '../../../lib/local/engines';

const CREDENTIALS = { accessKeyId: 'AKIAPERSISTENCE00001', secretAccessKey: 'persistence-secret' };
const MiB = 1024 * 1024;

/** A plain s3rver, as local mode ran before the engine had its front: it checks no signature and no checksum. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
};

describe('the S3 engine keeps data directories working', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-s3-persist-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const clientFor = (endpoint: string, legacy = false) =>
    new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: legacy ? { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } : CREDENTIALS,
      // The plain s3rver understood neither checksums nor aws-chunked bodies; clients had to turn them off.
      ...(legacy ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
    });

  it('serves objects and completes a multipart upload that a plain s3rver stored', async () => {
    // Prepare
    const directory = path.join(root, 's3');
    const legacy = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, vhostBuckets: false });
    const { port } = await legacy.run();
    const old = clientFor(`http://127.0.0.1:${port}`, true);
    const parts = [randomBytes(5 * MiB), randomBytes(100)];
    await old.send(new CreateBucketCommand({ Bucket: 'kept' }));
    const stored = await old.send(
      new PutObjectCommand({ Bucket: 'kept', Key: 'media/old.mp4', Body: 'old bytes', Metadata: { uuid: 'u-1' } }),
    );
    const { UploadId } = await old.send(new CreateMultipartUploadCommand({ Bucket: 'kept', Key: 'media/big.mxf' }));
    const etags: string[] = [];
    for (const [index, Body] of parts.entries()) {
      const part = await old.send(
        new UploadPartCommand({ Bucket: 'kept', Key: 'media/big.mxf', UploadId, PartNumber: index + 1, Body }),
      );
      etags.push(part.ETag as string);
    }
    old.destroy();
    await legacy.close();

    // Act
    const engine = await startS3(directory, 0, CREDENTIALS);
    const client = clientFor(engine.endpoint);
    try {
      const got = await client.send(new GetObjectCommand({ Bucket: 'kept', Key: 'media/old.mp4' }));
      const body = await got.Body!.transformToString();
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'kept',
          Key: 'media/big.mxf',
          UploadId,
          MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
        }),
      );
      const big = await client.send(new GetObjectCommand({ Bucket: 'kept', Key: 'media/big.mxf' }));
      const bigBody = Buffer.from(await big.Body!.transformToByteArray());
      const listed = await client.send(new ListObjectsV2Command({ Bucket: 'kept' }));

      // Assess
      expect(body).toBe('old bytes');
      expect(got.ETag).toBe(stored.ETag);
      expect(got.Metadata).toEqual({ uuid: 'u-1' });
      expect(got.ChecksumCRC32).toBeUndefined();
      expect(bigBody.equals(Buffer.concat(parts))).toBe(true);
      expect(big.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
      expect(listed.Contents?.map((object) => object.Key)).toEqual(['media/big.mxf', 'media/old.mp4']);
    } finally {
      client.destroy();
      await engine.close();
    }
  });

  it('keeps objects and their checksums across a restart, and leaves no staged upload behind', async () => {
    // Prepare
    const directory = path.join(root, 's3');
    const first = await startS3(directory, 0, CREDENTIALS);
    const before = clientFor(first.endpoint);
    await before.send(new CreateBucketCommand({ Bucket: 'kept' }));
    await before.send(
      new PutObjectCommand({ Bucket: 'kept', Key: 'a.txt', Body: 'kept', ChecksumAlgorithm: 'SHA256' }),
    );
    before.destroy();
    await first.close();
    fs.writeFileSync(path.join(directory, '.staging', 'interrupted-upload'), 'partial');

    // Act
    const second = await startS3(directory, 0, CREDENTIALS);
    const after = clientFor(second.endpoint);
    try {
      const head = await after.send(new HeadObjectCommand({ Bucket: 'kept', Key: 'a.txt', ChecksumMode: 'ENABLED' }));

      // Assess
      expect(head.ChecksumSHA256).toBe(createHash('sha256').update('kept').digest('base64'));
      expect(fs.readdirSync(path.join(directory, '.staging'))).toEqual([]);
    } finally {
      after.destroy();
      await second.close();
    }
  });
});
