/**
 * Fragment numbers are decimal strings of about 47 digits: beyond a double (2^53) and beyond DynamoDB's N (38
 * digits). They are compared as BigInt here and kept as S in DynamoDB, next to an order key left-padded to the
 * longest number the service allows (128 digits) so a condition expression can compare them as strings.
 */
const MAX_DIGITS = 128;
const DIGITS = /^[0-9]{1,128}$/;

export function isFragmentNumber(value: unknown): value is string {
  return typeof value === 'string' && DIGITS.test(value);
}

/** Negative, zero or positive as `a` is before, equal to or after `b`. */
export function compareFragmentNumbers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A string whose lexicographic order is the numeric order of fragment numbers. */
export function fragmentOrderKey(fragmentNumber: string): string {
  if (!isFragmentNumber(fragmentNumber)) throw new RangeError(`Not a fragment number: ${fragmentNumber}`);
  return BigInt(fragmentNumber).toString().padStart(MAX_DIGITS, '0');
}
