import { IngestError } from '../domain/errors';
import { assetRootPrefix } from '../domain/layout';
import { asObject, optionalString } from '../domain/state';
import { StateStatus } from '../domain/statuses';
import type { PipelineDependencies } from '../ports';
import { isUuid } from '../start/start-ingest';

export interface RemovalResult {
  readonly uuid: string;
  readonly status: typeof StateStatus.Removed;
  readonly stopped: boolean;
  readonly proxiesDeleted: number;
  readonly analysisRecordsDeleted: number;
  readonly searchDocumentRemoved: boolean;
}

/**
 * Removes an asset (the original's asset-removal state), invoked with `{uuid, executionArn?}`: stops its running
 * execution (the one given and the one its record names, when still running), deletes every object under
 * `<uuid>/` in its proxy bucket, its search document, and its analysis and ingest records. The upload in the
 * ingest bucket is never touched, even when the asset's destination is the same bucket.
 */
export async function removeAsset(
  event: unknown,
  deps: Pick<PipelineDependencies, 'config' | 'records' | 'analyses' | 'objects' | 'search' | 'executions'>,
): Promise<RemovalResult> {
  const body = asObject(event, 'event');
  const uuid = body.uuid ?? (body.input as { uuid?: unknown } | undefined)?.uuid;
  if (!isUuid(uuid)) throw new IngestError('invalid uuid');

  const record = await deps.records.get(uuid);
  // The API passes the execution it knows of (the main one); the record names the nested one running now.
  const executions = new Set(
    [optionalString(body.executionArn), optionalString(record?.executionArn)].filter((arn) => arn !== undefined),
  );
  let stopped = false;
  for (const executionArn of executions) {
    if ((await deps.executions.stop(executionArn, `asset ${uuid} was removed`)) === 'stopped') stopped = true;
  }

  // The ingest record goes last: until it is gone the asset is still listed and a failed removal can be retried,
  // and once `GET /assets/{uuid}` answers 404 nothing of the asset is left.
  const bucket = record?.destination?.bucket ?? deps.config.proxyBucket;
  const upload = record?.bucket === bucket ? record.key : undefined;
  const keys = (await deps.objects.list(bucket, assetRootPrefix(uuid)))
    .map((object) => object.key)
    .filter((key) => key !== upload);
  await deps.objects.deleteKeys(bucket, keys);

  const searchDocumentRemoved = await deps.search.remove(uuid);
  const analysisRecordsDeleted = await deps.analyses.deleteAll(uuid);
  await deps.records.delete(uuid);
  return {
    uuid,
    status: StateStatus.Removed,
    stopped,
    proxiesDeleted: keys.length,
    analysisRecordsDeleted,
    searchDocumentRemoved,
  };
}
