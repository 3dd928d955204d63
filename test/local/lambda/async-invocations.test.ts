import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AsyncInvocations, type AsyncInvokeConfig } from '../../../lib/local/lambda/async-invocations';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Removal';

/** A function that fails its first `failures` invocations, and the destination and log it reports to. */
function setup(failures: number, config: AsyncInvokeConfig, journal?: string) {
  const calls: unknown[] = [];
  const sent: Array<{ destination: string; record: Record<string, any> }> = [];
  const log: string[] = [];
  const invocations = new AsyncInvocations({
    invoke: async (_arn, event) => {
      calls.push(event);
      if (calls.length <= failures) throw new Error(`attempt ${calls.length} failed`);
      return 'ok';
    },
    config: () => config,
    sendToDestination: (destination, record) => sent.push({ destination, record: JSON.parse(record) }),
    log: (line) => log.push(line),
    retryDelaysMs: [5, 10],
    journal,
  });
  return { invocations, calls, sent, log };
}

/** Waits until no attempt runs and no retry waits, however slow the machine is. */
async function settled(invocations: AsyncInvocations): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (invocations.pending > 0) {
    if (Date.now() > deadline) throw new Error(`still ${invocations.pending} pending`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('asynchronous invocations', () => {
  it('retries a failed event as often as the config says and sends nothing once an attempt succeeds', async () => {
    const { invocations, calls, sent } = setup(2, { maximumRetryAttempts: 2, onFailure: 'arn:aws:sqs:q' });

    invocations.queue(FUNCTION_ARN, { uuid: 'u1' });
    await settled(invocations);

    expect(calls).toHaveLength(3);
    expect(sent).toEqual([]);
  });

  it('sends the invocation record after the last attempt failed, counting every attempt', async () => {
    const { invocations, calls, sent } = setup(10, { maximumRetryAttempts: 2, onFailure: 'arn:aws:sqs:q' });

    invocations.queue(FUNCTION_ARN, { uuid: 'u1' });
    await settled(invocations);

    expect(calls).toHaveLength(3);
    expect(sent).toEqual([
      {
        destination: 'arn:aws:sqs:q',
        record: expect.objectContaining({
          requestContext: expect.objectContaining({ condition: 'RetriesExhausted', approximateInvokeCount: 3 }),
          requestPayload: { uuid: 'u1' },
          responsePayload: { errorType: 'Error', errorMessage: 'attempt 3 failed' },
        }),
      },
    ]);
  });

  it('logs and drops the event of a function without a destination, as Lambda drops it', async () => {
    const { invocations, sent, log } = setup(10, { maximumRetryAttempts: 0 });

    invocations.queue(FUNCTION_ARN, {});
    await settled(invocations);

    expect(sent).toEqual([]);
    expect(log.at(-1)).toMatch(/failed 1 times and is dropped/);
  });

  it('keeps what is pending at a stop in its journal and resumes it, retry count and all, after a restart', async () => {
    // Prepare
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-async-journal-'));
    const journal = path.join(directory, 'async-invocations.json');
    const config = { maximumRetryAttempts: 2, onFailure: 'arn:aws:sqs:q' };
    const before = setup(10, config, journal);
    before.invocations.queue(FUNCTION_ARN, { uuid: 'u1' });
    // Stopped while the first retry waits for its time.
    while (before.log.length === 0) await new Promise((resolve) => setImmediate(resolve));
    before.invocations.stop();
    await settled(before.invocations);
    const after = setup(10, config, journal);

    // Act
    const resumed = after.invocations.resume(() => true);
    await settled(after.invocations);

    // Assess
    expect(before.calls).toHaveLength(1);
    expect(resumed).toBe(1);
    expect(after.calls).toHaveLength(2);
    expect(after.sent[0]?.record.requestContext.approximateInvokeCount).toBe(3);
    expect(JSON.parse(fs.readFileSync(journal, 'utf8'))).toEqual([]);
    fs.rmSync(directory, { recursive: true, force: true });
  });
});
