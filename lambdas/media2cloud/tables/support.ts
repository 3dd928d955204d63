/** Fields to write to a record, and attributes to remove from it. */
export interface RecordChange {
  readonly set: Readonly<Record<string, unknown>>;
  readonly remove?: readonly string[];
}

export interface UpdateParts {
  readonly UpdateExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
}

/** `SET #a = :a, ... REMOVE #b`, leaving out key attributes and `undefined` values; nothing to do gives `undefined`. */
export function updateParts(change: RecordChange, keys: readonly string[]): UpdateParts | undefined {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  let i = 0;
  for (const [name, value] of Object.entries(change.set)) {
    if (value === undefined || keys.includes(name)) continue;
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    set.push(`#s${i} = :s${i}`);
    i += 1;
  }
  const remove = (change.remove ?? [])
    .filter((name) => !keys.includes(name) && !(name in change.set && change.set[name] !== undefined))
    .map((name, index) => {
      names[`#r${index}`] = name;
      return `#r${index}`;
    });
  if (set.length === 0 && remove.length === 0) return undefined;
  const expression = [
    set.length > 0 ? `SET ${set.join(', ')}` : '',
    remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    UpdateExpression: expression,
    ExpressionAttributeNames: names,
    ...(set.length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}
