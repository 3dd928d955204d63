import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import { LOCAL_ACCOUNT_ID } from '../../../lib/local/credentials';
import { startLocalMode, type LocalMode } from '../../../lib/local/local-mode';
import { notificationKey } from '../../../lib/local/s3/notifications';
import { RECORD_APPEND, readRecords, recordEnvironment } from '../../support/records';

// `bridge` is the target of the rule for S3's events, `classic` the function of a classic notification; both append
// what they receive to a file.
const HANDLERS = `${RECORD_APPEND}
exports.bridge = async (event) => append('bridge', event);
exports.classic = async (event) => append('classic', event);
`;

/**
 * Three buckets: `Ingest` turns EventBridge on in its own `NotificationConfiguration`, as the Media2Cloud stack
 * declares its ingest bucket; `Proxy` through CDK's `eventBridgeEnabled` and `addEventNotification`, which become a
 * `Custom::S3BucketNotifications`; `Quiet` sends nothing. One rule sends every S3 event of the three to `bridge`.
 */
function synthesize(root: string): string {
  const outdir = fs.mkdtempSync(path.join(root, 'cdk.out-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Notify');
  const code = lambda.Code.fromAsset(path.join(root, 'handlers'));
  const environment = recordEnvironment(root);
  const runtime = lambda.Runtime.NODEJS_22_X;
  const bridge = new lambda.Function(stack, 'Bridge', { runtime, handler: 'index.bridge', code, environment });
  const classic = new lambda.Function(stack, 'Classic', { runtime, handler: 'index.classic', code, environment });

  const ingest = new s3.CfnBucket(stack, 'Ingest', {
    notificationConfiguration: { eventBridgeConfiguration: { eventBridgeEnabled: true } },
  });
  const proxy = new s3.Bucket(stack, 'Proxy', { eventBridgeEnabled: true });
  proxy.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(classic), {
    prefix: 'media/',
    suffix: '.mp4',
  });
  proxy.addEventNotification(s3.EventType.OBJECT_REMOVED_DELETE, new s3n.LambdaDestination(classic));
  const quiet = new s3.Bucket(stack, 'Quiet');

  new events.Rule(stack, 'OnObject', {
    eventPattern: {
      source: ['aws.s3'],
      detailType: ['Object Created', 'Object Deleted'],
      detail: { bucket: { name: [ingest.ref, proxy.bucketName, quiet.bucketName] } },
    },
    targets: [new targets.LambdaFunction(bridge)],
  });
  new CfnOutput(stack, 'IngestBucket', { value: ingest.ref });
  new CfnOutput(stack, 'ProxyBucket', { value: proxy.bucketName });
  new CfnOutput(stack, 'QuietBucket', { value: quiet.bucketName });
  app.synth();
  return outdir;
}

