import { randomUUID } from 'node:crypto';
import { matchesEventPattern } from './pattern';
import { nextFireTime, type Schedule } from './schedule';
import { targetPayload, type TargetInputSpec } from './target-input';

/** An event as EventBridge delivers it to a rule's targets. */
export interface EventBridgeEvent {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

export interface RuleTarget extends TargetInputSpec {
  readonly id: string;
  readonly arn: string;
}

/** An `AWS::Events::Rule` on the default bus: an event pattern, a schedule, or both. */
export interface EventRule {
  readonly name: string;
  readonly arn: string;
  readonly eventPattern?: Record<string, unknown>;
  readonly schedule?: Schedule;
  readonly targets: readonly RuleTarget[];
}

/** An `AWS::Scheduler::Schedule`: one templated target that receives `Input` as is (or `{}`). */
export interface SchedulerSchedule {
  readonly name: string;
  readonly arn: string;
  readonly schedule: Schedule;
  readonly target: { readonly arn: string; readonly input?: string };
}

/** Invokes a target (a function, a state machine) with a payload; rejections are logged by the bus. */
export type DeliverToTarget = (targetArn: string, payload: unknown) => Promise<void>;

export interface LocalEventBusOptions {
  readonly region: string;
  readonly accountId: string;
  readonly deliver: DeliverToTarget;
  readonly log: (message: string) => void;
}

export interface ScheduledTimer {
  readonly name: string;
  readonly expression: string;
  /** Epoch milliseconds of the next firing, `undefined` once it will not fire again. */
  readonly nextFireTime?: number;
}

interface ArmedTimer {
  readonly name: string;
  readonly expression: string;
  timer?: NodeJS.Timeout;
  next?: number;
}

// Node timers overflow past 2^31-1 ms and then fire at once; a longer wait is re-armed in steps.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The default event bus of local mode: events put on it reach the targets of every rule whose pattern matches, and
 * scheduled rules and schedules fire on timers. Deliveries are asynchronous, as EventBridge invokes Lambda targets
 * asynchronously: a failing target is logged and never affects the producer. Events put before `start()` are held
 * and delivered once the rules are all known, so nothing emitted while local mode starts is lost.
 */
export class LocalEventBus {
  private readonly rules: EventRule[] = [];
  private readonly schedules: SchedulerSchedule[] = [];
  /** By rule or schedule ARN: a rule and a schedule may share a name. */
  private readonly timers = new Map<string, ArmedTimer>();
  private held: EventBridgeEvent[] | undefined = [];
  private stopped = false;

  constructor(private readonly options: LocalEventBusOptions) {}

  addRule(rule: EventRule): void {
    this.rules.push(rule);
  }

  addSchedule(schedule: SchedulerSchedule): void {
    this.schedules.push(schedule);
  }

  /** Puts an event on the bus (what PutEvents does, and what AWS services emit). */
  put(event: EventBridgeEvent): void {
    if (this.stopped) return;
    if (this.held) {
      this.held.push(event);
      return;
    }
    for (const rule of this.rules) {
      if (rule.eventPattern && matchesEventPattern(rule.eventPattern, event)) this.deliverToRule(rule, event);
    }
  }

  /** Arms every schedule (periods count from now) and delivers the events held until now. */
  start(): void {
    const origin = Date.now();
    for (const rule of this.rules) {
      if (rule.schedule) this.arm(rule, rule.schedule, origin, (time) => this.fireRule(rule, time));
    }
    for (const schedule of this.schedules) {
      this.arm(schedule, schedule.schedule, origin, (time) => this.fireSchedule(schedule, time));
    }
    const held = this.held ?? [];
    this.held = undefined;
    for (const event of held) this.put(event);
  }

  /** Stops every timer; events put afterwards are dropped. */
  stop(): void {
    this.stopped = true;
    for (const entry of this.timers.values()) clearTimeout(entry.timer);
    this.timers.clear();
  }

  /** What is armed, for the start-up summary and for tests. */
  scheduledTimers(): ScheduledTimer[] {
    return [...this.timers.values()].map(({ name, expression, next }) => ({ name, expression, nextFireTime: next }));
  }

  private arm(
    owner: { readonly name: string; readonly arn: string },
    schedule: Schedule,
    origin: number,
    fire: (time: number) => void,
  ): void {
    const entry: ArmedTimer = { name: owner.name, expression: schedule.expression };
    this.timers.set(owner.arn, entry);
    const setTimer = (delay: number, callback: () => void) => {
      entry.timer = setTimeout(callback, Math.min(Math.max(0, delay), MAX_TIMER_MS));
      // A schedule alone must not keep the process alive: local mode's servers already do while it runs.
      entry.timer.unref();
    };
    const wait = (after: number) => {
      const next = nextFireTime(schedule, after, origin);
      entry.next = next;
      if (next === undefined || this.stopped) return;
      const tick = () => {
        if (this.stopped) return;
        if (Date.now() < next) return setTimer(next - Date.now(), tick);
        fire(next);
        wait(next);
      };
      setTimer(next - Date.now(), tick);
    };
    wait(origin);
  }

  private fireRule(rule: EventRule, time: number): void {
    this.deliverToRule(rule, {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.options.accountId,
      time: eventTime(time),
      region: this.options.region,
      resources: [rule.arn],
      detail: {},
    });
  }

  private fireSchedule(schedule: SchedulerSchedule, time: number): void {
    const input = schedule.target.input;
    const context: Record<string, string> = {
      'aws.scheduler.schedule-arn': schedule.arn,
      'aws.scheduler.scheduled-time': eventTime(time),
      'aws.scheduler.execution-id': randomUUID(),
      'aws.scheduler.attempt-number': '1',
    };
    const rendered =
      input === undefined
        ? undefined
        : input.replace(/<(aws\.scheduler\.[a-z-]+)>/g, (whole, name: string) => context[name] ?? whole);
    let payload: unknown = {};
    if (rendered !== undefined) {
      try {
        payload = JSON.parse(rendered);
      } catch {
        payload = rendered;
      }
    }
    this.deliver(`schedule ${schedule.name}`, schedule.target.arn, payload);
  }

  private deliverToRule(rule: EventRule, event: EventBridgeEvent): void {
    const context = { ruleName: rule.name, ruleArn: rule.arn, ingestionTime: new Date().toISOString() };
    for (const target of rule.targets) {
      let payload: unknown;
      try {
        payload = targetPayload(target, event, context);
      } catch (error) {
        this.options.log(`rule ${rule.name} target ${target.id}: ${(error as Error).message}`);
        continue;
      }
      this.deliver(`rule ${rule.name} target ${target.id}`, target.arn, payload);
    }
  }

  private deliver(what: string, targetArn: string, payload: unknown): void {
    let delivery: Promise<void>;
    try {
      delivery = this.options.deliver(targetArn, payload);
    } catch (error) {
      delivery = Promise.reject(error);
    }
    delivery.catch((error: unknown) => {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.options.log(`${what} (${targetArn}) failed: ${message}`);
    });
  }
}

/** EventBridge writes event times to the second, without milliseconds. */
export function eventTime(time: number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
