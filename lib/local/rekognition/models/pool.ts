import { fork, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { runnable } from '../../entry-points';
import { idleRetirementMs } from '../../idle';
import type { ModelImage, ModelRequest, ModelResponse, ModelResult, ModelTasks } from './protocol';

/** The image could not be decoded: Rekognition's InvalidImageFormatException. */
export class UndecodableImageError extends Error {}

/** Who waits first: a caller's image request goes before the frames of a video job in progress. */
export type ModelPriority = 'interactive' | 'batch';

interface Slot {
  child?: ChildProcess;
  running?: Pending;
  /** Retires the idle process (its models hold hundreds of MB). */
  idleTimer?: NodeJS.Timeout;
}

interface Pending {
  readonly request: ModelRequest;
  resolve(result: ModelResult): void;
  reject(error: Error): void;
}

const WORKER_SCRIPT = path.join(__dirname, 'worker.ts');

/**
 * The model processes, started on first use and kept warm (loading the models takes seconds). Each runs one request
 * at a time: a process is single-threaded WebAssembly apart from Tesseract's thread. There are as many processes as
 * `size` (default: `MEDIAPLANE_MODEL_PROCESSES`, else two, or one on a single core), so two video jobs, or a job and a
 * caller's image, run side by side. Each process loads every model it uses (a few seconds of CPU) and holds them in
 * memory, so a machine that runs several local modes at once (the test suite) does better with one.
 * Interactive requests jump the queue of video frames. A process that dies fails the request it was running and is
 * started again for the next.
 */
export class ModelPool {
  private readonly slots: Slot[];
  private readonly interactive: Pending[] = [];
  private readonly batch: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    size: number = defaultPoolSize(),
    private readonly idleTimeoutMs: number = idleRetirementMs(),
  ) {
    this.slots = Array.from({ length: size }, () => ({}));
  }

  analyze(image: ModelImage, tasks: ModelTasks, priority: ModelPriority = 'interactive'): Promise<ModelResult> {
    if (this.closed) return Promise.reject(new Error('The model process is stopped'));
    return new Promise((resolve, reject) => {
      const pending = { request: { id: this.nextId++, image, tasks }, resolve, reject };
      (priority === 'interactive' ? this.interactive : this.batch).push(pending);
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const error = new Error('The model process is stopped');
    for (const pending of [...this.interactive.splice(0), ...this.batch.splice(0)]) pending.reject(error);
    await Promise.all(
      this.slots.map(async (slot) => {
        clearTimeout(slot.idleTimer);
        const child = slot.child;
        slot.child = undefined;
        if (child && child.exitCode === null) {
          await new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill();
          });
        }
      }),
    );
  }

  private pump(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (slot.running) continue;
      const next = this.interactive.shift() ?? this.batch.shift();
      if (!next) break;
      slot.running = next;
      clearTimeout(slot.idleTimer);
      this.process(slot).send(next.request);
    }
    for (const slot of this.slots) if (!slot.running && slot.child) this.retireWhenIdle(slot);
  }

  private retireWhenIdle(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    const child = slot.child;
    slot.idleTimer = setTimeout(() => {
      if (slot.child === child && !slot.running) child?.kill();
    }, this.idleTimeoutMs);
    slot.idleTimer.unref();
  }

  private process(slot: Slot): ChildProcess {
    if (slot.child && slot.child.exitCode === null && slot.child.connected) return slot.child;
    const script = runnable(WORKER_SCRIPT);
    const child = fork(script.file, [], {
      execArgv: [...script.execArgv],
      // Buffers cross the channel as bytes, not as JSON arrays of numbers.
      serialization: 'advanced',
      // The libraries chatter on the console; what matters is kept for the error when the process dies.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
    });
    let diagnostics = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      diagnostics = (diagnostics + chunk.toString('utf8')).slice(-2000);
    });
    child.on('message', (response: ModelResponse) => {
      const pending = slot.running;
      if (!pending || pending.request.id !== response.id) return;
      slot.running = undefined;
      if ('result' in response) pending.resolve(response.result);
      else if (response.error.kind === 'image') pending.reject(new UndecodableImageError(response.error.message));
      else pending.reject(new Error(`The model process failed: ${response.error.message}`));
      this.pump();
    });
    child.on('error', (error) => {
      const pending = slot.running;
      slot.running = undefined;
      pending?.reject(new Error(`The model process failed: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      if (slot.child === child) slot.child = undefined;
      const pending = slot.running;
      slot.running = undefined;
      pending?.reject(new Error(`The model process stopped (${signal ?? `exit ${code}`}): ${diagnostics.trim()}`));
      this.pump();
    });
    slot.child = child;
    return child;
  }
}

function defaultPoolSize(): number {
  const configured = Number(process.env.MEDIAPLANE_MODEL_PROCESSES);
  if (Number.isInteger(configured) && configured >= 1) return configured;
  return Math.max(1, Math.min(2, os.availableParallelism()));
}
