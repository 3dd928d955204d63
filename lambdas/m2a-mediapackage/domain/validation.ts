import { InvalidInputError, type ErrorSource } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A uuid, lower-cased so ids compare and key the same however a client spells them. */
export function uuidField(value: unknown, name: string, source: ErrorSource): string {
  if (!isUuid(value)) throw new InvalidInputError(`${name} must be a UUID`, source);
  return value.toLowerCase();
}

export function stringField(
  value: unknown,
  name: string,
  source: ErrorSource,
  limits: { min?: number; max: number; pattern?: RegExp; patternText?: string },
): string {
  if (typeof value !== 'string') throw new InvalidInputError(`${name} must be a string`, source);
  if (value.length < (limits.min ?? 1) || value.length > limits.max) {
    throw new InvalidInputError(`${name} must be ${limits.min ?? 1} to ${limits.max} characters long`, source);
  }
  if (limits.pattern && !limits.pattern.test(value)) {
    throw new InvalidInputError(`${name} must match ${limits.patternText ?? limits.pattern.source}`, source);
  }
  return value;
}

/** Refuses members a schema does not define: a misspelt field is a clear 400, never silently dropped. */
export function onlyKnownMembers(
  object: Record<string, unknown>,
  allowed: readonly string[],
  pointer: string,
  what: string,
): void {
  const unknown = Object.keys(object).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `${what} does not allow ${unknown.map((key) => `"${key}"`).join(', ')} (allowed: ${allowed.join(', ')})`,
      { pointer: `${pointer}/${escapePointer(unknown[0] as string)}` },
    );
  }
}

/** RFC 6901 escaping of one reference token. */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Labels: a flat map of short strings, as resource labels usually are. */
export function labelsField(value: unknown, pointer: string): Record<string, string> {
  if (!isPlainObject(value)) throw new InvalidInputError('labels must be an object of strings', { pointer });
  const entries = Object.entries(value);
  if (entries.length > 50) throw new InvalidInputError('labels may hold at most 50 entries', { pointer });
  for (const [key, label] of entries) {
    if (key.length === 0 || key.length > 128) {
      throw new InvalidInputError('label names must be 1 to 128 characters long', { pointer });
    }
    if (typeof label !== 'string' || label.length > 256) {
      throw new InvalidInputError(`label "${key}" must be a string of at most 256 characters`, {
        pointer: `${pointer}/${escapePointer(key)}`,
      });
    }
  }
  return { ...(value as Record<string, string>) };
}
