import { logger } from '../../shared/logger';
import type { OperatorObject } from '../../workflow/domain/types';
import type { DataplanePort } from '../shared/dataplane';
import { complete, errorText, failure, isObject, parseOperatorEvent, withStatus } from '../shared/operator';
import type { ObjectText } from '../../../shared/media/s3-objects';
import { parseExactJson } from '../../../shared/json/exact';

export const GENERIC_DATA_LOOKUP_ERROR = 'GenericDataLookupError';

/** The original's texts, "Unable read" included. */
export const Messages = {
  missingKey: 'Missing S3 key for data file.',
  missingBucket: 'Missing S3 bucket for data file.',
  unreadable: (cause: string) => `Unable read datafile. ${cause}`,
  notDict: (value: unknown) => `Metadata must be of type dict. Found <class '${pythonTypeName(value)}'> instead.`,
  uploadFailed: (assetId: string) => `Unable to upload metadata for asset: ${assetId}`,
};

export interface GenericDataLookupDependencies {
  readonly objects: ObjectText;
  readonly dataplane: DataplanePort;
}

/**
 * `GenericDataLookup`: stores a precomputed JSON document (`Configuration.Bucket` / `Configuration.Key`) as this
 * operation's metadata in the data plane, for results computed outside the workflow.
 */
export async function runGenericDataLookup(
  event: unknown,
  deps: GenericDataLookupDependencies,
): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const key = operator.Configuration['Key'];
  if (typeof key !== 'string' || key === '') throw failure(operator, GENERIC_DATA_LOOKUP_ERROR, Messages.missingKey);
  const bucket = operator.Configuration['Bucket'];
  if (typeof bucket !== 'string' || bucket === '') {
    throw failure(operator, GENERIC_DATA_LOOKUP_ERROR, Messages.missingBucket);
  }

  let document: unknown;
  try {
    // Python's json.loads keeps every integer exact; the document goes to the data plane as it was written.
    document = parseExactJson(await deps.objects.readText({ bucket, key }));
  } catch (error) {
    throw failure(operator, GENERIC_DATA_LOOKUP_ERROR, Messages.unreadable(errorText(error)));
  }
  if (!isObject(document)) throw failure(operator, GENERIC_DATA_LOOKUP_ERROR, Messages.notDict(document));

  const described = withStatus(operator, operator.Status, {
    metaData: { AssetId: operator.AssetId, WorkflowExecutionId: operator.WorkflowExecutionId },
  });
  try {
    await deps.dataplane.storeAssetMetadata({
      assetId: operator.AssetId,
      operatorName: operator.Name,
      workflowId: operator.WorkflowExecutionId,
      results: document,
    });
  } catch (error) {
    logger.error('Storing the operator metadata failed', { operator: operator.Name, assetId: operator.AssetId, error });
    throw failure(described, GENERIC_DATA_LOOKUP_ERROR, Messages.uploadFailed(operator.AssetId));
  }
  return complete(described);
}

/** The name Python gives the type `json.loads` produced for this value. */
function pythonTypeName(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return 'dict';
}
