import { backoffMs, CallSpacer } from '../../lambdas/kvs-consumer/domain/backoff';
import { InvalidStreamConfigError, parseStreamConfig } from '../../lambdas/kvs-consumer/domain/config-validation';
import { compareFragmentNumbers, fragmentOrderKey } from '../../lambdas/kvs-consumer/domain/fragment-numbers';
import { parseConsumerInput } from '../../lambdas/kvs-consumer/domain/invocation';
import { archiveKey, clipKey, clipUuid } from '../../lambdas/kvs-consumer/domain/keys';
import { superviseStreams } from '../../lambdas/kvs-consumer/supervisor/supervisor';

describe('fragment numbers', () => {
  const a = '91343852333181432392682062607743920146264440790';
  const b = '91343852333181432392682062607743920146264440791';
  const shorter = '9134385233318143239268206260774392014626444079';

  it('compare as numbers beyond 2^53 and DynamoDB N, also across lengths', () => {
    expect(Number(a) === Number(b)).toBe(true); // what a double would get wrong
    expect(compareFragmentNumbers(a, b)).toBe(-1);
    expect(compareFragmentNumbers(b, a)).toBe(1);
    expect(compareFragmentNumbers(a, a)).toBe(0);
    expect(compareFragmentNumbers(shorter, a)).toBe(-1);
  });

  it('have an order key whose string order is their numeric order', () => {
    const keys = [b, shorter, a].map(fragmentOrderKey);
    expect([...keys].sort()).toEqual([shorter, a, b].map(fragmentOrderKey));
    expect(fragmentOrderKey(a)).toHaveLength(128);
    expect(() => fragmentOrderKey('12a')).toThrow();
  });
});

describe('keys', () => {
  it('derive archive keys from the stream, producer time and fragment number only', () => {
    expect(archiveKey('fragments/', 'cam', Date.UTC(2024, 0, 2, 3, 4, 5, 6), '123')).toBe(
      'fragments/cam/2024/01/02/03/1704164645006-123.mkv',
    );
    expect(clipKey('clips/', 'cam', 1704164645006, 1704164705006)).toBe(
      'clips/cam/2024/01/02/03/cam-1704164645006-1704164705006.mkv',
    );
  });

  it('give a clip the same UUID every time, different for another start', () => {
    expect(clipUuid('cam', 1)).toBe(clipUuid('cam', 1));
    expect(clipUuid('cam', 1)).not.toBe(clipUuid('cam', 2));
    expect(clipUuid('cam', 1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('stream configuration', () => {
  it('reads the short forms and defaults', () => {
    expect(parseStreamConfig({ streamName: 'cam' })).toEqual({
      streamName: 'cam',
      startSelector: { StartSelectorType: 'NOW' },
      clipSeconds: 0,
      clipTarget: { type: 'none' },
    });
    expect(
      parseStreamConfig({
        streamName: 'cam',
        startSelector: { StartSelectorType: 'PRODUCER_TIMESTAMP', StartTimestamp: 0 },
        clipSeconds: 30,
        clipTarget: { type: 'media-insights', workflowName: 'MieCompleteWorkflow' },
      }),
    ).toMatchObject({
      startSelector: { StartTimestamp: '1970-01-01T00:00:00.000Z' },
      clipTarget: { workflowName: 'MieCompleteWorkflow' },
    });
  });

  it.each([
    [{}, /streamName/],
    [{ streamName: 'a b' }, /streamName/],
    [{ streamName: 'cam', startSelector: 'LATEST' }, /StartSelectorType/],
    [{ streamName: 'cam', startSelector: { StartSelectorType: 'SERVER_TIMESTAMP' } }, /StartTimestamp/],
    [{ streamName: 'cam', clipSeconds: 601 }, /clipSeconds/],
    [{ streamName: 'cam', clipTarget: 'media2cloud' }, /clipSeconds greater than 0/],
    [{ streamName: 'cam', clipSeconds: 10, clipTarget: { type: 'media-insights' } }, /workflowName/],
  ])('refuses %j', (config, message) => {
    expect(() => parseStreamConfig(config)).toThrow(InvalidStreamConfigError);
    expect(() => parseStreamConfig(config)).toThrow(message);
  });

  it('takes the lease owner from the execution, or from the consumer id carried over', () => {
    expect(parseConsumerInput({ input: { config: { streamName: 'cam' } }, executionId: 'arn:exec:1' }).consumerId).toBe(
      'arn:exec:1',
    );
    expect(
      parseConsumerInput({ input: { config: { streamName: 'cam' }, consumerId: 'first' }, executionId: 'arn:exec:2' })
        .consumerId,
    ).toBe('first');
  });
});

describe('backoff', () => {
  it('waits a random time up to the capped exponential', () => {
    expect(backoffMs(0, 250, 5000, () => 1)).toBe(250);
    expect(backoffMs(3, 250, 5000, () => 1)).toBe(2000);
    expect(backoffMs(10, 250, 5000, () => 1)).toBe(5000);
    expect(backoffMs(10, 250, 5000, () => 0)).toBe(0);
  });

  it('spaces calls at least the interval apart', async () => {
    let now = 0;
    const slept: number[] = [];
    const spacer = new CallSpacer(
      200,
      () => now,
      async (ms) => {
        slept.push(ms);
        now += ms;
      },
    );
    await spacer.next();
    now += 50;
    await spacer.next();
    expect(slept).toEqual([150]);
  });
});

describe('supervisor', () => {
  it('starts a loop for each configured stream whose lease is free or expired, and leaves running ones alone', async () => {
    const leases: Record<string, { leaseOwner?: string; leaseExpiresAt?: number }> = {
      running: { leaseOwner: 'x', leaseExpiresAt: 2000 },
      expired: { leaseOwner: 'x', leaseExpiresAt: 500 },
    };
    const started: string[] = [];
    const result = await superviseStreams(
      ['running', 'expired', 'new'].map((streamName) => parseStreamConfig({ streamName })),
      {
        lease: async (name) => leases[name],
        startConsumer: async (config, name) => {
          started.push(name);
          return `arn:${config.streamName}`;
        },
      },
      1000,
    );
    expect(result.running).toEqual(['running']);
    expect(result.started.map((entry) => entry.streamName)).toEqual(['expired', 'new']);
    expect(started).toEqual(['expired-1000', 'new-1000']);
  });
});
