import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHECKSUM_METADATA_KEYS } from './checksums';

/** An object's stored headers (`content-type`, `x-amz-meta-*`, its checksum) as s3rver keeps them. */
export type ObjectMetadata = Record<string, string>;

/** The parts of s3rver's FilesystemStore the engine uses; its on-disk layout is what persists across versions. */
export interface FilesystemStore {
  readonly rootDirectory: string;
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  /** Stored metadata plus `etag`, `last-modified` and `content-length`; rejects with ENOENT for a missing object. */
  getMetadata(bucket: string, key: string): Promise<Record<string, string | number>>;
  getBucket(bucket: string): Promise<{ name: string } | null>;
  listBuckets(): Promise<Array<{ name: string }>>;
  existsObject(bucket: string, key: string): Promise<boolean>;
  putObject(object: { bucket: string; key: string; content: unknown; metadata: ObjectMetadata }): Promise<{
    md5: string;
    size: number;
  }>;
  copyObject(
    sourceBucket: string,
    sourceKey: string,
    bucket: string,
    key: string,
    replacementMetadata: unknown,
  ): Promise<Record<string, unknown>>;
  deleteObject(bucket: string, key: string): Promise<void>;
  getSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
  putSubresource(bucket: string, key: string | undefined, resource: unknown): Promise<void>;
  deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<void>;
}

/** An object's bytes already received into the staging directory, and the ETag they are stored under. */
export class StagedFile {
  constructor(
    readonly path: string,
    readonly size: number,
    readonly etag: string,
  ) {}
}

/** The destination of a CopyObject: the copied bytes, staged, and the metadata the copy gets. */
export class StagedCopy {
  constructor(
    readonly file: StagedFile,
    readonly metadata: ObjectMetadata,
  ) {}
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Object = require('s3rver/lib/models/object') as { ALLOWED_METADATA: string[] };

/** Where uploads are received before they become objects: inside the root, so a rename moves them into place. */
export function stagingDirectory(store: FilesystemStore): string {
  // A leading dot is not a valid bucket name, so no bucket can ever be this directory.
  return path.join(store.rootDirectory, '.staging');
}

/**
 * Makes every write of an object a rename of a fully received file. s3rver writes request bodies straight over the
 * stored object, so a failed or refused upload (a wrong checksum, a dropped connection) would leave the old object
 * half overwritten. The engine receives bodies into the staging directory, checks them, and passes them here as a
 * `StagedFile` (PutObject, POST Object, CompleteMultipartUpload) or a `StagedCopy` (CopyObject); the previous object
 * stays whole until the new one replaces it. Checksums join the metadata s3rver keeps, deletions and commits run one
 * at a time, and the staging directory is kept out of ListBuckets. Must be called before any other wrapper of the
 * store's methods.
 */
export function installAtomicWrites(store: FilesystemStore): void {
  for (const key of CHECKSUM_METADATA_KEYS) {
    if (!S3Object.ALLOWED_METADATA.includes(key)) S3Object.ALLOWED_METADATA.push(key);
  }
  const staging = stagingDirectory(store);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true, mode: 0o700 });

  const putObject = store.putObject.bind(store);
  store.putObject = async (object) => {
    if (!(object.content instanceof StagedFile)) return putObject(object);
    await commit(store, object.bucket, object.key, object.content, object.metadata);
    return { md5: object.content.etag, size: object.content.size };
  };
  const copyObject = store.copyObject.bind(store);
  store.copyObject = async (sourceBucket, sourceKey, bucket, key, replacement) => {
    if (!(replacement instanceof StagedCopy)) return copyObject(sourceBucket, sourceKey, bucket, key, replacement);
    await commit(store, bucket, key, replacement.file, replacement.metadata);
    return store.getMetadata(bucket, key);
  };
  // After deleting a key's files, s3rver removes the directories its prefix leaves empty, listing each one after
  // its own awaits: deletions in parallel (DeleteObjects) would list a directory another has just removed and fail
  // with a 500, and a commit could rename into one being removed. Both run in one queue.
  const deleteObject = store.deleteObject.bind(store);
  store.deleteObject = (bucket, key) => changeQueue(store)(() => deleteObject(bucket, key));
  const listBuckets = store.listBuckets.bind(store);
  store.listBuckets = async () => (await listBuckets()).filter((bucket) => !bucket.name.startsWith('.'));
}

/** The metadata s3rver keeps of a set of headers: the standard ones, the checksum and `x-amz-meta-*`. */
export function storedMetadata(headers: Record<string, unknown>): ObjectMetadata {
  const metadata: ObjectMetadata = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (value === undefined) continue;
    if (S3Object.ALLOWED_METADATA.includes(key) || key.startsWith('x-amz-meta-')) metadata[key] = String(value);
  }
  return metadata;
}

/** The stored metadata of an object, `undefined` when there is no such object. */
export async function objectMetadata(
  store: FilesystemStore,
  bucket: string,
  key: string,
): Promise<Record<string, string | number> | undefined> {
  try {
    return await store.getMetadata(bucket, key);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return undefined;
    }
    throw error;
  }
}

/**
 * Moves a staged object into place with its ETag and metadata beside it. Runs in the store's queue of changes:
 * s3rver removes the directories a deletion leaves empty, which would race a rename into one of them.
 */
function commit(
  store: FilesystemStore,
  bucket: string,
  key: string,
  file: StagedFile,
  metadata: ObjectMetadata,
): Promise<void> {
  const objectPath = store.getResourcePath(bucket, key, 'object');
  const md5Staged = `${file.path}.md5`;
  const metadataStaged = `${file.path}.json`;
  return changeQueue(store)(async () => {
    try {
      await fs.promises.writeFile(md5Staged, file.etag);
      await fs.promises.writeFile(metadataStaged, JSON.stringify(storedMetadata(metadata), null, 2));
      await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
      await fs.promises.rename(md5Staged, store.getResourcePath(bucket, key, 'object.md5'));
      await fs.promises.rename(metadataStaged, store.getResourcePath(bucket, key, 'metadata.json'));
      await fs.promises.rename(file.path, objectPath);
    } catch (error) {
      // Only a failed commit leaves staged files behind; a committed one has renamed all three away.
      await Promise.all(
        [file.path, md5Staged, metadataStaged].map((leftover) => fs.promises.rm(leftover, { force: true })),
      );
      throw error;
    }
  });
}

type Queue = <T>(change: () => Promise<T>) => Promise<T>;
const queues = new WeakMap<FilesystemStore, Queue>();

/** Runs the store's changes of the directory tree one at a time, in the order they were asked for. */
function changeQueue(store: FilesystemStore): Queue {
  let queue = queues.get(store);
  if (!queue) {
    let previous: Promise<unknown> = Promise.resolve();
    queue = <T>(change: () => Promise<T>) => {
      const result = previous.then(change);
      previous = result.catch(() => undefined);
      return result;
    };
    queues.set(store, queue);
  }
  return queue;
}
