import { MAX_ITEM_BYTES } from '../../../shared/dynamodb/item-size';
import { itemLimitViolation } from '../../../shared/dynamodb/limits';
import { BadRequestError, isPlainObject } from '../../../shared/http';
import { isSafeObjectKey, isSafePathSegment, isValidBucketName } from './keys';
import type { MediaObjectRef } from './ports';

/**
 * Input checks at the edge, so the rest of the data plane gets typed values. Where the original already answers a
 * mistake with a message, we keep its wording (including Python's quoting of a missing key); where it crashed with a
 * 500, the message is ours.
 */

/** Attributes of the asset record itself; an operator with one of these names would overwrite the asset. */
export const GLOBAL_ASSET_ATTRIBUTES = ['MediaType', 'S3Key', 'S3Bucket', 'AssetId', 'Created'] as const;

const RESERVED_OPERATOR_NAMES: ReadonlySet<string> = new Set<string>([
  ...GLOBAL_ASSET_ATTRIBUTES,
  // The cursor keeps an operator name and "page" side by side in one JSON object.
  'page',
  // Operator names become object keys when an asset record is read.
  '__proto__',
]);

export interface NewAssetInput {
  readonly mediaType: string;
  readonly s3Bucket: string;
  readonly s3Key: string;
}

export interface StoreMetadataInput {
  readonly operatorName: string;
  readonly workflowId: string;
  readonly results: Record<string, unknown>;
}

/** How a POST /metadata call relates to a multi-page result. */
export type PaginationMode = { readonly paginated: false } | { readonly paginated: true; readonly end: boolean };

/** `{"Input": {"MediaType", "S3Bucket", "S3Key"}}` of POST /create. */
export function parseNewAsset(body: unknown): NewAssetInput {
  const context = 'asset creation';
  const input = requireObject(requireObject(body, context)['Input'], context, 'Input');
  const mediaType = requireString(input, 'MediaType', context);
  const s3Key = requireString(input, 'S3Key', context);
  const s3Bucket = requireString(input, 'S3Bucket', context);
  assertBucket(s3Bucket, `Invalid input for ${context}`);
  assertObjectKey(s3Key, `Invalid input for ${context}`);
  assertFitsRecord({ MediaType: mediaType, S3Bucket: s3Bucket, S3Key: s3Key }, context);
  return { mediaType, s3Bucket, s3Key };
}

/** `{"S3Bucket", "S3Key"}` of POST /upload and POST /download. */
export function parseMediaObjectRef(body: unknown, purpose: 'uploading' | 'downloading'): MediaObjectRef {
  const prefix = `Unable to generate pre-signed S3 URL for ${purpose} media`;
  if (!isPlainObject(body)) throw new BadRequestError(`${prefix}: the request body must be a JSON object`);
  for (const field of ['S3Bucket', 'S3Key']) {
    if (!Object.hasOwn(body, field)) throw new BadRequestError(`${prefix}: '${field}'`);
    if (!isNonEmptyString(body[field])) throw new BadRequestError(`${prefix}: '${field}' must be a non-empty string`);
  }
  const bucket = body['S3Bucket'] as string;
  const key = body['S3Key'] as string;
  assertBucket(bucket, prefix);
  assertObjectKey(key, prefix);
  return { bucket, key };
}

/** The query string of POST /metadata/{asset_id}: none, `?paginated=true`, or `?paginated=true&end=true`. */
export function parsePaginationMode(query: Readonly<Record<string, string>>): PaginationMode {
  const names = Object.keys(query);
  if (names.length === 0) return { paginated: false };
  const unsupported = names.find((name) => name !== 'paginated' && name !== 'end');
  if (unsupported !== undefined) throw new BadRequestError(`Unsupported query parameter: ${unsupported}`);
  if (!Object.hasOwn(query, 'paginated')) throw new BadRequestError('Must pass required query parameter: paginated');
  if (query['paginated'] !== 'true') throw new BadRequestError('Query param paginated only supports a value of: true');
  if (Object.hasOwn(query, 'end') && query['end'] !== 'true') {
    throw new BadRequestError('Query param end only supports a value of: true');
  }
  return { paginated: true, end: Object.hasOwn(query, 'end') };
}

