/** Pixop's timestamp format, `YYYY-MM-DD hh:mm:ss` in UTC (the Java SDK parses `yyyy-MM-dd HH:mm:ss`). */
export function pixopTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** A sortable creation key: ISO time to the millisecond, then the id, so items created together keep one order. */
export function creationKey(epochMs: number, id: string): string {
  return `${new Date(epochMs).toISOString()}#${id}`;
}
