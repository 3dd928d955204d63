import {
  InvalidScheduleExpressionError,
  nextFireTime,
  parseScheduleExpression,
} from '../../../lib/local/events/schedule';

const at = (iso: string) => Date.parse(iso);
const next = (expression: string, after: string, origin = after) => {
  const time = nextFireTime(parseScheduleExpression(expression), at(after), at(origin));
  return time === undefined ? undefined : new Date(time).toISOString();
};

describe('schedule expressions', () => {
  it('counts rate periods from the moment the rule was created', () => {
    expect(next('rate(1 minute)', '2024-05-01T10:00:30.000Z')).toBe('2024-05-01T10:01:30.000Z');
    expect(next('rate(5 minutes)', '2024-05-01T10:07:00.000Z', '2024-05-01T10:00:30.000Z')).toBe(
      '2024-05-01T10:10:30.000Z',
    );
    expect(next('rate(2 hours)', '2024-05-01T10:00:00.000Z')).toBe('2024-05-01T12:00:00.000Z');
    expect(next('rate(1 day)', '2024-05-01T10:00:00.000Z')).toBe('2024-05-02T10:00:00.000Z');
  });

  it("refuses a rate whose unit's number does not agree with its value, as EventBridge does", () => {
    expect(() => parseScheduleExpression('rate(1 minutes)')).toThrow(InvalidScheduleExpressionError);
    expect(() => parseScheduleExpression('rate(5 minute)')).toThrow(InvalidScheduleExpressionError);
    expect(() => parseScheduleExpression('rate(0 minutes)')).toThrow(InvalidScheduleExpressionError);
    expect(() => parseScheduleExpression('rate(5 weeks)')).toThrow(InvalidScheduleExpressionError);
  });

  it('fires a cron at the next matching minute, never at the current one', () => {
    expect(next('cron(0/15 * * * ? *)', '2024-05-01T10:07:12.000Z')).toBe('2024-05-01T10:15:00.000Z');
    expect(next('cron(0/15 * * * ? *)', '2024-05-01T10:15:00.000Z')).toBe('2024-05-01T10:30:00.000Z');
    expect(next('cron(30 3 * * ? *)', '2024-05-01T10:00:00.000Z')).toBe('2024-05-02T03:30:00.000Z');
  });

  it('evaluates cron ranges, lists and steps of hours', () => {
    expect(next('cron(0 8-17/4 * * ? *)', '2024-05-01T12:30:00.000Z')).toBe('2024-05-01T16:00:00.000Z');
    expect(next('cron(5,35 9,21 * * ? *)', '2024-05-01T09:40:00.000Z')).toBe('2024-05-01T21:05:00.000Z');
  });

  it('numbers weekdays from 1 = Sunday and accepts their names', () => {
    // 2024-05-01 is a Wednesday.
    expect(next('cron(0 12 ? * 1 *)', '2024-05-01T00:00:00.000Z')).toBe('2024-05-05T12:00:00.000Z');
    expect(next('cron(0 12 ? * MON-FRI *)', '2024-05-04T00:00:00.000Z')).toBe('2024-05-06T12:00:00.000Z');
  });

  it('evaluates days of the month, month names, the last day of the month and years', () => {
    expect(next('cron(0 0 1 JAN,JUL ? *)', '2024-05-01T00:00:00.000Z')).toBe('2024-07-01T00:00:00.000Z');
    expect(next('cron(0 0 L * ? *)', '2024-02-10T00:00:00.000Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(next('cron(0 0 29 2 ? 2025-2030)', '2024-01-01T00:00:00.000Z')).toBe('2028-02-29T00:00:00.000Z');
    expect(next('cron(0 0 1 1 ? 2020)', '2024-01-01T00:00:00.000Z')).toBeUndefined();
  });

  it('refuses crons EventBridge refuses or local mode cannot evaluate', () => {
    expect(() => parseScheduleExpression('cron(0 12 * * * *)')).toThrow(/exactly one of day-of-month/);
    expect(() => parseScheduleExpression('cron(0 12 * *)')).toThrow(/six fields/);
    expect(() => parseScheduleExpression('cron(61 * * * ? *)')).toThrow(InvalidScheduleExpressionError);
    expect(() => parseScheduleExpression('cron(0 12 ? * 6#3 *)')).toThrow(InvalidScheduleExpressionError);
  });

  it("fires Scheduler's one-time at() once, and never after it passed", () => {
    expect(next('at(2024-05-01T12:00:00)', '2024-05-01T00:00:00.000Z')).toBe('2024-05-01T12:00:00.000Z');
    expect(next('at(2024-05-01T12:00:00)', '2024-05-01T12:00:00.000Z')).toBeUndefined();
  });
});
