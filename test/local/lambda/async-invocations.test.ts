import { AsyncInvocations, type AsyncInvokeConfig } from '../../../lib/local/lambda/async-invocations';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Removal';

/** A function that fails its first `failures` invocations, and the destination and log it reports to. */
function setup(failures: number, config: AsyncInvokeConfig) {
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
  });
  return { invocations, calls, sent, log };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('asynchronous invocations', () => {
  it('retries a failed event as often as the config says and sends nothing once an attempt succeeds', async () => {
    const { invocations, calls, sent } = setup(2, { maximumRetryAttempts: 2, onFailure: 'arn:aws:sqs:q' });

    invocations.queue(FUNCTION_ARN, { uuid: 'u1' });
    await settle();

    expect(calls).toHaveLength(3);
    expect(sent).toEqual([]);
  });

  it('sends the invocation record after the last attempt failed, counting every attempt', async () => {
    const { invocations, calls, sent } = setup(10, { maximumRetryAttempts: 2, onFailure: 'arn:aws:sqs:q' });

    invocations.queue(FUNCTION_ARN, { uuid: 'u1' });
    await settle();

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
    await settle();

    expect(sent).toEqual([]);
    expect(log.at(-1)).toMatch(/failed 1 times and is dropped/);
  });

  it('drops pending retries when stopped', async () => {
    const { invocations, calls } = setup(10, { maximumRetryAttempts: 2, onFailure: 'arn:aws:sqs:q' });

    invocations.queue(FUNCTION_ARN, {});
    await new Promise((resolve) => setTimeout(resolve, 1));
    invocations.stop();
    await settle();

    expect(calls).toHaveLength(1);
  });
});
