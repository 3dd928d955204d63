/**
 * Schedule expressions of EventBridge rules and EventBridge Scheduler: `rate(value unit)`, the six-field AWS
 * `cron(minutes hours day-of-month month day-of-week year)` (evaluated in UTC) and Scheduler's one-time
 * `at(yyyy-mm-ddThh:mm:ss)`.
 */
export type Schedule =
  | { readonly kind: 'rate'; readonly expression: string; readonly periodMs: number }
  | { readonly kind: 'cron'; readonly expression: string; readonly cron: CronFields }
  | { readonly kind: 'at'; readonly expression: string; readonly time: number };

export interface CronFields {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  /** `undefined` when the expression gives `?` (the day is chosen by `daysOfWeek`). */
  readonly daysOfMonth?: ReadonlySet<number>;
  /** `L` in day-of-month: the last day of each month. */
  readonly lastDayOfMonth: boolean;
  readonly months: ReadonlySet<number>;
  /** 1 = Sunday … 7 = Saturday, as AWS numbers them; `undefined` for `?`. */
  readonly daysOfWeek?: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
}

/** Thrown for an expression EventBridge would refuse, or that uses cron features local mode does not evaluate. */
export class InvalidScheduleExpressionError extends Error {
  override readonly name = 'InvalidScheduleExpression';
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const RATE_UNITS: Readonly<Record<string, number>> = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: DAY_MS };
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
// Far enough for any yearly or leap-day schedule; a cron matching nothing within it never fires.
const SEARCH_DAYS = 366 * 8;

export function parseScheduleExpression(expression: string): Schedule {
  const text = expression.trim();
  const rate = /^rate\(\s*(\d+)\s+([a-z]+?)(s?)\s*\)$/.exec(text);
  if (rate) return parseRate(text, Number(rate[1]), rate[2] as string, rate[3] === 's');
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) return { kind: 'cron', expression: text, cron: parseCron(cron[1] as string) };
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(text);
  if (at) {
    const time = Date.parse(`${at[1]}Z`);
    if (Number.isNaN(time)) throw new InvalidScheduleExpressionError(`Invalid date in ${text}`);
    return { kind: 'at', expression: text, time };
  }
  throw new InvalidScheduleExpressionError(`Parameter ScheduleExpression is not valid: ${text}`);
}

/**
 * The first time after `after` (epoch ms) the schedule fires, or `undefined` if it never fires again. A rate counts
 * its periods from `origin`, the time the rule was created (local mode's start), as EventBridge does.
 */
export function nextFireTime(schedule: Schedule, after: number, origin: number): number | undefined {
  switch (schedule.kind) {
    case 'rate': {
      const elapsed = Math.max(0, after - origin);
      return origin + (Math.floor(elapsed / schedule.periodMs) + 1) * schedule.periodMs;
    }
    case 'at':
      return schedule.time > after ? schedule.time : undefined;
    case 'cron':
      return nextCronTime(schedule.cron, after);
  }
}

function parseRate(text: string, value: number, unit: string, plural: boolean): Schedule {
  const unitMs = RATE_UNITS[unit];
  // EventBridge insists on `rate(1 minute)` and `rate(5 minutes)`: the unit's number must agree with the value.
  if (unitMs === undefined || value < 1 || plural !== value > 1) {
    throw new InvalidScheduleExpressionError(`Parameter ScheduleExpression is not valid: ${text}`);
  }
  return { kind: 'rate', expression: text, periodMs: value * unitMs };
}

function parseCron(body: string): CronFields {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new InvalidScheduleExpressionError(`cron(${body}) needs six fields: minutes hours day month weekday year`);
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new InvalidScheduleExpressionError(`cron(${body}): exactly one of day-of-month and day-of-week must be '?'`);
  }
  return {
    minutes: parseField(minutes, 0, 59, 'minutes'),
    hours: parseField(hours, 0, 23, 'hours'),
    daysOfMonth: dayOfMonth === '?' || dayOfMonth === 'L' ? undefined : parseField(dayOfMonth, 1, 31, 'day-of-month'),
    lastDayOfMonth: dayOfMonth === 'L',
    months: parseField(month, 1, 12, 'month', MONTH_NAMES),
    daysOfWeek: dayOfWeek === '?' ? undefined : parseField(dayOfWeek, 1, 7, 'day-of-week', DAY_NAMES),
    years: parseField(year, 1970, 2199, 'year'),
  };
}

function parseField(text: string, min: number, max: number, name: string, names: readonly string[] = []): Set<number> {
  const values = new Set<number>();
  const value = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const number = named >= 0 ? named + 1 : /^\d+$/.test(token) ? Number(token) : NaN;
    if (!(number >= min && number <= max)) {
      throw new InvalidScheduleExpressionError(`Unsupported ${name} value '${token}' in cron field '${text}'`);
    }
    return number;
  };
  for (const item of text.split(',')) {
    const [range, stepText] = item.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) {
      throw new InvalidScheduleExpressionError(`Unsupported step '${stepText}' in cron field '${text}'`);
    }
    let first: number;
    let last: number;
    if (range === '*') {
      [first, last] = [min, max];
    } else if (range.includes('-')) {
      const [from, to] = range.split('-') as [string, string];
      [first, last] = [value(from), value(to)];
      if (first > last)
        throw new InvalidScheduleExpressionError(`Unsupported range '${range}' in cron field '${text}'`);
    } else {
      // `5/15` means from 5 every 15, up to the field's maximum.
      first = value(range);
      last = stepText === undefined ? first : max;
    }
    for (let number = first; number <= last; number += step) values.add(number);
  }
  return values;
}

function nextCronTime(cron: CronFields, after: number): number | undefined {
  const start = Math.floor(after / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const firstDay = Math.floor(start / DAY_MS) * DAY_MS;
  const hours = [...cron.hours].sort((a, b) => a - b);
  const minutes = [...cron.minutes].sort((a, b) => a - b);
  for (let day = firstDay; day < firstDay + SEARCH_DAYS * DAY_MS; day += DAY_MS) {
    if (!cronMatchesDay(cron, new Date(day))) continue;
    for (const hour of hours) {
      for (const minute of minutes) {
        const time = day + hour * 3_600_000 + minute * MINUTE_MS;
        if (time >= start) return time;
      }
    }
  }
  return undefined;
}

function cronMatchesDay(cron: CronFields, date: Date): boolean {
  if (!cron.years.has(date.getUTCFullYear()) || !cron.months.has(date.getUTCMonth() + 1)) return false;
  const dayOfMonth = date.getUTCDate();
  if (cron.lastDayOfMonth) {
    const tomorrow = new Date(date.getTime() + DAY_MS);
    return tomorrow.getUTCDate() === 1;
  }
  if (cron.daysOfMonth) return cron.daysOfMonth.has(dayOfMonth);
  return cron.daysOfWeek?.has(date.getUTCDay() + 1) ?? false;
}
