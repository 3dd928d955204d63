/**
 * The original is a Python app: a few values reach clients in the exact text Python produces for them. These
 * functions reproduce that text so opaque values (cursors, timestamps) stay byte-identical.
 */

/**
 * `json.dumps(value)` with Python's defaults: `", "` and `": "` separators and `ensure_ascii`, which escapes every
 * character outside printable ASCII as `\uXXXX` (lower-case hex, UTF-16 code units).
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return pythonJsonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`Only integers are supported, got ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    const members = Object.entries(value).map(
      ([key, member]) => `${pythonJsonString(key)}: ${pythonJsonDumps(member)}`,
    );
    return `{${members.join(', ')}}`;
  }
  throw new TypeError(`Cannot serialise a ${typeof value}`);
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function pythonJsonString(value: string): string {
  let text = '"';
  for (let index = 0; index < value.length; index++) {
    const char = value[index];
    const code = value.charCodeAt(index);
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) text += short;
    else if (code < 0x20 || code > 0x7e) text += `\\u${code.toString(16).padStart(4, '0')}`;
    else text += char;
  }
  return `${text}"`;
}

/**
 * `str(datetime.now().timestamp())`: seconds since the epoch as Python prints a float. The original stores asset
 * creation times this way (a string) and returns them as is.
 */
export function pythonTimestamp(epochMilliseconds: number): string {
  const seconds = epochMilliseconds / 1000;
  // Python always prints a float with a fractional part; JavaScript drops a zero one.
  return Number.isInteger(seconds) ? `${seconds}.0` : String(seconds);
}
