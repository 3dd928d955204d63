import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { idleRetirementMs } from '../idle';

/** What local mode knows about one function, read from the synthesized template. */
export interface LocalFunctionSpec {
  readonly functionName: string;
  readonly functionArn: string;
  /** The unpacked asset directory (the esbuild bundle). */
  readonly codeDir: string;
  /** `file.export`, as in the template. */
  readonly handler: string;
  readonly environment: Readonly<Record<string, string>>;
  /** The unpacked asset directories of the function's layers, in the template's order. @default - none */
  readonly layers?: readonly string[];
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  /** `ReservedConcurrentExecutions`: at most this many invocations run at once, the rest wait. 0 throttles all. */
  readonly reservedConcurrentExecutions?: number;
}

/** A function error as Lambda reports it (`X-Amz-Function-Error: Unhandled`). */
export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: string[];
}

export class LambdaInvocationError extends Error {
  constructor(
    readonly payload: LambdaErrorPayload,
    readonly functionName: string,
  ) {
    super(payload.errorMessage);
    this.name = payload.errorType;
  }

  /** Step Functions puts the runtime's stack trace in a failed task's Cause, as the Lambda runtime reports it. */
  get trace(): string[] | undefined {
    return this.payload.trace;
  }
}

/** How Lambda refuses an invocation of a function whose reserved concurrency is 0. */
export const THROTTLED_ERROR_TYPE = 'Lambda.TooManyRequestsException';

interface PendingInvocation {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface ExecutionEnvironment {
  readonly worker: Worker;
  /** Its init (loading the bundle, running its top-level code) is over: it can take invocations. */
  ready: boolean;
  busy: boolean;
  /** When it last finished an invocation (ms since epoch). */
  idleSince: number;
  pending?: { id: number } & PendingInvocation;
}

/** The variables through which Lambda's Node.js runtime finds layer content in `/opt`, and the layer paths they list. */
const LAYER_PATHS: ReadonlyArray<readonly [variable: string, layerPaths: readonly string[]]> = [
  ['PATH', ['bin']],
  ['LD_LIBRARY_PATH', ['lib']],
  ['NODE_PATH', ['nodejs/node22/node_modules', 'nodejs/node_modules']],
];

/**
 * Lambda extracts a function's layers into `/opt`, a later layer's files over an earlier one's, and lists `/opt/bin`
 * in `PATH`, `/opt/lib` in `LD_LIBRARY_PATH` and `/opt/nodejs/node_modules` in `NODE_PATH`. Locally each layer stays
 * in its asset directory, and those variables list the same paths inside each layer instead, a later layer's first.
 * They come before the host's entries: a host may have its own build of a tool in `/usr/bin`, where Lambda has none.
 */
export function layerEnvironment(
  layers: readonly string[],
  environment: Readonly<Record<string, string>>,
): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [variable, layerPaths] of LAYER_PATHS) {
    const directories = [...layers]
      .reverse()
      .flatMap((layer) => layerPaths.map((layerPath) => path.join(layer, layerPath)))
      .filter((directory) => fs.existsSync(directory));
    const inherited = environment[variable];
    if (directories.length > 0)
      variables[variable] = [...directories, ...(inherited ? [inherited] : [])].join(path.delimiter);
  }
  return variables;
}

const WORKER_SCRIPT = path.join(__dirname, 'worker.js');

/** Lambda's limit on a function's init phase (on-demand). */
const INIT_TIMEOUT_MS = 10_000;

/**
 * How many of a function's environments may be in their init at once: one per core but the one the API's main thread
 * needs. On a burst every init shares the cores with the others; fewer at a time make the first ready sooner, and it
 * serves the waiting invocations while the next ones start.
 */
const MAX_CONCURRENT_INITS = Math.max(1, os.availableParallelism() - 1);

/**
 * Runs one function's bundle in worker threads, each with exactly the function's environment (its own
 * `process.env` and module state), one invocation per worker at a time, like Lambda execution environments.
 * Workers are kept warm and reused; a timed-out worker is discarded, as Lambda discards a timed-out sandbox, and a
 * worker idle for `idleTimeoutMs` is retired, as Lambda retires idle execution environments.
 */
/** What Lambda reports to CloudWatch about one invocation (its `AWS/Lambda` metrics). */
export interface InvocationReport {
  /** Refused for lack of concurrency: counted in `Throttles`, not in `Invocations`. */
  readonly throttled: boolean;
  /** The function failed (its error, a timeout or a crash): counted in `Errors`. */
  readonly failed: boolean;
  readonly durationMs: number;
}

