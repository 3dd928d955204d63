import {
  assertValidEventPattern,
  InvalidEventPatternError,
  matchesEventPattern,
} from '../../../lib/local/events/pattern';

const statusChange = {
  version: '0',
  id: 'e1',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  account: '000000000000',
  time: '2024-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:states:us-east-1:000000000000:execution:Workflow:run-1'],
  detail: {
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:Workflow:run-1',
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Workflow',
    status: 'FAILED',
    error: null,
    attempts: 3,
    items: [{ kind: 'video' }, { kind: 'audio' }],
  },
};

describe('EventBridge event patterns', () => {
  it('matches when every field holds one of its listed values, as CDK renders an eventPattern', () => {
    const pattern = {
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['SUCCEEDED', 'FAILED'], stateMachineArn: [statusChange.detail.stateMachineArn] },
    };

    expect(matchesEventPattern(pattern, statusChange)).toBe(true);
  });

  it('does not match when one field holds none of its values', () => {
    const pattern = { source: ['aws.states'], detail: { status: ['SUCCEEDED'] } };

    expect(matchesEventPattern(pattern, statusChange)).toBe(false);
  });

  it('does not match a field the event lacks, nor an empty list of values', () => {
    expect(matchesEventPattern({ detail: { missing: ['x'] } }, statusChange)).toBe(false);
    expect(matchesEventPattern({ source: [] }, statusChange)).toBe(false);
  });

  it('compares exactly: a number does not match its string, null matches null', () => {
    expect(matchesEventPattern({ detail: { attempts: ['3'] } }, statusChange)).toBe(false);
    expect(matchesEventPattern({ detail: { attempts: [3] } }, statusChange)).toBe(true);
    expect(matchesEventPattern({ detail: { error: [null] } }, statusChange)).toBe(true);
  });

  it('matches a list in the event when any element matches', () => {
    expect(matchesEventPattern({ resources: [{ prefix: 'arn:aws:states:' }] }, statusChange)).toBe(true);
    expect(matchesEventPattern({ detail: { items: { kind: ['audio'] } } }, statusChange)).toBe(true);
    expect(matchesEventPattern({ detail: { items: { kind: ['image'] } } }, statusChange)).toBe(false);
  });

  it('matches prefix and suffix, optionally ignoring case', () => {
    expect(matchesEventPattern({ source: [{ prefix: 'aws.' }] }, statusChange)).toBe(true);
    expect(matchesEventPattern({ source: [{ prefix: 'AWS.' }] }, statusChange)).toBe(false);
    expect(matchesEventPattern({ source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] }, statusChange)).toBe(true);
    expect(matchesEventPattern({ source: [{ suffix: '.states' }] }, statusChange)).toBe(true);
    expect(matchesEventPattern({ source: [{ 'equals-ignore-case': 'AWS.STATES' }] }, statusChange)).toBe(true);
  });

  it('matches anything-but a value, a list or a prefix, but never a missing field', () => {
    expect(matchesEventPattern({ detail: { status: [{ 'anything-but': 'SUCCEEDED' }] } }, statusChange)).toBe(true);
    expect(
      matchesEventPattern({ detail: { status: [{ 'anything-but': ['FAILED', 'TIMED_OUT'] }] } }, statusChange),
    ).toBe(false);
    expect(matchesEventPattern({ detail: { status: [{ 'anything-but': { prefix: 'FAIL' } }] } }, statusChange)).toBe(
      false,
    );
    expect(matchesEventPattern({ detail: { missing: [{ 'anything-but': 'x' }] } }, statusChange)).toBe(false);
  });

  it('matches exists true for a present leaf and exists false for an absent one', () => {
    expect(matchesEventPattern({ detail: { status: [{ exists: true }] } }, statusChange)).toBe(true);
    expect(matchesEventPattern({ detail: { missing: [{ exists: false }] } }, statusChange)).toBe(true);
    expect(matchesEventPattern({ detail: { status: [{ exists: false }] } }, statusChange)).toBe(false);
    expect(matchesEventPattern({ detail: { missing: [{ exists: true }] } }, statusChange)).toBe(false);
  });

  it('matches numeric ranges and wildcards', () => {
    expect(matchesEventPattern({ detail: { attempts: [{ numeric: ['>', 0, '<=', 3] }] } }, statusChange)).toBe(true);
    expect(matchesEventPattern({ detail: { attempts: [{ numeric: ['<', 3] }] } }, statusChange)).toBe(false);
    expect(
      matchesEventPattern({ detail: { stateMachineArn: [{ wildcard: 'arn:aws:states:*:Workflow' }] } }, statusChange),
    ).toBe(true);
  });

  it('matches when any $or alternative matches', () => {
    const pattern = { $or: [{ source: ['aws.s3'] }, { detail: { status: ['FAILED'] } }] };

    expect(matchesEventPattern(pattern, statusChange)).toBe(true);
    expect(matchesEventPattern({ $or: [{ source: ['aws.s3'] }, { source: ['aws.sqs'] }] }, statusChange)).toBe(false);
  });

  it('refuses patterns EventBridge would refuse, so local mode reports the rule instead of ignoring it', () => {
    expect(() => assertValidEventPattern({ source: 'aws.states' })).toThrow(InvalidEventPatternError);
    expect(() => assertValidEventPattern({ detail: { size: [{ numeric: ['>'] }] } })).toThrow(InvalidEventPatternError);
    expect(() => assertValidEventPattern({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } })).toThrow(
      InvalidEventPatternError,
    );
    expect(() =>
      assertValidEventPattern({ source: ['aws.states'], detail: { status: [{ 'anything-but': ['A'] }] } }),
    ).not.toThrow();
  });
});
