import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  LambdaInvocationError,
  LocalFunction,
  THROTTLED_ERROR_TYPE,
  type LocalFunctionSpec,
} from '../../lib/local/lambda/runtime';

const BUNDLE = `
let invocations = 0;
exports.handler = async (event, context) => {
  invocations += 1;
  if (event.action === 'env') return { secret: process.env.SECRET ?? null, region: process.env.AWS_REGION, invocations };
  if (event.action === 'throw') { const e = new Error('boom'); e.name = 'MasExecutionError'; throw e; }
  if (event.action === 'sleep') { await new Promise((r) => setTimeout(r, event.ms)); return { slept: event.ms }; }
  if (event.action === 'window') { const start = Date.now(); await new Promise((r) => setTimeout(r, event.ms)); return { start, end: Date.now() }; }
  if (event.action === 'context') return { name: context.functionName, arn: context.invokedFunctionArn, remaining: context.getRemainingTimeInMillis() };
  if (event.action === 'crash') process.exit(3);
  return event;
};
`;

describe('local Lambda runtime', () => {
  let codeDir: string;
  const functions: LocalFunction[] = [];

  beforeAll(() => {
    codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-fn-'));
    fs.writeFileSync(path.join(codeDir, 'index.js'), BUNDLE);
  });
  afterAll(async () => {
    await Promise.all(functions.map((fn) => fn.close()));
    fs.rmSync(codeDir, { recursive: true, force: true });
  });

  function create(
    name: string,
    environment: Record<string, string>,
    overrides: Partial<LocalFunctionSpec> = {},
    options: { idleTimeoutMs?: number } = {},
  ) {
    const fn = new LocalFunction(
      {
        functionName: name,
        functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
        codeDir,
        handler: 'index.handler',
        environment,
        timeoutSeconds: 5,
        memorySize: 256,
        ...overrides,
      },
      { AWS_REGION: 'us-east-1' },
      options,
    );
    functions.push(fn);
    return fn;
  }

  it('gives each function exactly its own environment, never the host process.env', async () => {
    process.env.SECRET = 'host-value';
    const first = create('first', { SECRET: 'one' });
    const second = create('second', {});

    const [a, b] = await Promise.all([first.invoke({ action: 'env' }), second.invoke({ action: 'env' })]);
    delete process.env.SECRET;

    expect(a).toMatchObject({ secret: 'one', region: 'us-east-1' });
    expect(b).toMatchObject({ secret: null, region: 'us-east-1' });
  });

  it('keeps module state warm between invocations of the same execution environment', async () => {
    const fn = create('warm', {});

    await fn.invoke({ action: 'env' });
    const second = (await fn.invoke({ action: 'env' })) as { invocations: number };

    expect(second.invocations).toBe(2);
  });

  it('passes a Lambda context with the function name, ARN and remaining time', async () => {
    const fn = create('ctx', {});

    const result = (await fn.invoke({ action: 'context' })) as { name: string; arn: string; remaining: number };

    expect(result.name).toBe('ctx');
    expect(result.arn).toBe('arn:aws:lambda:us-east-1:000000000000:function:ctx');
    expect(result.remaining).toBeGreaterThan(4000);
  });

  it('reports a thrown error with its name as the errorType, as Lambda does', async () => {
    const fn = create('thrower', {});

    const error = await fn.invoke({ action: 'throw' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect((error as LambdaInvocationError).payload).toMatchObject({
      errorType: 'MasExecutionError',
      errorMessage: 'boom',
    });
  });

  it('stops an invocation at the function timeout and serves the next one from a fresh environment', async () => {
    const fn = create('slow', {}, { timeoutSeconds: 1 });

    const error = await fn.invoke({ action: 'sleep', ms: 3000 }).catch((e: unknown) => e);
    const next = await fn.invoke({ action: 'env' });

    expect((error as LambdaInvocationError).payload.errorType).toBe('Sandbox.Timedout');
    expect(next).toMatchObject({ invocations: 1 });
  });

  it('runs concurrent invocations in parallel environments', async () => {
    const fn = create('parallel', {});
    const started = Date.now();

    await Promise.all([1, 2, 3].map(() => fn.invoke({ action: 'sleep', ms: 400 })));

    expect(Date.now() - started).toBeLessThan(1150);
  });

  it('runs invocations one at a time when ReservedConcurrentExecutions is 1', async () => {
    const fn = create('reserved', {}, { reservedConcurrentExecutions: 1 });

    const windows = (await Promise.all([1, 2].map(() => fn.invoke({ action: 'window', ms: 150 })))) as Array<{
      start: number;
      end: number;
    }>;

    const [first, second] = [...windows].sort((a, b) => a.start - b.start);
    expect(second!.start).toBeGreaterThanOrEqual(first!.end);
  });

  it('throttles every invocation when ReservedConcurrentExecutions is 0, as Lambda does', async () => {
    const fn = create('disabled', {}, { reservedConcurrentExecutions: 0 });

    const error = await fn.invoke({}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect((error as LambdaInvocationError).name).toBe(THROTTLED_ERROR_TYPE);
  });

  it('reports a crashed environment as a Runtime.ExitError and recovers', async () => {
    const fn = create('crasher', {});

    const error = await fn.invoke({ action: 'crash' }).catch((e: unknown) => e);
    const next = await fn.invoke({ ok: true });

    expect((error as LambdaInvocationError).payload.errorType).toBe('Runtime.ExitError');
    expect(next).toEqual({ ok: true });
  });

  it('reports an environment that exits during its init as a Runtime.ExitError', async () => {
    // Prepare
    fs.writeFileSync(path.join(codeDir, 'exits.js'), 'process.exit(4);');
    const fn = create('exits-at-init', {}, { handler: 'exits.handler' });

    // Act
    const error = await fn.invoke({}).catch((e: unknown) => e);

    // Assess
    expect((error as LambdaInvocationError).payload.errorType).toBe('Runtime.ExitError');
    expect(fn.warmEnvironments).toBe(0);
  });

  it('reports a missing handler export as Runtime.HandlerNotFound', async () => {
    const fn = create('missing', {}, { handler: 'index.nothing' });

    const error = await fn.invoke({}).catch((e: unknown) => e);

    expect((error as LambdaInvocationError).payload.errorType).toBe('Runtime.HandlerNotFound');
  });

  it('retires a worker idle for the idle timeout, and starts a fresh one for the next invocation', async () => {
    // Prepare
    const fn = create('retiring', {}, {}, { idleTimeoutMs: 200 });
    await fn.invoke({ action: 'env' });
    const warm = fn.warmEnvironments;

    // Act
    await new Promise((resolve) => setTimeout(resolve, 700));
    const afterIdle = fn.warmEnvironments;
    const next = (await fn.invoke({ action: 'env' })) as { invocations: number };

    // Assess
    expect(warm).toBe(1);
    expect(afterIdle).toBe(0);
    expect(next.invocations).toBe(1);
  });

  it('fails an invocation waiting for a worker when the function is closed, rather than starting one', async () => {
    // Prepare
    const fn = create('closing', {}, { reservedConcurrentExecutions: 1 });
    // Its one worker warm: the first invocation below runs at once (an invocation waiting for an init is waiting too).
    await fn.invoke({ action: 'env' });
    const running = fn.invoke({ action: 'sleep', ms: 300 }).catch((error: unknown) => error);
    const waiting = fn.invoke({ action: 'env' }).catch((error: unknown) => error);

    // Act
    await new Promise((resolve) => setTimeout(resolve, 50));
    await fn.close();

    // Assess
    expect(await waiting).toEqual(new Error('Function closing is shut down'));
    expect(await running).toBeInstanceOf(LambdaInvocationError);
    expect(fn.warmEnvironments).toBe(0);
  });

  it("lays out the function's layers as Lambda does under /opt: bin/ on PATH, lib/ and nodejs/node_modules", async () => {
    // Prepare: two layers with a program of the same name, the later one's wins, as its files do in /opt.
    const layers = ['first', 'second'].map((name) => path.join(codeDir, 'layers', name));
    for (const layer of layers) {
      fs.mkdirSync(path.join(layer, 'bin'), { recursive: true });
      fs.writeFileSync(path.join(layer, 'bin', 'layer-tool'), `#!/bin/sh\necho ${path.basename(layer)}\n`, {
        mode: 0o755,
      });
    }
    fs.mkdirSync(path.join(layers[0]!, 'lib'));
    fs.mkdirSync(path.join(layers[0]!, 'nodejs', 'node_modules', 'layer-module'), { recursive: true });
    fs.writeFileSync(
      path.join(layers[0]!, 'nodejs', 'node_modules', 'layer-module', 'index.js'),
      'module.exports = 1;',
    );
    fs.writeFileSync(
      path.join(codeDir, 'layers.js'),
      `exports.handler = async () => {
        const attempt = (f) => { try { return f(); } catch { return null; } };
        return {
          tool: attempt(() => require('child_process').execFileSync('layer-tool', { encoding: 'utf8' }).trim()),
          module: attempt(() => require('layer-module')),
          libraries: process.env.LD_LIBRARY_PATH ?? null,
        };
      };\n`,
    );

    // Act
    const layered = await create('layered', {}, { handler: 'layers.handler', layers }).invoke({});
    const plain = await create('plain', {}, { handler: 'layers.handler' }).invoke({});

    // Assess
    expect(layered).toEqual({ tool: 'second', module: 1, libraries: path.join(layers[0]!, 'lib') });
    expect(plain).toEqual({ tool: null, module: null, libraries: null });
  });

  it('starts workers without the parent process loader flags', async () => {
    // Prepare
    fs.writeFileSync(path.join(codeDir, 'argv.js'), 'exports.handler = async () => process.execArgv;\n');
    const fn = create('argv', {}, { handler: 'argv.handler' });

    // Act
    const execArgv = await fn.invoke({});

    // Assess
    expect(execArgv).toEqual(['--enable-source-maps']);
  });
});
