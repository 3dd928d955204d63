/**
 * Reading a request's members as the Rekognition service model constrains them (types, ranges, patterns, enums).
 * Every failure is Rekognition's InvalidParameterException naming the member, never a 500.
 */
import { RekognitionErrors } from './errors';

export type Input = Record<string, unknown>;

function fail(member: string, why: string): never {
  throw RekognitionErrors.invalidParameter(`Request has invalid parameters: ${member} ${why}`);
}

export function optionalString(
  input: Input,
  member: string,
  rule: { pattern?: RegExp; min?: number; max?: number } = {},
): string | undefined {
  const value = input[member];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(member, 'must be a string');
  if (value.length < (rule.min ?? 1) || value.length > (rule.max ?? Number.MAX_SAFE_INTEGER)) {
    fail(member, `must have a length between ${rule.min ?? 1} and ${rule.max ?? 'unbounded'}`);
  }
  if (rule.pattern && !rule.pattern.test(value)) fail(member, `must match ${rule.pattern.source}`);
  return value;
}

export function requiredString(
  input: Input,
  member: string,
  rule: { pattern?: RegExp; min?: number; max?: number } = {},
): string {
  const value = optionalString(input, member, rule);
  if (value === undefined) fail(member, 'is required');
  return value;
}

export function optionalNumber(
  input: Input,
  member: string,
  range: { min: number; max?: number; integer?: boolean },
): number | undefined {
  const value = input[member];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(member, 'must be a number');
  if (range.integer && !Number.isInteger(value)) fail(member, 'must be an integer');
  if (value < range.min || (range.max !== undefined && value > range.max)) {
    fail(member, `must be between ${range.min} and ${range.max ?? 'unbounded'}`);
  }
  return value;
}

export function optionalEnum<T extends string>(input: Input, member: string, values: readonly T[]): T | undefined {
  const value = input[member];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    fail(member, `must be one of ${values.join(', ')}`);
  }
  return value as T;
}

export function optionalEnumList<T extends string>(
  input: Input,
  member: string,
  values: readonly T[],
): T[] | undefined {
  const value = input[member];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(member, 'must be a list');
  for (const item of value) {
    if (typeof item !== 'string' || !(values as readonly string[]).includes(item)) {
      fail(member, `must list only ${values.join(', ')}`);
    }
  }
  return value as T[];
}

export function optionalStringList(
  input: Input,
  member: string,
  rule: { pattern?: RegExp; maxItems?: number; minItems?: number } = {},
): string[] | undefined {
  const value = input[member];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(member, 'must be a list');
  if (value.length < (rule.minItems ?? 0) || value.length > (rule.maxItems ?? Number.MAX_SAFE_INTEGER)) {
    fail(member, `must have between ${rule.minItems ?? 0} and ${rule.maxItems ?? 'unbounded'} items`);
  }
  for (const item of value) {
    if (typeof item !== 'string' || (rule.pattern && !rule.pattern.test(item))) {
      fail(member, `must list strings matching ${rule.pattern?.source ?? 'any'}`);
    }
  }
  return value as string[];
}

export function optionalObject(input: Input, member: string): Input | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) fail(member, 'must be a structure');
  return value as Input;
}

export function requiredObject(input: Input, member: string): Input {
  const value = optionalObject(input, member);
  if (!value) fail(member, 'is required');
  return value;
}

/** Rekognition's patterns and limits. */
export const COLLECTION_ID = { pattern: /^[a-zA-Z0-9_.-]+$/, max: 255 };
export const EXTERNAL_IMAGE_ID = { pattern: /^[a-zA-Z0-9_.\-:]+$/, max: 255 };
export const FACE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const JOB_ID = { pattern: /^[a-zA-Z0-9-_]+$/, max: 64 };
export const CLIENT_REQUEST_TOKEN = { pattern: /^[a-zA-Z0-9-_]+$/, max: 64 };
export const JOB_TAG = { pattern: /^[a-zA-Z0-9_.\-:+=/]+$/, max: 1024 };
export const PAGINATION_TOKEN = { max: 255 };
export const BUCKET = { pattern: /^[0-9A-Za-z.\-_]*(?!^)$/, min: 3, max: 255 };
