import { LocalEventBus, type EventBridgeEvent } from '../../../lib/local/events/bus';
import { parseScheduleExpression } from '../../../lib/local/events/schedule';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Recorder';
const RULE_ARN = 'arn:aws:events:us-east-1:000000000000:rule/Every';

function statusEvent(status: string): EventBridgeEvent {
  return {
    version: '0',
    id: `event-${status}`,
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: '000000000000',
    time: '2024-05-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { status },
  };
}

function createBus() {
  const deliveries: Array<{ arn: string; payload: unknown }> = [];
  const logs: string[] = [];
  const bus = new LocalEventBus({
    region: 'us-east-1',
    accountId: '000000000000',
    log: (message) => logs.push(message),
    deliver: async (arn, payload) => {
      deliveries.push({ arn, payload });
      if ((payload as { fail?: boolean }).fail) throw new Error('target exploded');
    },
  });
  return { bus, deliveries, logs };
}

describe('local event bus', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it("delivers an event to every target of each rule whose pattern matches, and to no other rule's", () => {
    const { bus, deliveries } = createBus();
    bus.addRule({
      name: 'OnSucceeded',
      arn: RULE_ARN,
      eventPattern: { source: ['aws.states'], detail: { status: ['SUCCEEDED'] } },
      targets: [{ id: 'Target0', arn: FUNCTION_ARN }],
    });
    bus.addRule({
      name: 'OnFailed',
      arn: RULE_ARN,
      eventPattern: { detail: { status: ['FAILED'] } },
      targets: [{ id: 'Target0', arn: 'arn:aws:lambda:us-east-1:000000000000:function:Other' }],
    });
    bus.start();

    bus.put(statusEvent('SUCCEEDED'));

    expect(deliveries).toEqual([{ arn: FUNCTION_ARN, payload: statusEvent('SUCCEEDED') }]);
  });

  it('holds events put before start and delivers them once the rules are known', () => {
    const { bus, deliveries } = createBus();
    bus.put(statusEvent('SUCCEEDED'));
    bus.addRule({
      name: 'OnAny',
      arn: RULE_ARN,
      eventPattern: { source: ['aws.states'] },
      targets: [{ id: 'Target0', arn: FUNCTION_ARN }],
    });
    const beforeStart = deliveries.length;

    bus.start();

    expect(beforeStart).toBe(0);
    expect(deliveries).toHaveLength(1);
  });

  it('logs a failing target without throwing to the producer', async () => {
    const { bus, logs } = createBus();
    bus.addRule({
      name: 'OnAny',
      arn: RULE_ARN,
      eventPattern: { source: ['aws.states'] },
      targets: [{ id: 'Target0', arn: FUNCTION_ARN, input: '{"fail":true}' }],
    });
    bus.start();

    bus.put(statusEvent('FAILED'));
    await new Promise((resolve) => setImmediate(resolve));

    expect(logs).toEqual([`rule OnAny target Target0 (${FUNCTION_ARN}) failed: Error: target exploded`]);
  });

  it('fires a rate rule every period with a Scheduled Event, and not before', () => {
    jest.useFakeTimers({ now: Date.parse('2024-05-01T10:00:00.000Z') });
    const { bus, deliveries } = createBus();
    bus.addRule({
      name: 'Every',
      arn: RULE_ARN,
      schedule: parseScheduleExpression('rate(1 minute)'),
      targets: [{ id: 'Target0', arn: FUNCTION_ARN }],
    });
    bus.start();

    jest.advanceTimersByTime(59_999);
    const beforePeriod = deliveries.length;
    jest.advanceTimersByTime(1 + 60_000);

    expect(beforePeriod).toBe(0);
    expect(deliveries.map(({ payload }) => payload)).toEqual([
      expect.objectContaining({
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        time: '2024-05-01T10:01:00Z',
        resources: [RULE_ARN],
        detail: {},
      }),
      expect.objectContaining({ time: '2024-05-01T10:02:00Z' }),
    ]);
  });

  it("fires a cron schedule with its Input, Scheduler's context attributes filled in", () => {
    jest.useFakeTimers({ now: Date.parse('2024-05-01T10:07:00.000Z') });
    const { bus, deliveries } = createBus();
    bus.addSchedule({
      name: 'Quarterly',
      arn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/Quarterly',
      schedule: parseScheduleExpression('cron(0/15 * * * ? *)'),
      target: { arn: FUNCTION_ARN, input: '{"at":"<aws.scheduler.scheduled-time>"}' },
    });
    bus.start();

    jest.advanceTimersByTime(8 * 60_000);

    expect(deliveries).toEqual([{ arn: FUNCTION_ARN, payload: { at: '2024-05-01T10:15:00Z' } }]);
    expect(bus.scheduledTimers()).toEqual([
      { name: 'Quarterly', expression: 'cron(0/15 * * * ? *)', nextFireTime: Date.parse('2024-05-01T10:30:00Z') },
    ]);
  });

  it('fires nothing once stopped, and drops events put afterwards', () => {
    jest.useFakeTimers({ now: Date.parse('2024-05-01T10:00:00.000Z') });
    const { bus, deliveries } = createBus();
    bus.addRule({
      name: 'Every',
      arn: RULE_ARN,
      eventPattern: { source: ['aws.states'] },
      schedule: parseScheduleExpression('rate(1 minute)'),
      targets: [{ id: 'Target0', arn: FUNCTION_ARN }],
    });
    bus.start();

    bus.stop();
    jest.advanceTimersByTime(5 * 60_000);
    bus.put(statusEvent('SUCCEEDED'));

    expect(deliveries).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });
});
