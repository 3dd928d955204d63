import type { ObjectLocation } from '../../../shared/media/s3-objects';
import {
  OperationStatus,
  type JsonObject,
  type MediaMap,
  type MediaObject,
  type OperatorObject,
} from '../../workflow/domain/types';

/**
 * The operator contract of the original (`MediaInsightsOperationHelper`, `MasExecutionError`): an operator gets the
 * operator object and returns it with a new `Status` and added `MetaData`/`Media`, or fails by throwing
 * `MasExecutionError` whose message is that object, as JSON, with status `Error` and a `<Operator>Error` message.
 */

/** The error name the engine (and the original's state machine) recognises as an operator's own failure. */
export const MAS_EXECUTION_ERROR = 'MasExecutionError';

export class MasExecutionError extends Error {
  constructor(readonly output: OperatorObject) {
    super(JSON.stringify(output));
    // Spelled out, not taken from the class: minified bundles rename classes, and the Lambda runtime reports `name`.
    this.name = MAS_EXECUTION_ERROR;
  }
}

/** The event was not an operator object at all; there is no output object to report it in. */
export class InvalidOperatorEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOperatorEventError';
  }
}

/**
 * The event as an operator object. The original reads `Name`, `AssetId`, `WorkflowExecutionId`, `Input`,
 * `Configuration` and `Status` unconditionally and defaults `MetaData` and `Media` to `{}`; we do the same, but
 * fail with a message instead of a Python `KeyError`.
 */
export function parseOperatorEvent(event: unknown): OperatorObject {
  if (!isObject(event)) throw new InvalidOperatorEventError('The operator event must be a JSON object');
  const name = event['Name'];
  if (typeof name !== 'string' || name === '') throw new InvalidOperatorEventError("Key 'Name' is required");
  const input = event['Input'];
  if (!isObject(input)) throw new InvalidOperatorEventError("Key 'Input' is required and must be an object");
  const configuration = event['Configuration'];
  if (!isObject(configuration)) {
    throw new InvalidOperatorEventError("Key 'Configuration' is required and must be an object");
  }
  return {
    Name: name,
    AssetId: typeof event['AssetId'] === 'string' ? event['AssetId'] : '',
    WorkflowExecutionId: typeof event['WorkflowExecutionId'] === 'string' ? event['WorkflowExecutionId'] : '',
    Input: {
      Media: (isObject(input['Media']) ? input['Media'] : {}) as MediaMap,
      MetaData: isObject(input['MetaData']) ? input['MetaData'] : {},
    },
    Configuration: configuration as OperatorObject['Configuration'],
    Status: typeof event['Status'] === 'string' ? event['Status'] : OperationStatus.Started,
    MetaData: isObject(event['MetaData']) ? { ...event['MetaData'] } : {},
    Media: (isObject(event['Media']) ? { ...event['Media'] } : {}) as MediaMap,
  };
}

export interface OperatorChanges {
  readonly metaData?: JsonObject;
  readonly media?: MediaMap;
}

/** The operator object with a new status and the given metadata and media added (later keys win). */
export function withStatus(operator: OperatorObject, status: string, changes: OperatorChanges = {}): OperatorObject {
  return {
    ...operator,
    Status: status,
    MetaData: { ...operator.MetaData, ...changes.metaData },
    Media: { ...operator.Media, ...changes.media },
  };
}

export function complete(operator: OperatorObject, changes?: OperatorChanges): OperatorObject {
  return withStatus(operator, OperationStatus.Complete, changes);
}

export function executing(operator: OperatorObject, changes?: OperatorChanges): OperatorObject {
  return withStatus(operator, OperationStatus.Executing, changes);
}

/** The error to throw: the operator object in status `Error` with `MetaData[errorKey] = message`. */
export function failure(operator: OperatorObject, errorKey: string, message: string): MasExecutionError {
  return new MasExecutionError(withStatus(operator, OperationStatus.Error, { metaData: { [errorKey]: message } }));
}

/**
 * The first of `types` that the stage input carries, with its location. The original indexes the media object
 * directly, so a missing `S3Bucket` or `S3Key` fails with Python's quoted key name, which we keep.
 */
export function inputMedia(
  operator: OperatorObject,
  types: readonly string[],
): { type: string; media: MediaObject } | { missing: string } {
  const type = types.find((candidate) => Object.hasOwn(operator.Input.Media, candidate));
  if (type === undefined) return { missing: types[0] ?? 'Media' };
  const media: unknown = operator.Input.Media[type];
  if (!isObject(media)) return { missing: 'S3Bucket' };
  for (const field of ['S3Bucket', 'S3Key'] as const) {
    if (typeof media[field] !== 'string' || media[field] === '') return { missing: field };
  }
  return { type, media: { S3Bucket: media['S3Bucket'] as string, S3Key: media['S3Key'] as string } };
}

/** A media object (`{S3Bucket, S3Key}` on the wire) as the shared S3 adapter names it. */
export function objectLocation(media: MediaObject): ObjectLocation {
  return { bucket: media.S3Bucket, key: media.S3Key };
}

/** The original's text for a missing input key: `Missing a required metadata key 'S3Key'`. */
export function missingKeyMessage(key: string): string {
  return `Missing a required metadata key '${key}'`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `str(e)` of whatever was thrown, for the messages the original builds with `str(e)`. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A failed service call as the original's SDK (botocore) words it — `An error occurred (Code) when calling the
 * Operation operation: message` — so the messages operators report read the same; other errors as they are.
 */
export function serviceErrorText(error: unknown, operation: string): string {
  const name = (error as { name?: unknown } | null)?.name;
  const isServiceError = typeof error === 'object' && error !== null && '$metadata' in error;
  return isServiceError && typeof name === 'string'
    ? `An error occurred (${name}) when calling the ${operation} operation: ${errorText(error)}`
    : errorText(error);
}
