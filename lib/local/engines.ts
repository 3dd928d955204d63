import * as fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
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

/** DynamoDB (dynalite), persisted in LevelDB under `directory`. */
export async function startDynamoDb(directory: string, port: number): Promise<RunningEngine> {
  fs.mkdirSync(directory, { recursive: true });
  const server = dynalite({ path: directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * S3 (s3rver), objects kept as files under `directory`. It verifies SigV4 for the key pairs registered with it, so
 * the local credentials are added: requests and presigned URLs are checked as S3 would check them.
 */
export async function startS3(
  directory: string,
  port: number,
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<RunningEngine> {
  fs.mkdirSync(directory, { recursive: true });
  s3rverAccounts.DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    directory: path.resolve(directory),
    silent: true,
    // Virtual-host addressing would treat 127.0.0.1 as a bucket name; clients use path style against an IP.
    vhostBuckets: false,
  });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () => server.close(),
  };
}
