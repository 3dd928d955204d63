import { JobTimeout, pollUntilFinished, withRetries } from '../../../lambdas/shared/ai/jobs';

describe('withRetries', () => {
  it('backs off exponentially with full jitter, up to the ceiling, then gives up', async () => {
    // Prepare
    const waits: number[] = [];
    const throttle = () => Promise.reject(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }));

    // Act
    const attempt = withRetries(
      throttle,
      { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 300 },
      async (ms) => {
        waits.push(ms);
      },
      () => 1,
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    expect(waits).toEqual([100, 200, 300, 300]);
  });

  it('does not retry a client mistake', async () => {
    let calls = 0;
    const mistake = () => {
      calls += 1;
      return Promise.reject(Object.assign(new Error('bad'), { name: 'BadRequestException' }));
    };

    await expect(withRetries(mistake, undefined, async () => {})).rejects.toMatchObject({
      name: 'BadRequestException',
    });
    expect(calls).toBe(1);
  });
});

describe('pollUntilFinished', () => {
  it('waits longer between polls, up to the longest wait, and answers the finished state', async () => {
    const states = ['IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'DONE'];
    const waits: number[] = [];

    const state = await pollUntilFinished(
      'job-1',
      async () => states.shift()!,
      (value) => value === 'DONE',
      { pollMs: 10, maxPollMs: 30 },
      async (ms) => {
        waits.push(ms);
      },
    );

    expect(state).toBe('DONE');
    expect(waits).toEqual([10, 20, 30, 30]);
  });

  it('throws JobTimeout when the job outlasts the timeout', async () => {
    await expect(
      pollUntilFinished(
        'job-2',
        async () => 'IN_PROGRESS',
        () => false,
        { pollMs: 50, timeoutMs: 10 },
        async () => {},
      ),
    ).rejects.toBeInstanceOf(JobTimeout);
  });
});
