import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { S3Engine } from './context';
import { engineFront } from './front';
import { observeObjectChanges, type ObjectChangeListener, type ObservableS3rver } from './object-changes';
import { installAtomicWrites, stagingDirectory, type FilesystemStore } from './store';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => ObservableS3rver & {
  readonly store: FilesystemStore;
  readonly middleware: unknown[];
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const s3rverAccounts = require('s3rver/lib/models/account') as {
  DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
};

/** The key pairs requests may be signed with: local mode's principals, or one pair. */
export interface S3Keys {
  readonly lookupSecret: (accessKeyId: string) => string | undefined;
  /** The session token temporary credentials must send as `X-Amz-Security-Token`. @default - none needs one */
  readonly lookupSessionToken?: (accessKeyId: string) => string | undefined;
}

export interface S3EngineOptions {
  /** Where buckets and objects are kept (s3rver's layout, so earlier data directories keep working). */
  readonly directory: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Who may sign requests: `keys` (local mode's principals) or a single key pair. */
  readonly keys?: S3Keys;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The region signatures must be scoped to. @default 'us-east-1' */
  readonly region?: string;
  /** Told of every object a request creates or removes, before the response is sent. */
  readonly onObjectChange?: ObjectChangeListener;
}

export interface RunningS3Engine {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * The local S3: s3rver (storage, listings, reads, bucket configuration) behind a front that makes it answer as S3
 * does for what default-configured SDKs and the AWS CLI send. Every request is SigV4-verified against the local key
 * pair; uploads are received whole, verified (signed payload, Content-MD5, CRC32/CRC32C/CRC64NVME/SHA-1/SHA-256
 * checksums in headers or aws-chunked trailers, chunk signatures) and committed atomically; multipart uploads,
 * CopyObject, DeleteObjects and POST Object (with its policy) are the engine's own; CORS follows each bucket's
 * configuration. See `lib/local/s3/README.md`.
 */
export async function startS3Engine(options: S3EngineOptions): Promise<RunningS3Engine> {
  const directory = path.resolve(options.directory);
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  allowSingleDesForS3rver();
  const keys = options.keys ?? singleKey(options.credentials);
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    directory,
    silent: true,
    // Virtual-host addressing would treat 127.0.0.1 as a bucket name; clients use path style against an IP.
    vhostBuckets: false,
  });
  installAtomicWrites(server.store);
  const engine: S3Engine = {
    store: server.store,
    staging: stagingDirectory(server.store),
    region: options.region ?? 'us-east-1',
    lookupSecret: (accessKeyId) => {
      const secret = keys.lookupSecret(accessKeyId);
      // s3rver's own signature check runs after the front's and only needs the key known; it never decides.
      if (secret !== undefined) s3rverAccounts.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secret);
      return secret;
    },
    lookupSessionToken: keys.lookupSessionToken,
    now: Date.now,
  };
  server.middleware.unshift(engineFront(engine));
  if (options.onObjectChange) observeObjectChanges(server, options.onObjectChange);
  const address = await server.run();
  const httpServer = (server as unknown as { httpServer: { keepAliveTimeout: number; requestTimeout: number } })
    .httpServer;
  // Node closes an idle keep-alive connection after 5 s; a client that sends its next request at that moment (an
  // SDK reusing its pooled socket after a pause) gets "socket hang up", which SDKs cannot retry for a streamed body.
  httpServer.keepAliveTimeout = 65_000;
  // Node's default would cut off any request still uploading after 5 minutes; a single PUT may carry 5 GB.
  httpServer.requestTimeout = 0;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () => server.close(),
  };
}

function singleKey(credentials: S3EngineOptions['credentials']): S3Keys {
  if (!credentials) throw new Error('The S3 engine needs keys or credentials');
  return {
    lookupSecret: (accessKeyId) => (accessKeyId === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
  };
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
