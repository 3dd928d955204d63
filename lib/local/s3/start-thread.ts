import * as path from 'node:path';
import type { Principals } from '../principals';
import { EngineThread } from '../threads/engine-thread';
import type { RunningS3Engine } from './engine';
import type { ObjectChange, ObjectChangeListener } from './object-changes';
import type { S3ThreadInit, S3ThreadMethods } from './thread';

// The main thread's side of the S3 engine's thread (`thread.ts`), apart from it: the engine itself (s3rver, its
// front) loads only in that thread, not in the main thread, where loading it cost most of a second of every start.

export const OBJECT_CHANGE = 'objectChange';

export interface S3EngineThreadOptions {
  /** Where buckets and objects are kept (the same layout as the engine in one thread). */
  readonly directory: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Who may sign requests; principals added later are accepted too. */
  readonly principals: Principals;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Told of every object a request creates or removes, on this thread, before the response is sent. */
  readonly onObjectChange?: ObjectChangeListener;
}

/**
 * Starts the S3 engine in its own worker thread, so a large upload, a checksum over it or a long listing never holds
 * up the API endpoint or the other services. Object changes come back to `onObjectChange` on this thread.
 */
export async function startS3EngineThread(options: S3EngineThreadOptions): Promise<RunningS3Engine> {
  const init: S3ThreadInit = {
    directory: options.directory,
    region: options.region,
    port: options.port,
    principals: options.principals.snapshot(),
  };
  const thread = EngineThread.start<S3ThreadMethods>(path.join(__dirname, 'thread'), init, {
    principals: options.principals,
    onEvent: (event, payload) => {
      if (event === OBJECT_CHANGE) options.onObjectChange?.(payload as ObjectChange);
    },
  });
  const endpoint = await thread.startEngine();
  return { endpoint, close: () => thread.stopEngine() };
}
