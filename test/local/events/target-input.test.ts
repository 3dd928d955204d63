import { readJsonPath, targetPayload } from '../../../lib/local/events/target-input';

const event = {
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  detail: { status: 'SUCCEEDED', name: 'run "1"', output: { items: [{ id: 7 }] } },
};
const context = {
  ruleName: 'OnSucceeded',
  ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/OnSucceeded',
  ingestionTime: '2024-05-01T00:00:00.000Z',
};

describe('rule target input', () => {
  it('delivers the whole event when the target shapes nothing', () => {
    expect(targetPayload({}, event, context)).toBe(event);
  });

  it('delivers the constant Input instead of the event', () => {
    expect(targetPayload({ input: '{"tick":true}' }, event, context)).toEqual({ tick: true });
  });

  it('delivers the value InputPath reads from the event', () => {
    expect(targetPayload({ inputPath: '$.detail' }, event, context)).toEqual(event.detail);
  });

  it('renders an input template as RuleTargetInput.fromObject with EventFields does', () => {
    const payload = targetPayload(
      {
        inputTransformer: {
          inputPathsMap: { 'detail-status': '$.detail.status', 'detail-output': '$.detail.output' },
          inputTemplate: '{"status":<detail-status>,"output":<detail-output>,"rule":<aws.events.rule-name>}',
        },
      },
      event,
      context,
    );

    expect(payload).toEqual({ status: 'SUCCEEDED', output: event.detail.output, rule: 'OnSucceeded' });
  });

  it('inserts values inside a JSON string as text, escaped', () => {
    const payload = targetPayload(
      {
        inputTransformer: {
          inputPathsMap: { name: '$.detail.name' },
          inputTemplate: '{"message":"execution <name> of <aws.events.rule-arn> done"}',
        },
      },
      event,
      context,
    );

    expect(payload).toEqual({ message: `execution run "1" of ${context.ruleArn} done` });
  });

  it('reads dotted, indexed and quoted JSONPaths, and nothing for a path the event lacks', () => {
    expect(readJsonPath(event, '$.detail.output.items[0].id')).toBe(7);
    expect(readJsonPath(event, "$['detail-type']")).toBe(event['detail-type']);
    expect(readJsonPath(event, '$')).toBe(event);
    expect(readJsonPath(event, '$.detail.missing.deeper')).toBeUndefined();
  });
});