export class LocalFunction {
  private readonly environments: ExecutionEnvironment[] = [];
  /** Invocations waiting for an environment, oldest first: each gets the first one free, or the error that ends its wait. */
  private readonly waiting: Array<(outcome: ExecutionEnvironment | Error) => void> = [];
  private nextId = 1;
  private closed = false;
  private retirement?: NodeJS.Timeout;

  private readonly maxConcurrency: number;
  private readonly onInvoked?: (report: InvocationReport) => void;
  private readonly onLogLine?: (line: string) => void;
  private readonly idleTimeoutMs: number;

  constructor(
    readonly spec: LocalFunctionSpec,
    private readonly baseEnvironment: Readonly<Record<string, string>>,
    options: {
      readonly idleTimeoutMs?: number;
      readonly onInvoked?: (report: InvocationReport) => void;
      /** Every line the function logs, as CloudWatch Logs receives it. */
      readonly onLogLine?: (line: string) => void;
    } = {},
  ) {
    this.onInvoked = options.onInvoked;
    this.onLogLine = options.onLogLine;
    // Without a reservation Lambda scales to the account's limit; a few warm workers are plenty on one machine.
    this.maxConcurrency = spec.reservedConcurrentExecutions ?? 8;
    this.idleTimeoutMs = options.idleTimeoutMs ?? idleRetirementMs();
  }

  /** How many execution environments (workers) are up, busy or idle. */
  get warmEnvironments(): number {
    return this.environments.length;
  }

  async invoke(event: unknown): Promise<unknown> {
    const started = Date.now();
    try {
      const result = await this.run(event);
      this.onInvoked?.({ throttled: false, failed: false, durationMs: Date.now() - started });
      return result;
    } catch (error) {
      const throttled = error instanceof LambdaInvocationError && error.name === THROTTLED_ERROR_TYPE;
      this.onInvoked?.({ throttled, failed: !throttled, durationMs: Date.now() - started });
      throw error;
    }
  }

