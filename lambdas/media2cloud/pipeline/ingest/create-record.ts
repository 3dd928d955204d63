import { resolveIngestAiOptions, isOptions, type AiOptions } from '../domain/ai-options';
import { IngestError, UnsupportedMediaError } from '../domain/errors';
import { AI_OPTIONS_SETTINGS_KEY, basenameOf, makeSafeOutputPrefix } from '../domain/layout';
import { detectMime, mediaTypeOfMime, typeOfMime } from '../domain/mime';
import type { Destination, ObjectLocation } from '../domain/records';
import { asObject, optionalString, parseIngestRequest, type IngestState } from '../domain/state';
import { OverallStatus, Status } from '../domain/statuses';
import type { PipelineDependencies } from '../ports';
import { searchDocumentOf } from '../status/status-writer';

const MAGIC_BYTES = 512;
const MD5_HEX = /^[0-9a-fA-F]{32}$/;

export type CreateRecordDependencies = Pick<PipelineDependencies, 'config' | 'records' | 'objects' | 'search' | 'now'>;

/**
 * `Create record`: checks the upload, decides its MIME and media type (extension and first bytes), resolves its
 * `aiOptions` and destination, and writes the ingest record with `INGEST_STARTED`/`PROCESSING`. The record is
 * written even for a file that is no media, so that the failure shows on the asset.
 */
export async function createRecord(event: unknown, deps: CreateRecordDependencies): Promise<IngestState> {
  const body = asObject(event, 'event');
  const request = parseIngestRequest(body.input);
  const executionArn = optionalString(body.executionArn);
  const source: ObjectLocation = { bucket: request.bucket, key: request.key };

  const head = await deps.objects.head(source);
  if (!head) throw new IngestError(`s3://${source.bucket}/${source.key} does not exist`);
  const firstBytes =
    head.size > 0 ? await deps.objects.readRange(source, 0, Math.min(MAGIC_BYTES, head.size)) : new Uint8Array(0);
  const mime = request.mime ?? detectMime(source.key, firstBytes);
  const type = mediaTypeOfMime(mime);

  const aiOptions = resolveIngestAiOptions(
    request.aiOptions,
    await globalAiOptions(deps),
    deps.config.defaultAiOptions,
  );
  const destination: Destination = {
    bucket: request.destination?.bucket ?? deps.config.proxyBucket,
    prefix: request.destination?.prefix ?? makeSafeOutputPrefix(request.uuid, request.key),
  };
  const declaredMd5 = [request.md5, head.metadata.md5].find((md5) => md5 !== undefined && MD5_HEX.test(md5));

  await deps.records.upsert(request.uuid, {
    set: {
      // The original copies the upload's user metadata into the record first; its own fields take precedence.
      ...head.metadata,
      bucket: source.bucket,
      key: source.key,
      basename: basenameOf(source.key),
      ...(declaredMd5 ? { md5: declaredMd5.toLowerCase() } : {}),
      mime,
      type: type ?? typeOfMime(mime),
      fileSize: head.size,
      storageClass: head.storageClass,
      lastModified: head.lastModified,
      timestamp: deps.now(),
      schemaVersion: 1,
      attributes: request.attributes,
      group: request.group,
      aiOptions,
      status: Status.IngestStarted,
      overallStatus: OverallStatus.Processing,
      executionArn,
      destination,
    },
    // A re-ingest starts clean of the previous run's outcome.
    remove: ['errorMessage', 'proxies', 'imageinfo', 'docinfo', 'mediainfo', 'duration', 'framerate'],
  });

  if (!type) {
    throw new UnsupportedMediaError(`${source.key} (${mime}) is not a video, audio, image or PDF document`);
  }
  const record = await deps.records.get(request.uuid);
  const document = record && searchDocumentOf(record);
  if (document) await deps.search.index(document);

  return {
    uuid: request.uuid,
    input: { ...request, type, mime, destination, aiOptions },
    data: {},
  };
}

/** The global `aiOptions` the web portal saves in the proxy bucket, if any. */
async function globalAiOptions(deps: CreateRecordDependencies): Promise<AiOptions | undefined> {
  const text = await deps.objects
    .getText({ bucket: deps.config.proxyBucket, key: AI_OPTIONS_SETTINGS_KEY })
    .catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return isOptions(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
