import { itemLimitViolation } from '../../../shared/dynamodb/limits';
import { isPlainObject } from '../../../shared/http';
import { invalid } from './errors';
import type { AiOptions } from './records';

/**
 * The original's input rules (core-lib `ValidationHelper`), and the few we add where the original let a value
 * through to fail later inside DynamoDB or S3 as a server error.
 */

/** A v4-shaped uuid, or a run of hex digits as the original also accepts (capped: it becomes a key and a prefix). */
export function isUuid(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    (/^[a-fA-F0-9]{8}(-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}$/.test(value) || /^[a-fA-F0-9]{8,128}$/.test(value))
  );
}

/** S3's bucket naming rules, as the original checks them. */
export function isBucketName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= 3 &&
    value.length <= 63 &&
    !/[^a-z0-9-.]/.test(value) &&
    !/^[^a-z0-9]/.test(value) &&
    !/\.{2,}/.test(value) &&
    !/^\d+.\d+.\d+.\d+$/.test(value)
  );
}

/**
 * The original's `validateFilepath`: Unicode letters and digits, `. _ - ( ) ' ‘ ’`, space and `/`; no `..`, no
 * `//`, no leading or trailing space. Checked on the NFC form; the key is used as sent. S3's 1024-byte key limit
 * is ours.
 */
export function isSafePath(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || Buffer.byteLength(value, 'utf8') > 1024) return false;
  const normalized = value.normalize('NFC');
  return (
    /^[\p{L}\p{N}._\-()'\u2018\u2019 /]+$/u.test(normalized) &&
    !normalized.includes('..') &&
    !normalized.includes('//') &&
    normalized.trim() === normalized
  );
}

/** Group names and attribute names. The original allows an empty one; DynamoDB cannot index an empty group. */
export function isGroupName(value: unknown): value is string {
  return typeof value === 'string' && /^[a-zA-Z0-9_-]{1,128}$/.test(value);
}

export const isAttributeName = isGroupName;

export function isAttributeValue(value: unknown): value is string {
  return typeof value === 'string' && /^[a-zA-Z0-9_%., -]{0,255}$/.test(value);
}

export function parseUuid(value: unknown): string {
  if (!isUuid(value)) throw invalid('invalid uuid');
  return value;
}

/**
 * Ours: the original's options are a few hundred bytes, and they travel in the asset record and in every execution
 * input (Step Functions takes 256 KB), so a much larger value can only fail later, as a server error.
 */
export const MAX_AI_OPTIONS_BYTES = 64 * 1024;

export function parseAiOptions(value: unknown): AiOptions | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw invalid('invalid aiOptions');
  const violation = itemLimitViolation({ aiOptions: value }, MAX_AI_OPTIONS_BYTES);
  if (violation) throw invalid(`invalid aiOptions: ${violation.message}`);
  return value;
}

export interface IngestDestinationInput {
  readonly bucket?: string;
  readonly prefix?: string;
}

/** `POST /assets`' `input`, checked. Fields the original's main state machine does not read are dropped. */
export interface IngestInput {
  readonly uuid?: string;
  /** Absent: the ingest bucket. */
  readonly bucket?: string;
  readonly key: string;
  readonly destination?: IngestDestinationInput;
  readonly group?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly aiOptions?: AiOptions;
  /** The media type, when the key's extension does not tell it. */
  readonly mime?: string;
  /** The checksum a batch manifest lists, for the pipeline's fixity check. */
  readonly md5?: string;
}

/** The body of `POST /assets`: `{input: {...}}`. */
export function parseIngestBody(body: unknown): IngestInput {
  const input = isPlainObject(body) ? body.input : undefined;
  if (!isPlainObject(input)) throw invalid('input object must be specified');
  return parseIngestInput(input);
}

/** One ingest request, in the order the original checks its fields. */
export function parseIngestInput(input: Readonly<Record<string, unknown>>): IngestInput {
  if (!isSafePath(input.key)) throw invalid('invalid key name');
  if (input.uuid !== undefined && !isUuid(input.uuid)) throw invalid('invalid uuid');
  if (input.bucket !== undefined && !isBucketName(input.bucket)) throw invalid('invalid bucket name');
  const destination = parseDestination(input.destination);
  // The original treats an empty group as none.
  if (input.group !== undefined && input.group !== '' && !isGroupName(input.group)) throw invalid('invalid group name');
  const attributes = parseAttributes(input.attributes);
  const aiOptions = parseAiOptions(input.aiOptions);
  if (input.mime !== undefined && !(typeof input.mime === 'string' && /^[\w.+-]+\/[\w.+-]+$/.test(input.mime))) {
    throw invalid('invalid mime');
  }
  if (input.md5 !== undefined && !(typeof input.md5 === 'string' && /^[0-9a-fA-F]{32}$/.test(input.md5))) {
    throw invalid('invalid md5');
  }
  return {
    key: input.key,
    ...(input.uuid === undefined ? {} : { uuid: input.uuid }),
    ...(input.bucket === undefined ? {} : { bucket: input.bucket }),
    ...(destination === undefined ? {} : { destination }),
    ...(typeof input.group === 'string' && input.group !== '' ? { group: input.group } : {}),
    ...(attributes === undefined ? {} : { attributes }),
    ...(aiOptions === undefined ? {} : { aiOptions }),
    ...(input.mime === undefined ? {} : { mime: input.mime as string }),
    ...(input.md5 === undefined ? {} : { md5: input.md5 as string }),
  };
}

function parseDestination(value: unknown): IngestDestinationInput | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw invalid('invalid destination');
  const { bucket, prefix } = value;
  // The original skips empty values (`destination.bucket && ...`) and then fills them with its defaults.
  if (bucket !== undefined && bucket !== '' && !isBucketName(bucket)) throw invalid('invalid destination bucket name');
  if (prefix !== undefined && prefix !== '' && !isSafePath(prefix)) throw invalid('invalid destination prefix');
  return {
    ...(typeof bucket === 'string' && bucket !== '' ? { bucket } : {}),
    ...(typeof prefix === 'string' && prefix !== '' ? { prefix } : {}),
  };
}

function parseAttributes(value: unknown): Readonly<Record<string, string>> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw invalid('invalid attributes');
  for (const name of Object.keys(value)) {
    if (!isAttributeName(name)) throw invalid('invalid attribute key name');
  }
  for (const attribute of Object.values(value)) {
    // The original's wording.
    if (!isAttributeValue(attribute)) throw invalid('invalid attribute key value');
  }
  return value as Record<string, string>;
}

/** `POST /analysis/{uuid}`: an optional `{input: {aiOptions, uuid}}`. */
export interface AnalysisInput {
  readonly aiOptions?: AiOptions;
}

export function parseAnalysisBody(body: unknown, uuid: string): AnalysisInput {
  if (body === undefined) return {};
  if (!isPlainObject(body)) throw invalid('request body must be a JSON object');
  const input = body.input;
  if (input === undefined) return {};
  if (!isPlainObject(input)) throw invalid('invalid input');
  // The original lets `input.uuid` override the path; a body naming another asset is a mistake here.
  if (input.uuid !== undefined && input.uuid !== uuid) throw invalid('invalid uuid');
  const aiOptions = parseAiOptions(input.aiOptions);
  return aiOptions === undefined ? {} : { aiOptions };
}