  private async run(event: unknown): Promise<unknown> {
    if (this.closed) throw new Error(`Function ${this.spec.functionName} is shut down`);
    if (this.maxConcurrency === 0) {
      throw new LambdaInvocationError(
        { errorType: THROTTLED_ERROR_TYPE, errorMessage: 'Rate Exceeded.' },
        this.spec.functionName,
      );
    }
    const environment = await this.acquire();
    const id = this.nextId++;
    const requestId = randomUUID();
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    try {
      return await new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => {
          environment.pending = undefined;
          void this.discard(environment);
          reject(timedOut(this.spec));
        }, timeoutMs);
        environment.pending = { id, resolve, reject, timer };
        environment.worker.postMessage({ id, event, requestId, deadline: Date.now() + timeoutMs });
      });
    } finally {
      this.release(environment);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retirement);
    // An invocation that waited for a worker must not start one on a closed function.
    const shutDown = new Error(`Function ${this.spec.functionName} is shut down`);
    this.waiting.splice(0).forEach((wake) => wake(shutDown));
    await Promise.all([...this.environments].map((environment) => this.discard(environment)));
  }

  /**
   * An idle environment, or the first one to become free: an environment started for this invocation once its init is
   * over, or a warm one finishing another invocation before that, whichever comes first (the new one still joins the
   * function's environments). Lambda routes a request to the environment it starts for it; taking the first one free
   * instead costs no invocation anything but its wait, and spares the first requests after a start most of it.
   */
  private async acquire(): Promise<ExecutionEnvironment> {
    const idle = this.environments.find((environment) => environment.ready && !environment.busy);
    if (idle) {
      idle.busy = true;
      return idle;
    }
    const outcome = await new Promise<ExecutionEnvironment | Error>((resolve) => {
      this.waiting.push(resolve);
      this.scale();
    });
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /**
   * Starts an environment for each waiting invocation that no starting one will serve, up to the function's
   * concurrency, and no more than `MAX_CONCURRENT_INITS` at a time: inits running side by side share the machine's
   * cores, and each would finish as late as the last.
   */
  private scale(): void {
    for (;;) {
      const starting = this.environments.filter((environment) => !environment.ready).length;
      if (
        this.closed ||
        this.waiting.length <= starting ||
        this.environments.length >= this.maxConcurrency ||
        starting >= MAX_CONCURRENT_INITS
      ) {
        return;
      }
      this.spawn();
    }
  }

  /** Hands a free environment to the oldest waiting invocation, or lets it idle. */
  private release(environment: ExecutionEnvironment): void {
    // Discarded (timed out, crashed): a waiting invocation may need another one started.
    if (!this.environments.includes(environment)) {
      this.scale();
      return;
    }
    const next = this.waiting.shift();
    if (next) {
      environment.busy = true;
      next(environment);
      return;
    }
    environment.busy = false;
    environment.idleSince = Date.now();
    this.scheduleRetirement();
  }

  /** Retires the workers that have been idle for `idleTimeoutMs`, checking again while any is left idle. */
  private scheduleRetirement(): void {
    if (this.retirement || this.closed) return;
    this.retirement = setTimeout(() => {
      this.retirement = undefined;
      const now = Date.now();
      for (const environment of [...this.environments]) {
        if (environment.ready && !environment.busy && now - environment.idleSince >= this.idleTimeoutMs) {
          void this.discard(environment);
        }
      }
      if (this.environments.some((environment) => environment.ready && !environment.busy)) this.scheduleRetirement();
    }, this.idleTimeoutMs);
    // Warm workers waiting to retire never keep the process alive.
    this.retirement.unref();
  }

  private spawn(): ExecutionEnvironment {
    const { spec } = this;
    const worker = new Worker(WORKER_SCRIPT, {
      // Lambda tells code how its environment started; Powertools counts cold starts only in on-demand ones.
      env: {
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        ...this.baseEnvironment,
        ...layerEnvironment(spec.layers ?? [], this.baseEnvironment),
        ...spec.environment,
      },
      workerData: {
        codeDir: spec.codeDir,
        handler: spec.handler,
        functionName: spec.functionName,
        functionArn: spec.functionArn,
        memorySize: spec.memorySize,
      },
      resourceLimits: { maxOldGenerationSizeMb: Math.max(128, spec.memorySize) },
      // Bundles are plain JavaScript: a worker needs none of the parent's loaders (tsx's hooks double its start-up).
      execArgv: ['--enable-source-maps'],
      // A function's log is diagnostics, as in CloudWatch: it goes to stderr, leaving stdout to the program.
      stdout: true,
    });
    // Written chunk by chunk: piping every worker into stderr would pile listeners onto that one stream.
    let partialLine = '';
    worker.stdout.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      if (!this.onLogLine) return;
      const lines = (partialLine + chunk.toString('utf8')).split('\n');
      partialLine = lines.pop() ?? '';
      lines.forEach(this.onLogLine);
    });
    const environment: ExecutionEnvironment = { worker, ready: false, busy: false, idleSince: Date.now() };
    // Lambda gives init 10 seconds, then tries it again within the invocation's timeout: past both, the environment
    // is discarded and the invocation that waited longest for one times out, as it would have waiting for that init.
    const initTimer = setTimeout(
      () => {
        void this.discard(environment);
        this.waiting.shift()?.(timedOut(spec));
      },
      INIT_TIMEOUT_MS + spec.timeoutSeconds * 1000,
    );
    worker.on('message', (message: { id: number; ready?: true; result?: unknown; error?: LambdaErrorPayload }) => {
      if (message.ready) {
        clearTimeout(initTimer);
        environment.ready = true;
        this.release(environment);
        this.scale();
        return;
      }
      const pending = environment.pending;
      if (!pending || pending.id !== message.id) return;
      environment.pending = undefined;
      clearTimeout(pending.timer);
      if (message.error) pending.reject(new LambdaInvocationError(message.error, spec.functionName));
      else pending.resolve(message.result);
    });
    const crash = (error: Error) => {
      clearTimeout(initTimer);
      // Not when discarded on purpose (closed, timed out, retired): that has answered whom it concerned.
      const live = this.environments.includes(environment);
      const pending = environment.pending;
      environment.pending = undefined;
      this.forget(environment);
      const exitError = () =>
        new LambdaInvocationError({ errorType: 'Runtime.ExitError', errorMessage: error.message }, spec.functionName);
      // Dead in its init: the invocation that waited longest fails, as the one it was started for would in Lambda
      // (and a bundle that always dies there is not started again and again for nobody).
      if (live && !environment.ready) this.waiting.shift()?.(exitError());
      // A waiting invocation may have counted on this environment.
      this.scale();
      if (pending) {
        clearTimeout(pending.timer);
        pending.reject(exitError());
      }
    };
    worker.on('error', crash);
    worker.on('exit', (code) => crash(new Error(`RequestId: exited with code ${code}`)));
    this.environments.push(environment);
    return environment;
  }

  private forget(environment: ExecutionEnvironment): void {
    const index = this.environments.indexOf(environment);
    if (index >= 0) this.environments.splice(index, 1);
  }

  private async discard(environment: ExecutionEnvironment): Promise<void> {
    this.forget(environment);
    await environment.worker.terminate();
  }
}

function timedOut(spec: LocalFunctionSpec): LambdaInvocationError {
  return new LambdaInvocationError(
    { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${spec.timeoutSeconds}.00 seconds` },
    spec.functionName,
  );
}
