import type { LocalServiceModule } from '../service-module';

/**
 * CloudWatch Logs: log groups get their names and ARNs. Local functions write their logs to local mode's stderr
 * (prefixed with the function name) rather than to a log group.
 */
export const logsModule: LocalServiceModule = {
  name: 'logs',
  resourceTypes: {
    'AWS::Logs::LogGroup': {
      physicalId: ({ explicit, generated }) => explicit('LogGroupName') ?? `/local/${generated}`,
      arn: ({ name, region, accountId }) => `arn:aws:logs:${region}:${accountId}:log-group:${name}:*`,
      attributes: { LogGroupName: ({ name }) => name },
    },
    'AWS::Logs::ResourcePolicy': {},
    'AWS::Logs::MetricFilter': {},
    'AWS::Logs::SubscriptionFilter': {},
  },
};
