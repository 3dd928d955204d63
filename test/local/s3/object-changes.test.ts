import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { RunningS3Engine } from '../../../lib/local/s3/engine';
import type { ObjectChange } from '../../../lib/local/s3/object-changes';
import { startS3EngineThread } from '../../../lib/local/s3/thread';
import { principalsFor } from '../../support/principals';

const CREDENTIALS = { accessKeyId: 'AKIAOBJECTCHANGES000', secretAccessKey: 'object-changes-secret' };
const BUCKET = 'uploads';

// The engine runs in its own thread, as local mode runs it: each change crosses back to this thread.
describe('the S3 engine reports every object a request creates or removes', () => {
  let root: string;
  let engine: RunningS3Engine;
  let client: S3Client;
  const changes: ObjectChange[] = [];

  /** The changes `act` made; the engine reports them before it answers, so there is nothing to wait for. */
  const changesOf = async (act: () => Promise<unknown>): Promise<ObjectChange[]> => {
    const before = changes.length;
    await act();
    return changes.slice(before);
  };
  const head = (key: string) => client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-s3-changes-'));
    engine = await startS3EngineThread({
      directory: root,
      port: 0,
      principals: principalsFor(CREDENTIALS),
      onObjectChange: (change) => changes.push(change),
    });
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

  it('reports a PutObject once, with the stored size and ETag and the request id of the response', async () => {
    // Prepare
    let requestId: string | undefined;

    // Act
    const reported = await changesOf(async () => {
      const response = await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'in/clip one.mp4', Body: 'twelve bytes' }),
      );
      requestId = response.$metadata.requestId;
    });

    // Assess
    const stored = await head('in/clip one.mp4');
    expect(reported).toEqual([
      expect.objectContaining({
        type: 'Created',
        reason: 'PutObject',
        bucket: BUCKET,
        key: 'in/clip one.mp4',
        size: 12,
        etag: stored.ETag?.replace(/"/g, ''),
        sourceIp: '127.0.0.1',
      }),
    ]);
    expect(reported[0]?.requestId).toMatch(/^[A-Z0-9]{16}$/);
    expect(reported[0]?.requestId).toBe(requestId);
    expect(reported[0]?.sequencer).toMatch(/^[0-9A-F]{18}$/);
  });

  it('reports a zero-byte object too', async () => {
    // Act
    const reported = await changesOf(() =>
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/folder/', Body: new Uint8Array(0) })),
    );

    // Assess
    expect(reported).toEqual([
      expect.objectContaining({
        type: 'Created',
        reason: 'PutObject',
        key: 'in/folder/',
        size: 0,
        etag: 'd41d8cd98f00b204e9800998ecf8427e',
      }),
    ]);
  });

  it('reports an upload through a presigned POST as POST Object', async () => {
    // Prepare
    const { url, fields } = await createPresignedPost(client, { Bucket: BUCKET, Key: 'in/posted.mov', Expires: 60 });
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob(['posted bytes']), 'posted.mov');

    // Act
    const reported = await changesOf(async () => {
      const response = await fetch(url, { method: 'POST', body: form });
      expect(response.status).toBe(204);
    });

    // Assess
    const stored = await head('in/posted.mov');
    expect(reported).toEqual([
      expect.objectContaining({
        type: 'Created',
        reason: 'POST Object',
        key: 'in/posted.mov',
        size: 12,
        etag: stored.ETag?.replace(/"/g, ''),
      }),
    ]);
  });

  it('reports a multipart upload once, on CompleteMultipartUpload, with the size of the whole object', async () => {
    // Prepare
    const key = 'in/multipart.mxf';
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const parts: Array<{ PartNumber: number; ETag?: string }> = [];
    const uploadsReported = await changesOf(async () => {
      for (const [index, body] of [Buffer.alloc(5 * 1024 * 1024, 1), Buffer.from('tail')].entries()) {
        const part = await client.send(
          new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: index + 1, Body: body }),
        );
        parts.push({ PartNumber: index + 1, ETag: part.ETag });
      }
    });

    // Act
    const reported = await changesOf(() =>
      client.send(
        new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: parts } }),
      ),
    );

    // Assess
    const stored = await head(key);
    expect(uploadsReported).toEqual([]);
    expect(reported).toEqual([
      expect.objectContaining({
        type: 'Created',
        reason: 'CompleteMultipartUpload',
        key,
        size: 5 * 1024 * 1024 + 4,
        etag: stored.ETag?.replace(/"/g, ''),
      }),
    ]);
  });

  it('reports a CopyObject as the copy, with its size and ETag', async () => {
    // Prepare
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/original.wav', Body: 'sound' }));

    // Act
    const reported = await changesOf(() =>
      client.send(
        new CopyObjectCommand({ Bucket: BUCKET, Key: 'out/copy.wav', CopySource: `${BUCKET}/in/original.wav` }),
      ),
    );

    // Assess
    const stored = await head('out/copy.wav');
    expect(reported).toEqual([
      expect.objectContaining({
        type: 'Created',
        reason: 'CopyObject',
        key: 'out/copy.wav',
        size: 5,
        etag: stored.ETag?.replace(/"/g, ''),
      }),
    ]);
  });

  it('reports DeleteObject and each object DeleteObjects removes, and nothing for a key that does not exist', async () => {
    // Prepare
    for (const key of ['gone/a', 'gone/b', 'gone/c']) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    }

    // Act
    const single = await changesOf(() => client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'gone/a' })));
    let attempts: number | undefined;
    const batch = await changesOf(async () => {
      const response = await client.send(
        new DeleteObjectsCommand({
          Bucket: BUCKET,
          Delete: { Objects: [{ Key: 'gone/b' }, { Key: 'gone/c' }, { Key: 'gone/never' }] },
        }),
      );
      attempts = response.$metadata.attempts;
    });
    const missing = await changesOf(() => client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'gone/a' })));

    // Assess
    expect(single).toEqual([expect.objectContaining({ type: 'Deleted', reason: 'DeleteObject', key: 'gone/a' })]);
    expect(single[0]).not.toHaveProperty('size');
    expect(batch.map((change) => [change.type, change.reason, change.key]).sort()).toEqual([
      ['Deleted', 'DeleteObject', 'gone/b'],
      ['Deleted', 'DeleteObject', 'gone/c'],
    ]);
    // Keys under one prefix deleted together answered on the first attempt (s3rver alone races and answers 500).
    expect(attempts).toBe(1);
    expect(new Set(batch.map((change) => change.requestId)).size).toBe(1);
    expect(missing).toEqual([]);
  });

  it('reports nothing for requests that change no object', async () => {
    // Prepare
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/tagged', Body: 'x' }));

    // Act
    const reported = await changesOf(async () => {
      await head('in/tagged');
      await client.send(
        new PutObjectTaggingCommand({
          Bucket: BUCKET,
          Key: 'in/tagged',
          Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] },
        }),
      );
      await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'in/never-completed' }));
    });

    // Assess
    expect(reported).toEqual([]);
  });

  it('gives later changes of a key greater sequencers', async () => {
    // Act
    const reported = await changesOf(async () => {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/again', Body: '1' }));
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/again', Body: '22' }));
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'in/again' }));
    });

    // Assess
    const sequencers = reported.map((change) => change.sequencer);
    expect(sequencers).toHaveLength(3);
    expect([...sequencers].sort()).toEqual(sequencers);
    expect(new Set(sequencers).size).toBe(3);
  });
});
