import { itemSize, largestAttribute, MAX_ITEM_BYTES } from './item-size';

/**
 * DynamoDB's other documented limits on what a write may hold — nesting depth, the number range, key lengths — next to
 * the item size of `item-size.ts`, so an API refuses a value DynamoDB would refuse with a 400 naming the field before
 * it writes anything, instead of a ValidationException surfacing as a 500 half way through a request.
 */

/** How deep list and map attributes may nest (the top-level attribute is level 1). */
export const MAX_NESTING_DEPTH = 32;
/** A partition key value's limit, and any string a table or index uses as its partition key. */
export const MAX_PARTITION_KEY_BYTES = 2048;
/** A sort key value's limit. */
export const MAX_SORT_KEY_BYTES = 1024;
/** Numbers DynamoDB stores: magnitudes from 1E-130 to 9.9999999999999999999999999999999999999E+125, and zero. */
const MAX_NUMBER_MAGNITUDE = 1e126;
const MIN_NUMBER_MAGNITUDE = 1e-130;
/** DynamoDB keeps 38 significant digits; a bigint (an integer exact JSON kept whole) may have more. */
const MAX_SIGNIFICANT_DIGITS = 38;

/** Why an item cannot be stored, naming the top-level attribute to blame. */
export interface ItemLimitViolation {
  /** The attribute at fault: the largest one when the item as a whole is too large. */
  readonly attribute: string;
  readonly reason: 'item-too-large' | 'too-deep' | 'number-out-of-range';
  readonly message: string;
}

/**
 * The first reason DynamoDB would refuse to store `item` (nesting, a number out of range, its size against
 * `maxBytes`), or `undefined` when it fits. Nesting is checked first and without recursion, so a value nested
 * thousands deep is refused before anything walks it recursively.
 */
export function itemLimitViolation(
  item: Readonly<Record<string, unknown>>,
  maxBytes: number = MAX_ITEM_BYTES,
): ItemLimitViolation | undefined {
  for (const [attribute, value] of Object.entries(item)) {
    if (value === undefined) continue;
    const problem = valueProblem(value);
    if (problem === 'too-deep') {
      return {
        attribute,
        reason: problem,
        message: `${attribute} nests deeper than the ${MAX_NESTING_DEPTH} levels DynamoDB stores`,
      };
    }
    if (problem === 'number-out-of-range') {
      return { attribute, reason: problem, message: `${attribute} holds a number DynamoDB cannot store` };
    }
  }
  const bytes = itemSize(item);
  if (bytes <= maxBytes) return undefined;
  const attribute = largestAttribute(item) ?? '';
  return {
    attribute,
    reason: 'item-too-large',
    message: `${attribute} is too large: the record would take ${bytes} bytes, more than the ${maxBytes} it may hold`,
  };
}

/** Why a value cannot be a key of the given role (`undefined` when it can): what a start key must satisfy too. */
export function keyValueViolation(value: unknown, role: 'partition' | 'sort'): string | undefined {
  if (typeof value === 'string') {
    const limit = role === 'partition' ? MAX_PARTITION_KEY_BYTES : MAX_SORT_KEY_BYTES;
    if (value.length === 0) return 'is empty';
    if (Buffer.byteLength(value, 'utf8') > limit) return `is longer than the ${limit} bytes of a ${role} key`;
    return undefined;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return numberInRange(value) ? undefined : 'is a number DynamoDB cannot store';
  }
  return 'is neither a string nor a number';
}

function valueProblem(value: unknown): 'too-deep' | 'number-out-of-range' | undefined {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current === 'number' || typeof current === 'bigint') {
      if (!numberInRange(current)) return 'number-out-of-range';
    } else if (isDocument(current)) {
      if (depth > MAX_NESTING_DEPTH) return 'too-deep';
      for (const member of Object.values(current)) pending.push([member, depth + 1]);
    }
  }
  return undefined;
}

/** A list or map attribute; binary values and sets are scalars as far as nesting goes. */
function isDocument(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !(value instanceof Set);
}

function numberInRange(value: number | bigint): boolean {
  if (typeof value === 'bigint') {
    const digits = (value < 0n ? -value : value).toString();
    const significant = digits.replace(/0+$/, '').length;
    // Below 1E+126 is at most 126 digits; zeros at the end are not significant.
    return digits.length <= 126 && significant <= MAX_SIGNIFICANT_DIGITS;
  }
  if (!Number.isFinite(value)) return false;
  const magnitude = Math.abs(value);
  return magnitude === 0 || (magnitude < MAX_NUMBER_MAGNITUDE && magnitude >= MIN_NUMBER_MAGNITUDE);
}
