import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { runnable } from '../entry-points';
import { idleRetirementMs } from '../idle';
import { AwsError } from '../protocol/wire';
import { DOCUMENT_MESSAGES } from './documents';
import type { ReaderRequest, ReaderResponse, ReadResult } from './reader-process';

const READER_SCRIPT = path.join(__dirname, 'reader-process.ts');

interface Waiting {
  readonly request: ReaderRequest;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Reads documents in a process of their own (decoding, PDF rendering and OCR off the request path, and a decoder
 * crash contained). One document is read at a time — one page keeps a core busy — and a caller's synchronous request
 * goes before the pages of an asynchronous job. A process that dies fails the document it was reading, and the next
 * document starts a new one.
 */
export class DocumentReader {
  private child: ChildProcess | undefined;
  private running: Waiting | undefined;
  private readonly interactive: Waiting[] = [];
  private readonly batch: Waiting[] = [];
  private nextId = 1;
  private closed = false;
  /** Retires the idle process (pdf.js and Tesseract hold hundreds of MB). */
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: { readonly ocr?: string; readonly idleTimeoutMs?: number } = {}) {}

  /** Which OCR engine reads (`tesseract-cli` or `tesseract.js`). */
  engine(): Promise<string> {
    return this.enqueue({ id: this.nextId++, method: 'engine' }, 'interactive') as Promise<string>;
  }

  read(document: Uint8Array, maxPages: number, priority: 'interactive' | 'batch'): Promise<ReadResult> {
    return this.enqueue(
      { id: this.nextId++, method: 'read', document, options: { maxPages } },
      priority,
    ) as Promise<ReadResult>;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const stopped = new Error('The document reader is stopped');
    for (const waiting of [...this.interactive.splice(0), ...this.batch.splice(0)]) waiting.reject(stopped);
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      });
    }
  }

  private enqueue(request: ReaderRequest, priority: 'interactive' | 'batch'): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('The document reader is stopped'));
    return new Promise((resolve, reject) => {
      (priority === 'interactive' ? this.interactive : this.batch).push({ request, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const next = this.interactive.shift() ?? this.batch.shift();
    clearTimeout(this.idleTimer);
    if (!next) {
      const child = this.child;
      if (!child) return;
      this.idleTimer = setTimeout(() => {
        if (this.child === child && !this.running) child.kill();
      }, this.options.idleTimeoutMs ?? idleRetirementMs());
      this.idleTimer.unref();
      return;
    }
    this.running = next;
    this.process().send(next.request);
  }

  private settle(id: number, settle: (waiting: Waiting) => void): void {
    const waiting = this.running;
    if (!waiting || waiting.request.id !== id) return;
    this.running = undefined;
    settle(waiting);
    this.pump();
  }

  private process(): ChildProcess {
    if (this.child && this.child.connected) return this.child;
    const script = runnable(READER_SCRIPT);
    const child = fork(script.file, [], {
      execArgv: [...script.execArgv],
      // Documents cross the channel as bytes, not as JSON arrays of numbers.
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, ...(this.options.ocr ? { MEDIAPLANE_OCR: this.options.ocr } : {}) },
    });
    let diagnostics = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      diagnostics = (diagnostics + chunk.toString('utf8')).slice(-2000);
    });
    child.on('message', (response: ReaderResponse) => {
      this.settle(response.id, (waiting) => {
        if ('result' in response) waiting.resolve(response.result);
        else if (response.error.code) waiting.reject(new AwsError(response.error.code, response.error.message));
        else waiting.reject(new Error(`The document reader failed: ${response.error.message}`));
      });
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      const running = this.running;
      if (!running) return;
      this.settle(running.request.id, (waiting) => {
        // Only a document's bytes reach native decoders: a crash while reading one is that document's doing.
        if (signal === 'SIGSEGV' || signal === 'SIGABRT' || signal === 'SIGBUS') {
          waiting.reject(new AwsError('UnsupportedDocumentException', DOCUMENT_MESSAGES.unsupported));
        } else {
          waiting.reject(new Error(`The document reader stopped (${signal ?? `exit ${code}`}): ${diagnostics.trim()}`));
        }
      });
    });
    this.child = child;
    return child;
  }
}
