import { build } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { LocalFunction } from '../../lib/local/lambda/runtime';
import { captureLogs, type LogEntry } from '../support/logs';

/** A function that logs through the shared logging module, bundled as NodeFunction bundles (CommonJS, esbuild). */
const ENTRY = `
import { backendLogger, withLogContext } from './lambdas/shared/logging';

const logger = backendLogger('test-backend');

export const handler = withLogContext(logger, async (event: { item: number }) => {
  logger.info('Item handled', { item: event.item });
  return 'ok';
});
`;

describe('structured logs in a Lambda execution environment', () => {
  let codeDir: string;
  let fn: LocalFunction;

  beforeAll(async () => {
    codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-logging-'));
    await build({
      stdin: { contents: ENTRY, resolveDir: PROJECT_ROOT, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: path.join(codeDir, 'index.js'),
      logLevel: 'silent',
    });
    fn = new LocalFunction(
      {
        functionName: 'logging-fn',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:logging-fn',
        codeDir,
        handler: 'index.handler',
        environment: { POWERTOOLS_SERVICE_NAME: 'Backend/LoggingFunction' },
        timeoutSeconds: 10,
        memorySize: 256,
      },
      { AWS_REGION: 'us-east-1' },
    );
  });
  afterAll(async () => {
    await fn.close();
    fs.rmSync(codeDir, { recursive: true, force: true });
  });

  it('writes one JSON line per entry with the service, the request id and the cold start of each invocation', async () => {
    // Prepare
    const logs = captureLogs();

    // Act
    await fn.invoke({ item: 1 });
    await fn.invoke({ item: 2 });
    const entries = await linesOf(logs, 2);
    logs.restore();

    // Assess
    const common = {
      level: 'INFO',
      message: 'Item handled',
      service: 'Backend/LoggingFunction',
      function_name: 'logging-fn',
      function_arn: 'arn:aws:lambda:us-east-1:000000000000:function:logging-fn',
      function_request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    };
    expect(entries).toEqual([
      expect.objectContaining({ ...common, cold_start: true, item: 1 }),
      expect.objectContaining({ ...common, cold_start: false, item: 2 }),
    ]);
    expect(entries[0]!.function_request_id).not.toBe(entries[1]!.function_request_id);
  });
});

/** The function's output reaches this process through the worker's stdout stream, after its result: wait for it. */
async function linesOf(logs: ReturnType<typeof captureLogs>, count: number): Promise<LogEntry[]> {
  for (let waited = 0; logs.entries().length < count && waited < 5000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return logs.entries();
}