/** `{"OperatorName", "WorkflowId", "Results"}` of POST /metadata/{asset_id}. */
export function parseStoreMetadata(body: unknown, assetId: string): StoreMetadataInput {
  const context = 'storing metadata';
  const fields = requireObject(body, context);
  const operatorName = requireString(fields, 'OperatorName', context);
  const workflowId = requireString(fields, 'WorkflowId', context);
  if (!Object.hasOwn(fields, 'Results')) throw missing('Results', context);
  const results = fields['Results'];
  assertOperatorName(operatorName, `Invalid input for ${context}: 'OperatorName'`);
  if (!isSafePathSegment(workflowId)) {
    throw new BadRequestError(`Invalid input for ${context}: 'WorkflowId' cannot be part of an S3 key`);
  }
  if (!isPlainObject(results)) {
    throw new BadRequestError(
      `Exception occurred while storing metadata for ${assetId}: results are not the required data type, dict`,
    );
  }
  return { operatorName, workflowId, results };
}

/** `{"LockedBy"}` of POST /checkout/{asset_id}. */
export function parseLockedBy(body: unknown): string {
  const lockedBy = requireString(requireObject(body, 'locking asset'), 'LockedBy', 'locking asset');
  assertFitsRecord({ LockedBy: lockedBy }, 'locking asset');
  return lockedBy;
}

/**
 * What the caller sends becomes one DynamoDB item next to a few attributes of ours (ids, timestamps): refused here,
 * naming the field, rather than failing the write as a ValidationException after other writes were made.
 */
const RECORD_HEADROOM_BYTES = 1024;

function assertFitsRecord(fields: Readonly<Record<string, unknown>>, context: string): void {
  const violation = itemLimitViolation(fields, MAX_ITEM_BYTES - RECORD_HEADROOM_BYTES);
  if (violation) throw new BadRequestError(`Invalid input for ${context}: ${violation.message}`);
}

/** A path parameter that names an asset or a workflow run, and so becomes part of an S3 key. */
export function parseIdParameter(pathParameters: Readonly<Record<string, string>>, name: string): string {
  const value = pathParameters[name];
  if (value === undefined || !isSafePathSegment(value)) {
    throw new BadRequestError(`Invalid path parameter '${name}': ${JSON.stringify(value ?? '')}`);
  }
  return value;
}

export function parseOperatorParameter(pathParameters: Readonly<Record<string, string>>, name: string): string {
  const value = parseIdParameter(pathParameters, name);
  assertOperatorName(value, `Invalid path parameter '${name}'`);
  return value;
}

function assertOperatorName(name: string, prefix: string): void {
  if (!isSafePathSegment(name)) throw new BadRequestError(`${prefix} cannot be part of an S3 key`);
  if (RESERVED_OPERATOR_NAMES.has(name)) throw new BadRequestError(`${prefix}: ${name} is a reserved name`);
}

function assertBucket(bucket: string, prefix: string): void {
  if (!isValidBucketName(bucket)) throw new BadRequestError(`${prefix}: 'S3Bucket' is not a valid bucket name`);
}

function assertObjectKey(key: string, prefix: string): void {
  if (!isSafeObjectKey(key)) throw new BadRequestError(`${prefix}: 'S3Key' is not a valid object key`);
}

function requireObject(value: unknown, context: string, field?: string): Record<string, unknown> {
  if (value === undefined && field !== undefined) throw missing(field, context);
  if (!isPlainObject(value)) {
    const what = field === undefined ? 'the request body' : `'${field}'`;
    throw new BadRequestError(`Invalid input for ${context}: ${what} must be a JSON object`);
  }
  return value;
}

function requireString(fields: Record<string, unknown>, field: string, context: string): string {
  if (!Object.hasOwn(fields, field)) throw missing(field, context);
  const value = fields[field];
  if (!isNonEmptyString(value)) {
    throw new BadRequestError(`Invalid input for ${context}: '${field}' must be a non-empty string`);
  }
  return value;
}

function missing(field: string, context: string): BadRequestError {
  // Python prints a KeyError as the quoted key, which is what the original puts in its message.
  return new BadRequestError(`Missing required inputs for ${context}: '${field}'`);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
