/**
 * The size DynamoDB counts for an item, by the documented rules ("DynamoDB item sizes and formats"), so a write that
 * cannot fit is refused with a 400 naming the field before anything is stored, instead of DynamoDB's
 * ValidationException surfacing as a 500 half way through a request. Written here because the npm packages that do
 * this are unmaintained single-file projects; the rules fit in a screen. No imports: plain values in, bytes out.
 */

/** DynamoDB's maximum item size, attribute names included. */
export const MAX_ITEM_BYTES = 400 * 1024;

/** A value as the DocumentClient marshals it: JSON-like, with `Uint8Array` for binary and `Set` for sets. */
export type NativeValue = unknown;

/** The bytes the item takes: the sum over its attributes of name plus value. */
export function itemSize(item: Readonly<Record<string, NativeValue>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  }
  return size;
}

/** The attribute of `item` that takes the most bytes (name plus value), to name in an error. */
export function largestAttribute(item: Readonly<Record<string, NativeValue>>): string | undefined {
  let largest: string | undefined;
  let largestSize = -1;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    const size = Buffer.byteLength(name, 'utf8') + valueSize(value);
    if (size > largestSize) [largest, largestSize] = [name, size];
  }
  return largest;
}

function valueSize(value: NativeValue): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(String(value));
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) {
    let size = 0;
    for (const member of value) size += valueSize(member);
    return size;
  }
  // Lists and maps: 3 bytes, plus 1 byte per element, plus the elements (and, for maps, their names).
  if (Array.isArray(value)) {
    let size = 3;
    for (const element of value) size += 1 + (element === undefined ? 1 : valueSize(element));
    return size;
  }
  if (typeof value === 'object') {
    let size = 3;
    for (const [name, element] of Object.entries(value as Record<string, NativeValue>)) {
      if (element === undefined) continue;
      size += 1 + Buffer.byteLength(name, 'utf8') + valueSize(element);
    }
    return size;
  }
  return 0;
}

/** 1 byte per two significant digits, plus 1; leading and trailing zeros do not count. */
function numberSize(text: string): number {
  const [mantissa = ''] = text.toLowerCase().split('e');
  const digits = mantissa
    .replace(/[^0-9]/g, '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}
