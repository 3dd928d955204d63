import type { MessagePort } from 'node:worker_threads';
import { Principals, type Principal } from '../principals';
import { exposeToParent } from '../threads/engine-thread';
import { startS3Engine, type RunningS3Engine } from './engine';
import { OBJECT_CHANGE } from './start-thread';

export interface S3ThreadInit {
  readonly directory: string;
  readonly region?: string;
  readonly port: number;
  readonly principals: readonly Principal[];
}

/** The methods the main thread calls on the S3 engine's thread. */
export type S3ThreadMethods = {
  start(): Promise<string>;
  addPrincipal(principal: Principal): void;
  close(): Promise<void>;
};

/**
 * Runs the S3 engine (s3rver, its front, SigV4, checksums, file I/O) in this worker thread. Each object change is
 * handed to the main thread, which owns the notifications, and the request that made it is answered only once the
 * main thread has it: as in one thread, a change is reported before its response is sent.
 */
export function serveThread(port: MessagePort, init: S3ThreadInit): void {
  const principals = new Principals(init.principals);
  let engine: RunningS3Engine | undefined;
  const parent = exposeToParent(port, {
    start: async () => {
      engine = await startS3Engine({
        directory: init.directory,
        port: init.port,
        keys: principals,
        region: init.region,
        onObjectChange: (change) => parent.emit(OBJECT_CHANGE, change),
      });
      return engine.endpoint;
    },
    addPrincipal: (principal: Principal) => principals.add(principal),
    close: async () => {
      await engine?.close();
    },
  } satisfies S3ThreadMethods);
}

// The main thread's side, which must not load the engine (s3rver is most of a second of CPU to load).
export { startS3EngineThread, type S3EngineThreadOptions } from './start-thread';
