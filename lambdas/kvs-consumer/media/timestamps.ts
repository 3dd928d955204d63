/**
 * Kinesis Video timestamps travel as strings of seconds with milliseconds ("1511852109.126"). They are read digit by
 * digit into whole milliseconds: through a float, 1511852109.126 * 1000 is 1511852109125.9998.
 */
export function parseKvsTimestamp(text: string): number | undefined {
  const match = /^\s*(\d{1,13})(?:\.(\d{1,9}))?\s*$/.exec(text);
  if (!match) return undefined;
  const fraction = (match[2] ?? '').padEnd(3, '0').slice(0, 3);
  return Number(match[1]) * 1000 + Number(fraction);
}

export function formatKvsTimestamp(milliseconds: number): string {
  const ms = Math.max(0, Math.round(milliseconds));
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
}
