import { Principals } from './principals';
import type { ObjectChangeListener } from './s3/object-changes';
import { startS3EngineThread } from './s3/thread';

export interface RunningEngine {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * S3: s3rver behind the engine's SigV4-verifying, checksum-checking front, objects kept as files under `directory`
 * (see `lib/local/s3/README.md`), in its own worker thread as local mode runs it. Every object a request creates or
 * removes is reported to `onObjectChange` on this thread, the source of the buckets' event notifications.
 */
export function startS3(
  directory: string,
  port: number,
  credentials: { accessKeyId: string; secretAccessKey: string },
  onObjectChange?: ObjectChangeListener,
  region?: string,
): Promise<RunningEngine> {
  const principals = new Principals([
    { ...credentials, accountId: '000000000000', arn: 'arn:aws:iam::000000000000:user/local', userId: 'AIDALOCAL' },
  ]);
  return startS3EngineThread({ directory, port, principals, onObjectChange, region });
}
