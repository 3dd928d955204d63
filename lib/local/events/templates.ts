import type { StackResolver } from '../intrinsics';
import type { EventRule, RuleTarget, SchedulerSchedule } from './bus';
import { assertValidEventPattern } from './pattern';
import { parseScheduleExpression } from './schedule';

/** What a template declares, and the resources local mode leaves out, each with the reason (one log line each). */
export interface ReadResult<T> {
  readonly items: T[];
  readonly skipped: string[];
}

/**
 * The enabled `AWS::Events::Rule`s of the default bus. Local mode has no other bus: nothing could put events on a
 * custom one, so rules there are reported as skipped rather than silently never firing.
 */
export function readEventRules(resolver: StackResolver): ReadResult<EventRule> {
  const items: EventRule[] = [];
  const skipped: string[] = [];
  for (const [logicalId, resource] of resolver.resourcesOfType('AWS::Events::Rule')) {
    const where = `${resolver.stack.stackName}/${logicalId}`;
    try {
      const props = resolver.resolve(resource.Properties ?? {}) as Record<string, unknown>;
      if (props.State === 'DISABLED') continue;
      const bus = props.EventBusName === undefined ? 'default' : String(props.EventBusName);
      if (bus !== 'default' && !bus.endsWith(':event-bus/default')) {
        skipped.push(`${where}: rule on event bus ${bus} (local mode has only the default bus)`);
        continue;
      }
      const eventPattern =
        typeof props.EventPattern === 'string'
          ? (JSON.parse(props.EventPattern) as Record<string, unknown>)
          : (props.EventPattern as Record<string, unknown> | undefined);
      if (eventPattern !== undefined) assertValidEventPattern(eventPattern);
      const schedule =
        props.ScheduleExpression === undefined ? undefined : parseScheduleExpression(String(props.ScheduleExpression));
      if (schedule?.kind === 'at') throw new Error(`${schedule.expression} is only valid for EventBridge Scheduler`);
      items.push({
        name: resolver.physicalId(logicalId),
        arn: resolver.arn(logicalId),
        eventPattern,
        schedule,
        targets: ((props.Targets as Array<Record<string, unknown>> | undefined) ?? []).map(ruleTarget),
      });
    } catch (error) {
      skipped.push(`${where}: ${(error as Error).message}`);
    }
  }
  return { items, skipped };
}

/** The enabled `AWS::Scheduler::Schedule`s whose expression local mode can evaluate (UTC only). */
export function readSchedulerSchedules(resolver: StackResolver): ReadResult<SchedulerSchedule> {
  const items: SchedulerSchedule[] = [];
  const skipped: string[] = [];
  for (const [logicalId, resource] of resolver.resourcesOfType('AWS::Scheduler::Schedule')) {
    const where = `${resolver.stack.stackName}/${logicalId}`;
    try {
      const props = resolver.resolve(resource.Properties ?? {}) as Record<string, unknown>;
      if (props.State === 'DISABLED') continue;
      const timezone =
        props.ScheduleExpressionTimezone === undefined ? 'UTC' : String(props.ScheduleExpressionTimezone);
      if (!['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT'].includes(timezone)) {
        skipped.push(`${where}: schedule in time zone ${timezone} (local mode evaluates schedules in UTC only)`);
        continue;
      }
      const target = props.Target as { Arn: unknown; Input?: unknown };
      items.push({
        name: resolver.physicalId(logicalId),
        arn: resolver.arn(logicalId),
        schedule: parseScheduleExpression(String(props.ScheduleExpression)),
        target: { arn: String(target.Arn), input: target.Input === undefined ? undefined : String(target.Input) },
      });
    } catch (error) {
      skipped.push(`${where}: ${(error as Error).message}`);
    }
  }
  return { items, skipped };
}

function ruleTarget(target: Record<string, unknown>): RuleTarget {
  const transformer = target.InputTransformer as
    { InputPathsMap?: Record<string, string>; InputTemplate: string } | undefined;
  return {
    id: String(target.Id),
    arn: String(target.Arn),
    input: target.Input === undefined ? undefined : String(target.Input),
    inputPath: target.InputPath === undefined ? undefined : String(target.InputPath),
    inputTransformer: transformer && {
      inputPathsMap: transformer.InputPathsMap,
      inputTemplate: String(transformer.InputTemplate),
    },
  };
}
