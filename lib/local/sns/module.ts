import type { LocalServiceModule } from '../service-module';

/**
 * SNS topics get their ARN (their `Ref`) and nothing more: local mode delivers no notifications; what would be
 * published to a topic (alarm actions) has no local source.
 */
export const snsModule: LocalServiceModule = {
  name: 'sns',
  resourceTypes: {
    'AWS::SNS::Topic': {
      physicalId: ({ explicit, generated, region, accountId }) =>
        `arn:aws:sns:${region}:${accountId}:${explicit('TopicName') ?? generated.slice(0, 256)}`,
      attributes: {
        TopicArn: ({ name }) => name,
        TopicName: ({ name }) => name.split(':').pop(),
      },
    },
    'AWS::SNS::TopicPolicy': {},
  },
};
