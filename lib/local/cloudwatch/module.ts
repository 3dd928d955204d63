import type { LocalServiceModule } from '../service-module';

/**
 * CloudWatch alarms get their names and ARNs and nothing more: local mode keeps no metrics (functions' embedded
 * metric lines go to its log like any other line), so an alarm has nothing to watch.
 */
export const cloudWatchModule: LocalServiceModule = {
  name: 'cloudwatch',
  resourceTypes: {
    'AWS::CloudWatch::Alarm': {
      physicalId: ({ explicit, generated }) => explicit('AlarmName') ?? generated.slice(0, 255),
      arn: ({ name, region, accountId }) => `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`,
    },
  },
};
