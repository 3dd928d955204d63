import { isInteger, parse as losslessParse, stringify as losslessStringify } from 'lossless-json';

/**
 * JSON with integers of any size, as Python's `json` reads and writes them: an integer beyond ±2^53 becomes a
 * `bigint` holding every digit, and is written back digit for digit. Everything else — integers within ±2^53,
 * fractions, exponents — is the ordinary `number` JSON.parse makes of it, so code that never meets a large integer
 * sees no difference.
 *
 * JSON.parse and JSON.stringify do the work whenever they can: lossless-json is several times slower, so a document
 * is read again by it only when JSON.parse rounded one of its integers, and written by it only when it holds a bigint
 * (JSON.stringify refuses those).
 */

/** Parses `text` keeping integers beyond ±2^53 exact. Throws SyntaxError for text that is not JSON. */
export function parseExactJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (!holds(value, isRoundedInteger)) return value;
  return losslessParse(text, null, {
    parseNumber: exactNumber,
    // JSON.parse (and Python) let the last of duplicate keys win; lossless-json would refuse the document.
    onDuplicateKey: ({ newValue }) => newValue,
  });
}

/** JSON text for `value`, bigints written with all their digits. */
export function stringifyExactJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // JSON.stringify refuses a bigint with a TypeError (as it does a cycle, which is not ours to handle).
    if (error instanceof TypeError && holds(value, (member) => typeof member === 'bigint')) {
      return losslessStringify(value) ?? 'null';
    }
    throw error;
  }
}

function exactNumber(text: string): number | bigint {
  if (!isInteger(text)) return Number.parseFloat(text);
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : BigInt(text);
}

/** A number JSON.parse may have rounded: an integer beyond ±2^53 (`1e20` too, which the lossless pass keeps a number). */
function isRoundedInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value);
}

/** Whether any scalar inside `value` satisfies `test`, walked without recursion. */
function holds(value: unknown, test: (member: unknown) => boolean): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === 'object' && current !== null) {
      // A loop, not a spread: a spread of a list of a few hundred thousand items overflows the stack.
      for (const member of Object.values(current)) pending.push(member);
    } else if (test(current)) {
      return true;
    }
  }
  return false;
}
