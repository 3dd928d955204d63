import { startS3Engine } from './s3/engine';
import type { ObjectChangeListener } from './s3/object-changes';

export interface RunningEngine {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * S3: s3rver behind the engine's SigV4-verifying, checksum-checking front, objects kept as files under `directory`
 * (see `lib/local/s3/README.md`). Every object a request creates or removes is reported to `onObjectChange`, the
 * source of the buckets' event notifications. It runs in this thread, for test harnesses; local mode runs the same
 * engine in its own thread (`startS3EngineThread`).
 */
export function startS3(
  directory: string,
  port: number,
  credentials: { accessKeyId: string; secretAccessKey: string },
  onObjectChange?: ObjectChangeListener,
  region?: string,
): Promise<RunningEngine> {
  return startS3Engine({ directory, port, credentials, onObjectChange, region });
}
