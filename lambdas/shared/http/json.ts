import { parseExactJson } from '../json/exact';
import { BadRequestError } from './errors';

/**
 * How deep a request body may nest. JSON.parse itself copes with any depth, but everything after it that walks the
 * value (JSON.stringify, the DynamoDB marshaller, a validator) recurses and overflows the stack somewhere past a few
 * thousand levels. DynamoDB stores at most 32 levels; 64 leaves room for documents that only go to S3.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The parse layer every API shares: a body nested deeper than {@link MAX_JSON_DEPTH}, or holding a number that
 * JavaScript cannot represent exactly (beyond ±2^53, which includes `1e308` and what overflows to Infinity), is a
 * 400 in the API's own format, never a stack overflow or a silently rounded value. With `exact`, integers beyond
 * ±2^53 are kept, as bigints.
 */
export function parseJsonText(text: string, what = 'Request body', numbers: JsonNumbers = 'safe'): unknown {
  const depth = nestingDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    throw new BadRequestError(`${what} nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  let value: unknown;
  try {
    value = numbers === 'exact' ? parseExactJson(text) : JSON.parse(text);
  } catch {
    throw new BadRequestError(`${what} is not valid JSON`);
  }
  const unsafe = findUnsafeNumber(value, numbers);
  if (unsafe !== undefined) {
    throw new BadRequestError(
      numbers === 'safe'
        ? `${what} holds a number beyond ±2^53 at ${unsafe}`
        : `${what} holds a number beyond what JSON can carry at ${unsafe}`,
    );
  }
  return value;
}

/** The deepest nesting of arrays and objects in JSON text, brackets inside strings ignored. No recursion. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c /* \ */) index++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Which numbers a body may hold: `safe` (the default) only integers within ±2^53, since DynamoDB's marshaller refuses
 * the rest; `exact` any finite number, integers of any size kept exact as bigints (as Python's `json` keeps them), for
 * documents stored as JSON in S3 (e.g. MediaInfo's 128-bit track ids), refusing only what overflows to Infinity and
 * would be written back as `null`.
 */
export type JsonNumbers = 'safe' | 'exact';

/**
 * The JSONPath-like location of the first number beyond ±2^53 (or not finite), walked without recursion. Bigints are
 * what `exact` parsing makes of large integers: they are exact, so never at fault.
 */
export function findUnsafeNumber(value: unknown, numbers: JsonNumbers = 'safe'): string | undefined {
  const pending: [unknown, string][] = [[value, '$']];
  while (pending.length > 0) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) return path;
      if (numbers === 'safe' && Math.abs(current) > Number.MAX_SAFE_INTEGER) return path;
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push([item, `${path}[${index}]`]));
    } else if (typeof current === 'object' && current !== null) {
      for (const [name, member] of Object.entries(current)) pending.push([member, `${path}.${name}`]);
    }
  }
  return undefined;
}
