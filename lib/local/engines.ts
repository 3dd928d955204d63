import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { observeObjectChanges, type ObjectChangeListener, type ObservableS3rver } from './s3/object-changes';
import { decodeAwsChunkedUploads, type DecodableS3rver } from './s3/aws-chunked';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => ObservableS3rver & {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const s3rverAccounts = require('s3rver/lib/models/account') as {
  DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
};

export interface RunningEngine {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 only offers through its legacy
 * provider, so every truncated listing would fail. Triple DES with three equal keys computes exactly single DES and
 * is in the default provider: calls asking for 'des' (which could only throw) get that instead; nothing else changes.
 */
function allowSingleDesForS3rver(): void {
  const marker = Symbol.for('mediaplane.single-des');
  // The module object itself, not an import namespace copy: s3rver looks the functions up on it at call time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const patched = require('node:crypto') as Record<symbol, boolean> & {
    createCipheriv: typeof crypto.createCipheriv;
    createDecipheriv: typeof crypto.createDecipheriv;
  };
  if (patched[marker]) return;
  const tripleKey = (key: crypto.CipherKey) => Buffer.concat(Array(3).fill(Buffer.from(key as Buffer)));
  type Factory = (algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null, options?: never) => unknown;
  const withSingleDes =
    (original: Factory): Factory =>
    (algorithm, key, iv, options) =>
      algorithm === 'des' ? original('des-ede3-cbc', tripleKey(key), iv) : original(algorithm, key, iv, options);
  patched.createCipheriv = withSingleDes(patched.createCipheriv as Factory) as typeof crypto.createCipheriv;
  patched.createDecipheriv = withSingleDes(patched.createDecipheriv as Factory) as typeof crypto.createDecipheriv;
  patched[marker] = true;
}

/**
 * After deleting a key's files, s3rver removes the directories its prefix leaves empty, listing each one after its
 * own awaits. DeleteObjects deletes its keys in parallel, so under a shared prefix one deletion lists a directory the
 * other has just removed and the request fails with a 500, some objects deleted and some not. One deletion at a time
 * leaves no such race.
 */
function deleteOneKeyAtATime(store: ObservableS3rver['store']): void {
  const deleteObject = store.deleteObject.bind(store);
  let previous: Promise<unknown> = Promise.resolve();
  store.deleteObject = (bucket, key) => {
    const deletion = previous.then(() => deleteObject(bucket, key));
    previous = deletion.catch(() => undefined);
    return deletion;
  };
}

/**
 * S3 (s3rver), objects kept as files under `directory`. It verifies SigV4 for the key pairs registered with it, so
 * the local credentials are added: requests and presigned URLs are checked as S3 would check them. Every object a
 * request creates or removes is reported to `onObjectChange`, the source of the buckets' event notifications.
 */
export async function startS3(
  directory: string,
  port: number,
  credentials: { accessKeyId: string; secretAccessKey: string },
  onObjectChange?: ObjectChangeListener,
): Promise<RunningEngine> {
  fs.mkdirSync(directory, { recursive: true });
  allowSingleDesForS3rver();
  s3rverAccounts.DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    directory: path.resolve(directory),
    silent: true,
    // Virtual-host addressing would treat 127.0.0.1 as a bucket name; clients use path style against an IP.
    vhostBuckets: false,
  });
  deleteOneKeyAtATime(server.store);
  decodeAwsChunkedUploads(server as unknown as DecodableS3rver);
  if (onObjectChange) observeObjectChanges(server, onObjectChange);
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () => server.close(),
  };
}
