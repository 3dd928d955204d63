import { detectMime, isSupportedMime } from '../domain/mime';
import type { ObjectLocation } from '../domain/records';
import type { ExecutionControl, ObjectStore, PipelineConfig } from '../ports';
import { isUuid, startIngest, type StartedIngest } from '../start/start-ingest';

export interface UploadedObject extends ObjectLocation {
  readonly size?: number;
}

export type S3EventOutcome =
  | ({ readonly outcome: 'started' } & StartedIngest & { readonly key: string })
  | { readonly outcome: 'skipped'; readonly key: string; readonly reason: string };

export interface S3EventDependencies {
  readonly config: Pick<PipelineConfig, 'proxyBucket' | 'mainStateMachineArn' | 'ingestBucket'>;
  readonly objects: ObjectStore;
  readonly executions: ExecutionControl;
}

const MAGIC_BYTES = 512;

/**
 * The objects an event announces: an EventBridge "Object Created" event (`detail.bucket.name`,
 * `detail.object.key`), or an S3 notification (`Records[].s3`, keys URL-encoded with `+` for spaces).
 */
export function uploadedObjects(event: unknown): UploadedObject[] {
  const body = (event ?? {}) as Record<string, unknown>;
  const detail = body.detail as { bucket?: { name?: string }; object?: { key?: string; size?: number } } | undefined;
  if (detail?.bucket?.name && detail.object?.key) {
    return [{ bucket: detail.bucket.name, key: detail.object.key, size: detail.object.size }];
  }
  const records = Array.isArray(body.Records) ? body.Records : [];
  return records.flatMap(
    (record: { s3?: { bucket?: { name?: string }; object?: { key?: string; size?: number } } }) => {
      const s3 = record.s3;
      if (!s3?.bucket?.name || !s3.object?.key) return [];
      return [
        { bucket: s3.bucket.name, key: decodeURIComponent(s3.object.key.replace(/\+/g, ' ')), size: s3.object.size },
      ];
    },
  );
}

/**
 * Starts ingest for each media file uploaded to the ingest bucket, as the original's S3 event handler does:
 * folders and empty objects, files the web portal uploads (it starts those itself, `x-amz-meta-webupload`) and
 * files that are no supported media (by name and first bytes) are skipped; `x-amz-meta-uuid` names the asset.
 */
export async function handleS3Event(event: unknown, deps: S3EventDependencies): Promise<S3EventOutcome[]> {
  const outcomes: S3EventOutcome[] = [];
  for (const object of uploadedObjects(event)) outcomes.push(await startForObject(object, deps));
  return outcomes;
}

async function startForObject(object: UploadedObject, deps: S3EventDependencies): Promise<S3EventOutcome> {
  const skip = (reason: string): S3EventOutcome => ({ outcome: 'skipped', key: object.key, reason });
  if (object.bucket !== deps.config.ingestBucket) return skip(`not the ingest bucket (${object.bucket})`);
  if (object.key.endsWith('/') || object.size === 0) return skip('empty object');
  const head = await deps.objects.head(object);
  if (!head) return skip('object no longer exists');
  if (head.size === 0) return skip('empty object');
  if (head.metadata.webupload) return skip('uploaded by the web portal, which starts its ingest itself');
  const mime = detectMime(object.key, await deps.objects.readRange(object, 0, Math.min(MAGIC_BYTES, head.size)));
  if (!isSupportedMime(mime)) return skip(`not a supported media type (${mime})`);
  const uuid = isUuid(head.metadata.uuid) ? head.metadata.uuid.toLowerCase() : undefined;
  const started = await startIngest({ bucket: object.bucket, key: object.key, ...(uuid ? { uuid } : {}) }, deps);
  return { outcome: 'started', key: object.key, ...started };
}