/** Reads until `done` holds or the time is up, and returns the last value read. */
async function eventually<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('local mode sends S3 event notifications as the buckets in the templates configure them', () => {
  let root: string;
  let local: LocalMode;
  let client: S3Client;
  let buckets: { ingest: string; proxy: string; quiet: string };

  /** The EventBridge events the rule's target received for `key` of `bucket`, once `count` have arrived. */
  const bridgeEvents = (bucket: string, key: string, count = 1) =>
    eventually(
      () =>
        readRecords(root, 'bridge').filter(
          (event) => event.detail.bucket.name === bucket && event.detail.object.key === key,
        ),
      (found) => found.length >= count,
    );
  const etagOf = async (bucket: string, key: string) =>
    (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag?.replace(/"/g, '');

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-s3-notify-'));
    fs.mkdirSync(path.join(root, 'handlers'));
    fs.mkdirSync(path.join(root, 'records'));
    fs.writeFileSync(path.join(root, 'handlers', 'index.js'), HANDLERS);
    local = await startLocalMode({
      port: 0,
      dataDir: path.join(root, 'data'),
      cloudAssemblyDir: synthesize(root),
      log: () => {},
    });
    client = new S3Client({
      region: local.region,
      endpoint: local.outputs.Local?.S3Endpoint,
      forcePathStyle: true,
      credentials: local.credentials,
    });
    const outputs = local.outputs.Notify ?? {};
    buckets = {
      ingest: outputs.IngestBucket ?? '',
      proxy: outputs.ProxyBucket ?? '',
      quiet: outputs.QuietBucket ?? '',
    };
  });
  afterAll(async () => {
    client.destroy();
    await local.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('delivers Object Created to the rule target, in the shape S3 sends it to EventBridge', async () => {
    // Prepare
    const key = 'media/My Clip (1)+ä.mp4';

    // Act
    const response = await client.send(new PutObjectCommand({ Bucket: buckets.ingest, Key: key, Body: 'hello video' }));

    // Assess
    const received = await bridgeEvents(buckets.ingest, key);
    expect(received).toHaveLength(1);
    expect(received[0]).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: LOCAL_ACCOUNT_ID,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: local.region,
      resources: [`arn:aws:s3:::${buckets.ingest}`],
      detail: {
        version: '0',
        bucket: { name: buckets.ingest },
        object: {
          key,
          size: 11,
          etag: await etagOf(buckets.ingest, key),
          sequencer: expect.stringMatching(/^[0-9A-F]{18}$/),
        },
        'request-id': response.$metadata.requestId,
        requester: LOCAL_ACCOUNT_ID,
        'source-ip-address': '127.0.0.1',
        reason: 'PutObject',
      },
    });
  });

  it('sends one event per upload, whether presigned POST, multipart, copy or an empty object', async () => {
    // Prepare
    const bucket = buckets.ingest;
    const { url, fields } = await createPresignedPost(client, { Bucket: bucket, Key: 'kinds/posted.mov', Expires: 60 });
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob(['posted']), 'posted.mov');

    // Act
    await fetch(url, { method: 'POST', body: form });
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'kinds/parts.mxf' }),
    );
    const part = await client.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'kinds/parts.mxf', UploadId, PartNumber: 1, Body: 'only part' }),
    );
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'kinds/parts.mxf',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    await client.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'kinds/copy.mov', CopySource: `${bucket}/kinds/posted.mov` }),
    );
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'kinds/empty/', Body: new Uint8Array(0) }));

    // Assess
    const expected = [
      ['kinds/posted.mov', 'POST Object', 6],
      ['kinds/parts.mxf', 'CompleteMultipartUpload', 9],
      ['kinds/copy.mov', 'CopyObject', 6],
      ['kinds/empty/', 'PutObject', 0],
    ] as const;
    for (const [key, reason, size] of expected) {
      const received = await bridgeEvents(bucket, key);
      expect(received).toHaveLength(1);
      expect(received[0].detail).toMatchObject({ reason, object: { key, size, etag: await etagOf(bucket, key) } });
    }
  });

  it('delivers Object Deleted for DeleteObject and for each object of DeleteObjects, without size or ETag', async () => {
    // Prepare
    const bucket = buckets.ingest;
    for (const key of ['removed/a', 'removed/b', 'removed/c']) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    }

    // Act
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'removed/a' }));
    await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'removed/b' }, { Key: 'removed/c' }] } }),
    );

    // Assess
    for (const key of ['removed/a', 'removed/b', 'removed/c']) {
      const deleted = (await bridgeEvents(bucket, key, 2)).filter((event) => event['detail-type'] === 'Object Deleted');
      expect(deleted).toHaveLength(1);
      expect(deleted[0].detail).toEqual({
        version: '0',
        bucket: { name: bucket },
        object: { key, sequencer: expect.stringMatching(/^[0-9A-F]{18}$/) },
        'request-id': expect.stringMatching(/^[A-Z0-9]{16}$/),
        requester: LOCAL_ACCOUNT_ID,
        'source-ip-address': '127.0.0.1',
        reason: 'DeleteObject',
        'deletion-type': 'Permanently Deleted',
      });
    }
  });

  it('sends events for a bucket configured through CDK, and invokes its classic notification for matching keys', async () => {
    // Prepare
    const bucket = buckets.proxy;
    const key = 'media/clip one.mp4';

    // Act
    const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'mp4' }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'media/notes.txt', Body: 'txt' }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'other/clip.mp4', Body: 'mp4' }));
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'other/clip.mp4' }));

    // Assess
    expect(await bridgeEvents(bucket, key)).toHaveLength(1);
    const records = await eventually(
      () => readRecords(root, 'classic').map((event) => event.Records[0]),
      (found) => found.length >= 2,
    );
    expect(records.map((record) => [record.eventName, record.s3.object.key]).sort()).toEqual([
      ['ObjectCreated:Put', 'media/clip+one.mp4'],
      ['ObjectRemoved:Delete', 'other/clip.mp4'],
    ]);
    const created = records.find((record) => record.eventName === 'ObjectCreated:Put');
    expect(created).toEqual({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: local.region,
      eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: expect.stringMatching(/^AWS:AIDA/) },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': put.$metadata.requestId, 'x-amz-id-2': put.$metadata.extendedRequestId },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: expect.any(String),
        bucket: { name: bucket, ownerIdentity: { principalId: expect.any(String) }, arn: `arn:aws:s3:::${bucket}` },
        object: {
          key: 'media/clip+one.mp4',
          size: 3,
          eTag: await etagOf(bucket, key),
          sequencer: expect.stringMatching(/^[0-9A-F]{18}$/),
        },
      },
    });
  });

  it('sends nothing for a bucket without EventBridge enabled, though a rule names it', async () => {
    // Prepare
    await client.send(new PutObjectCommand({ Bucket: buckets.quiet, Key: 'silent.mp4', Body: 'x' }));
    await client.send(new DeleteObjectCommand({ Bucket: buckets.quiet, Key: 'silent.mp4' }));

    // Act
    await client.send(new PutObjectCommand({ Bucket: buckets.ingest, Key: 'after-quiet.mp4', Body: 'x' }));

    // Assess
    expect(await bridgeEvents(buckets.ingest, 'after-quiet.mp4')).toHaveLength(1);
    expect(readRecords(root, 'bridge').filter((event) => event.detail.bucket.name === buckets.quiet)).toEqual([]);
  });
});

describe('classic notification keys', () => {
  it('are URL-encoded as a form encodes them, keeping the slashes', () => {
    // Act
    const encoded = notificationKey("media/My Clip (1)+ä!'*.mp4");

    // Assess
    expect(encoded).toBe('media/My+Clip+%281%29%2B%C3%A4%21%27*.mp4');
  });
});
