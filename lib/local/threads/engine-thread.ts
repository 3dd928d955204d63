import * as path from 'node:path';
import { Worker, type MessagePort } from 'node:worker_threads';
import { runnable } from '../entry-points';
import type { Principal, Principals } from '../principals';

const BOOTSTRAP = path.join(__dirname, 'bootstrap.js');

type Methods = Record<string, (...args: never[]) => unknown>;

interface Call {
  readonly id: number;
  readonly method: string;
  readonly args: unknown[];
}

type Reply = { readonly id: number; readonly result?: unknown; readonly error?: string };
/** `event` notices carry `ack`: the main thread answers `{ acked }` once its handler has run. */
type Notice = { readonly log: string } | { readonly event: string; readonly payload: unknown; readonly ack: number };
type Ack = { readonly acked: number };

/**
 * A service's engine running in its own worker thread, so its work (SQLite, LevelDB, file I/O, SigV4) never holds up
 * the API endpoint or the other services. The engine listens on its own port inside the thread; the main thread only
 * calls the methods the engine exposes (`serveThread`) and keeps its copy of the principals up to date.
 */
export class EngineThread<M extends Methods> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    private readonly onEvent: (event: string, payload: unknown) => void,
  ) {
    worker.on('message', (message: Reply | Notice) => {
      if ('log' in message) return void process.stderr.write(`${message.log}\n`);
      if ('event' in message) {
        try {
          this.onEvent(message.event, message.payload);
        } finally {
          this.worker.postMessage({ acked: message.ack } satisfies Ack);
        }
        return;
      }
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) pending?.reject(new Error(message.error));
      else pending?.resolve(message.result);
    });
    const fail = (error: Error) => {
      this.exited = true;
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`engine thread exited with code ${code}`)));
  }

  /**
   * Starts `module`'s `serveThread` in a worker with `init`, and replicates every principal added to `principals`
   * from now on (temporary credentials issued by a local STS must work on every endpoint at once).
   */
  static start<M extends Methods>(
    module: string,
    init: unknown,
    options: { principals?: Principals; onEvent?: (event: string, payload: unknown) => void } = {},
  ): EngineThread<M> {
    const file = runnable(module).file;
    const prespawned = claimPrespawned(file);
    let worker: Worker;
    if (prespawned) {
      worker = prespawned;
      worker.postMessage({ init });
    } else {
      worker = new Worker(BOOTSTRAP, { workerData: { module: file, init }, execArgv: ['--enable-source-maps'] });
    }
    const thread = new EngineThread<M>(worker, options.onEvent ?? (() => {}));
    options.principals?.onAdd((principal) => {
      if (!thread.exited) void thread.send('addPrincipal', [principal]).catch(() => undefined);
    });
    return thread;
  }

  call<K extends keyof M & string>(method: K, ...args: Parameters<M[K]>): Promise<Awaited<ReturnType<M[K]>>> {
    return this.send(method, args) as Promise<Awaited<ReturnType<M[K]>>>;
  }

  private send(method: string, args: unknown[]): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error('engine thread has exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args } satisfies Call);
    });
  }

  async terminate(): Promise<void> {
    this.exited = true;
    await this.worker.terminate();
  }

  /**
   * Starts the thread's engine: its `start` method listens and answers the endpoint. A thread whose engine fails to
   * start is terminated, so nothing is left running behind the error.
   */
  async startEngine(): Promise<string> {
    try {
      return (await this.send('start', [])) as string;
    } catch (error) {
      await this.terminate();
      throw error;
    }
  }

  /** Closes the engine (its `close` method) and ends the thread. */
  async stopEngine(): Promise<void> {
    await this.send('close', []);
    await this.terminate();
  }
}

/**
 * The thread side: answers the main thread's calls with `methods`, and lets the engine log and emit events. `emit`
 * resolves once the main thread has handled the event, so an engine can hold its answer until then (S3 reports an
 * object change before it answers the request that made it); it never rejects.
 */
export function exposeToParent(
  port: MessagePort,
  methods: Record<string, (...args: never[]) => unknown>,
): { log(message: string): void; emit(event: string, payload: unknown): Promise<void> } {
  const unacked = new Map<number, () => void>();
  let nextAck = 1;
  port.on('message', (message: Call | Ack) => {
    if ('acked' in message) {
      unacked.get(message.acked)?.();
      unacked.delete(message.acked);
      return;
    }
    const call = message;
    const method = methods[call.method];
    Promise.resolve()
      .then(() => {
        if (!method) throw new Error(`engine thread has no method ${call.method}`);
        return method(...(call.args as never[]));
      })
      .then(
        (result) => port.postMessage({ id: call.id, result } satisfies Reply),
        (error: unknown) =>
          port.postMessage({
            id: call.id,
            error: error instanceof Error ? error.message : String(error),
          } satisfies Reply),
      );
  });
  return {
    log: (message) => port.postMessage({ log: message } satisfies Notice),
    emit: (event, payload) =>
      new Promise<void>((resolve) => {
        const ack = nextAck++;
        unacked.set(ack, resolve);
        port.postMessage({ event, payload, ack } satisfies Notice);
      }),
  };
}

/** Threads `prespawn.js` started, by module file, until a module takes them over (the registry is per process). */
const PRESPAWNED = Symbol.for('mediaplane.prespawnedEngineThreads');

/** A thread `prespawnEngineThreads` (prespawn.js) started for `file`, unless none was or it failed to load. */
function claimPrespawned(file: string): Worker | undefined {
  const registry = (globalThis as Record<symbol, unknown>)[PRESPAWNED] as
    Map<string, { worker: Worker; failed: boolean }> | undefined;
  const entry = registry?.get(file);
  if (!entry) return undefined;
  registry?.delete(file);
  if (entry.failed) {
    void entry.worker.terminate();
    return undefined;
  }
  entry.worker.ref();
  return entry.worker;
}

/** What a thread needs to rebuild the principals: the keys of the moment; later ones arrive as `addPrincipal`. */
export type PrincipalsSnapshot = readonly Principal[];
