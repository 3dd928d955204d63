import type { StackResolver } from '../intrinsics';
import type { LambdaService } from '../lambda/module';
import type { LocalService, LocalServiceModule } from '../service-module';
import type { StepFunctionsService } from '../stepfunctions/module';
import { LocalEventBus } from './bus';
import { readEventRules, readSchedulerSchedules } from './templates';

/** The default event bus: the services' events (Step Functions status changes, S3 notifications) and the rules. */
export interface EventsService extends LocalService {
  readonly bus: LocalEventBus;
}

const STATE_MACHINE_ARN = /^arn:[^:]+:states:[^:]+:[^:]+:stateMachine:[^:]+$/;

/**
 * EventBridge and EventBridge Scheduler: the rules of the default bus with event patterns, `rate(…)` and `cron(…)`
 * rules and schedules on timers, Lambda and Step Functions targets. Rules are added once every stack is deployed,
 * and events put before then are held, so nothing emitted while local mode starts is lost.
 */
export const eventsModule: LocalServiceModule = {
  name: 'events',
  resourceTypes: {
    'AWS::Events::Rule': {
      physicalId: ({ explicit, generated }) => explicit('Name') ?? generated.slice(0, 64),
      arn: ({ name, region, accountId }) => `arn:aws:events:${region}:${accountId}:rule/${name}`,
    },
    'AWS::Scheduler::Schedule': {
      physicalId: ({ explicit, generated }) => explicit('Name') ?? generated.slice(0, 64),
      arn: ({ name, region, accountId, property }) => {
        const group = property('GroupName');
        return `arn:aws:scheduler:${region}:${accountId}:schedule/${typeof group === 'string' ? group : 'default'}/${name}`;
      },
    },
    'AWS::Scheduler::ScheduleGroup': {
      physicalId: ({ explicit, generated }) => explicit('Name') ?? generated.slice(0, 64),
      arn: ({ name, region, accountId }) => `arn:aws:scheduler:${region}:${accountId}:schedule-group/${name}`,
    },
  },
  async start({ cloud }): Promise<EventsService> {
    const bus = new LocalEventBus({
      region: cloud.region,
      accountId: cloud.accountId,
      log: cloud.log,
      // EventBridge invokes Lambda targets asynchronously and starts state machine executions; nothing else runs here.
      deliver: async (targetArn, payload) => {
        if (STATE_MACHINE_ARN.test(targetArn)) {
          await cloud
            .service<StepFunctionsService>('stepfunctions')
            .stepFunctions.startExecution({ stateMachineArn: targetArn, input: JSON.stringify(payload) });
        } else {
          // Retries and the on-failure destination are the function's (its EventInvokeConfig), as in Lambda.
          cloud.service<LambdaService>('lambda').invokeAsync(targetArn, payload);
        }
      },
    });
    const isDeliverable = async (arn: string) =>
      STATE_MACHINE_ARN.test(arn)
        ? cloud
            .service<StepFunctionsService>('stepfunctions')
            .stepFunctions.describeStateMachine({ stateMachineArn: arn })
            .then(
              () => true,
              () => false,
            )
        : cloud.service<LambdaService>('lambda').find(arn) !== undefined;
    return {
      bus,
      async deployed(stacks) {
        for (const resolver of stacks) await addRulesAndSchedules(bus, resolver, isDeliverable, cloud.log);
        bus.start();
      },
      quiesce: () => bus.stop(),
      close: () => bus.stop(),
    };
  },
};

/** The stack's rules and schedules, without the targets local mode cannot reach (one log line each). */
async function addRulesAndSchedules(
  bus: LocalEventBus,
  resolver: StackResolver,
  isDeliverable: (arn: string) => Promise<boolean>,
  log: (message: string) => void,
): Promise<void> {
  const rules = readEventRules(resolver);
  const schedules = readSchedulerSchedules(resolver);
  for (const skipped of [...rules.skipped, ...schedules.skipped]) log(`Skipping ${skipped}`);
  const unreachable = (arn: string) => `${arn} is not a local function or state machine`;
  for (const rule of rules.items) {
    const targets = [];
    for (const target of rule.targets) {
      if (await isDeliverable(target.arn)) targets.push(target);
      else log(`Skipping target ${target.id} of rule ${rule.name}: ${unreachable(target.arn)}`);
    }
    bus.addRule({ ...rule, targets });
  }
  for (const schedule of schedules.items) {
    if (await isDeliverable(schedule.target.arn)) bus.addSchedule(schedule);
    else log(`Skipping schedule ${schedule.name}: ${unreachable(schedule.target.arn)}`);
  }
}
