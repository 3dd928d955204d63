import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomInt } from 'node:crypto';

/** The S3 API call that created or removed an object, in the words of the `reason` of S3's EventBridge events. */
export type ObjectChangeReason =
  'PutObject' | 'POST Object' | 'CopyObject' | 'CompleteMultipartUpload' | 'DeleteObject';

/** One object created or removed by a request to the S3 engine. */
export interface ObjectChange {
  readonly type: 'Created' | 'Deleted';
  readonly reason: ObjectChangeReason;
  readonly bucket: string;
  /** As stored: not URL-encoded. */
  readonly key: string;
  /** Created objects only: the stored size and the unquoted ETag, as HeadObject reports them. */
  readonly size?: number;
  readonly etag?: string;
  /** Upper-case hex of one length that increases with every change, so later changes of a key sort after earlier. */
  readonly sequencer: string;
  /** The `x-amz-request-id` and `x-amz-id-2` of the response to the request that made the change. */
  readonly requestId: string;
  readonly hostId: string;
  readonly sourceIp: string;
  readonly time: Date;
}

/**
 * Called once per change, before the response to the request is sent; must not throw. A listener that returns a
 * promise (one in another thread) holds the response until it settles.
 */
export type ObjectChangeListener = (change: ObjectChange) => unknown;

/** The parts of an s3rver instance (a Koa application) that changes are observed through. */
export interface ObservableS3rver {
  readonly middleware: Array<(context: RequestContext, next: () => Promise<void>) => Promise<void>>;
  readonly store: ObjectStore;
}

interface RequestContext {
  readonly method: string;
  readonly query: Record<string, unknown>;
  readonly ip: string;
  set(header: string, value: string): void;
}

interface ObjectStore {
  putObject(object: { bucket: string; key: string }): Promise<{ md5: string; size: number }>;
  copyObject(
    sourceBucket: string,
    sourceKey: string,
    bucket: string,
    key: string,
    replacementMetadata: unknown,
  ): Promise<Record<string, unknown>>;
  deleteObject(bucket: string, key: string): Promise<void>;
}

interface S3Request {
  readonly method: string;
  readonly completesMultipartUpload: boolean;
  readonly requestId: string;
  readonly hostId: string;
  readonly sourceIp: string;
}

/**
 * Reports every object a request creates or removes, with the size and ETag the engine stored. s3rver's own `event`
 * cannot serve: it is not emitted for DeleteObjects, calls a CompleteMultipartUpload a POST and leaves out the ETag
 * of a copy. The store's writes are where every upload kind ends, so they are observed there, and a middleware
 * ahead of the routes keeps the request each write belongs to (its verb, its request id, the caller's address).
 * Responses get the `x-amz-request-id` and `x-amz-id-2` S3 sends, which the changes carry.
 *
 * Must be called before the server starts listening: Koa composes its middleware then.
 */
export function observeObjectChanges(server: ObservableS3rver, listener: ObjectChangeListener): void {
  const requests = new AsyncLocalStorage<S3Request>();
  server.middleware.unshift((context, next) => {
    const request: S3Request = {
      method: context.method,
      completesMultipartUpload: context.method === 'POST' && 'uploadId' in context.query,
      requestId: newRequestId(),
      hostId: randomBytes(48).toString('base64'),
      sourceIp: context.ip,
    };
    context.set('x-amz-request-id', request.requestId);
    context.set('x-amz-id-2', request.hostId);
    return requests.run(request, next);
  });

  const report = (
    type: ObjectChange['type'],
    reason: ObjectChangeReason,
    request: S3Request | undefined,
    object: { bucket: string; key: string; size?: number; etag?: string },
  ): unknown => {
    const time = new Date();
    return listener({
      type,
      reason,
      ...object,
      sequencer: nextSequencer(time),
      requestId: request?.requestId ?? newRequestId(),
      hostId: request?.hostId ?? '',
      sourceIp: request?.sourceIp ?? '127.0.0.1',
      time,
    });
  };

  const { store } = server;
  // PutObject, POST Object and CompleteMultipartUpload all end in putObject: s3rver assembles the parts of a
  // multipart upload and stores them through `this.putObject`, which is this wrapper, so each upload reports once.
  const putObject = store.putObject.bind(store);
  store.putObject = async (object) => {
    const request = requests.getStore();
    const stored = await putObject(object);
    const reason =
      request?.method !== 'POST'
        ? 'PutObject'
        : request.completesMultipartUpload
          ? 'CompleteMultipartUpload'
          : 'POST Object';
    await report('Created', reason, request, {
      bucket: object.bucket,
      key: object.key,
      size: stored.size,
      etag: stored.md5,
    });
    return stored;
  };
  const copyObject = store.copyObject.bind(store);
  store.copyObject = async (sourceBucket, sourceKey, bucket, key, replacementMetadata) => {
    const request = requests.getStore();
    const metadata = await copyObject(sourceBucket, sourceKey, bucket, key, replacementMetadata);
    const size = Number(metadata['content-length']);
    const etag = String(metadata.etag).replace(/"/g, '');
    await report('Created', 'CopyObject', request, { bucket, key, size, etag });
    return metadata;
  };
  // DeleteObject and DeleteObjects call it only for keys that exist, so deleting a missing key reports nothing.
  const deleteObject = store.deleteObject.bind(store);
  store.deleteObject = async (bucket, key) => {
    const request = requests.getStore();
    await deleteObject(bucket, key);
    await report('Deleted', 'DeleteObject', request, { bucket, key });
  };
}

const REQUEST_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** S3 request ids are 16 upper-case letters and digits. */
function newRequestId(): string {
  let id = '';
  for (let index = 0; index < 16; index++) id += REQUEST_ID_ALPHABET[randomInt(REQUEST_ID_ALPHABET.length)];
  return id;
}

let sequence = 0;

/** S3's sequencers are 18 hex digits, the first ten the epoch seconds; a counter makes the rest increase. */
function nextSequencer(time: Date): string {
  sequence = (sequence + 1) % 0x1_0000_0000;
  const seconds = Math.floor(time.getTime() / 1000);
  return `${seconds.toString(16).padStart(10, '0')}${sequence.toString(16).padStart(8, '0')}`.toUpperCase();
}
