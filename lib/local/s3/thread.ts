import * as path from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { Principals, type Principal } from '../principals';
import { EngineThread, exposeToParent } from '../threads/engine-thread';
import { startS3Engine, type RunningS3Engine } from './engine';
import type { ObjectChange, ObjectChangeListener } from './object-changes';

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

const OBJECT_CHANGE = 'objectChange';

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
  let endpoint: string;
  try {
    endpoint = await thread.call('start');
  } catch (error) {
    await thread.terminate();
    throw error;
  }
  return {
    endpoint,
    async close() {
      await thread.call('close');
      await thread.terminate();
    },
  };
}
