import { posix } from 'node:path';
import { HttpError } from '../../../shared/http';
import { logger } from '../../shared/logger';
import { SCHEMA_VERSION, type IngestRecord } from '../../tables/ingest';
import { itemLimitViolation } from '../../../shared/dynamodb/limits';
import { accessDenied, assetNotFound, runInFlight, invalid, notFound, uuidInUse } from './errors';
import { toAssetListPage, type AssetListPage, type AssetListQuery } from './listing';
import { MAX_MANIFEST_BYTES, parseManifest } from './manifest';
import { isManifestKey, mimeOf, typeOf } from './mime';
import type { Media2CloudDependencies, ObjectRef, SourceObject } from './ports';
import { Statuses, type Destination, type IngestStart } from './records';
import { parseIngestInput, type IngestInput } from './validation';

export interface IngestStarted {
  readonly executionArn: string;
  /** ISO 8601, as the original's JSON carries Step Functions' `startDate`. */
  readonly startDate: string;
  readonly uuid: string;
  readonly status: typeof Statuses.Started;
}

/** A manifest entry that could not be started; the others still are. */
export interface IngestFailed {
  readonly uuid?: string;
  readonly status: typeof Statuses.Error;
  readonly errorMessage: string;
}

export interface AssetRemoved {
  readonly uuid: string;
  readonly status: typeof Statuses.Removed;
}

/** Manifest entries started at once: enough to be quick, few enough not to hit Step Functions' start rate. */
const BATCH_CONCURRENCY = 8;

/** The `/assets` routes: the library listing, one asset's record, starting an ingest, removing an asset. */
export class AssetLibrary {
  constructor(private readonly deps: Media2CloudDependencies) {}

  async list(query: AssetListQuery): Promise<AssetListPage> {
    const entries = await this.deps.ingest.listIndex(query.index, query.value, query.pageSize + 1, query.startKey);
    return toAssetListPage(query, entries);
  }

  async get(uuid: string): Promise<IngestRecord> {
    const record = await this.deps.ingest.get(uuid);
    if (!record) throw assetNotFound(uuid);
    return record;
  }

  /** A key with a JSON extension is a batch manifest: one ingest per listed file, as in the original. */
  ingest(input: IngestInput): Promise<IngestStarted | (IngestStarted | IngestFailed)[]> {
    return isManifestKey(input.key) ? this.ingestBatch(input) : this.ingestOne(input);
  }

  /** Hands the removal to the removal function, which also stops the asset's execution if it is still running. */
  async remove(uuid: string): Promise<AssetRemoved> {
    const record = await this.get(uuid);
    await this.deps.removal.request({
      uuid,
      ...(typeof record.executionArn === 'string' ? { executionArn: record.executionArn } : {}),
    });
    return { uuid, status: Statuses.Removed };
  }

  /**
   * Writes the first ingest record, then starts the main state machine. If the start fails the record is put back
   * as it was (removed for a new asset), so a failed request leaves nothing behind.
   */
  private async ingestOne(input: IngestInput): Promise<IngestStarted> {
    const { settings } = this.deps;
    const uuid = input.uuid ?? this.deps.newUuid();
    const existing = input.uuid === undefined ? undefined : await this.deps.ingest.get(uuid);
    if (existing?.key !== undefined && existing.key !== input.key) throw uuidInUse(uuid);
    if (existing?.overallStatus === Statuses.Processing) throw runInFlight(uuid);
    const bucket = input.bucket ?? settings.ingestBucket;
    const source = await this.headSource({ bucket, key: input.key });
    const destination: Destination = {
      bucket: settings.proxyBucket,
      prefix: safeOutputPrefix(uuid, input.key),
      ...input.destination,
    };
    // Only the caller's own: the pipeline resolves the rest (global settings, then the stack's defaults).
    const callerAiOptions = input.aiOptions === undefined ? {} : { aiOptions: input.aiOptions };
    const mime = input.mime ?? mimeOf(input.key);
    const md5 = md5Of(source);
    const start: IngestStart = {
      uuid,
      bucket,
      key: input.key,
      basename: posix.parse(input.key).name,
      ...(md5 === undefined ? {} : { md5 }),
      mime,
      type: typeOf(mime),
      fileSize: source.contentLength,
      storageClass: source.storageClass,
      lastModified: source.lastModified,
      timestamp: this.deps.now(),
      schemaVersion: SCHEMA_VERSION,
      ...(input.group === undefined ? {} : { group: input.group }),
      ...(input.attributes === undefined ? {} : { attributes: input.attributes }),
      ...callerAiOptions,
      status: Statuses.IngestStarted,
      overallStatus: Statuses.Processing,
      destination,
    };

    const executionInput = {
      input: {
        uuid,
        bucket,
        key: input.key,
        destination,
        ...(input.group === undefined ? {} : { group: input.group }),
        ...(input.attributes === undefined ? {} : { attributes: input.attributes }),
        ...callerAiOptions,
        ...(input.mime === undefined ? {} : { mime: input.mime }),
        ...(input.md5 === undefined ? {} : { md5: input.md5 }),
      },
    };
    // `begin` merges into the record: what it would hold must fit one item, and the execution's input what Step
    // Functions takes, or nothing is written.
    const violation = itemLimitViolation({ ...existing, ...start });
    if (violation) throw invalid(violation.message);
    assertExecutionInputFits(executionInput);

    const begun = await this.deps.ingest.begin(start);
    // Another request took the uuid for another key, or started a run on it, between our check and our write.
    if (!begun.accepted) throw begun.reason === 'in-flight' ? runInFlight(uuid) : uuidInUse(uuid);
    let execution;
    try {
      execution = await this.deps.stateMachines.start(settings.mainStateMachineArn, executionInput);
    } catch (error) {
      await this.deps.ingest.restore(uuid, begun.previous).catch((restoreError: unknown) => {
        logger.error('Unable to roll back the ingest record', { uuid, error: restoreError });
      });
      throw error;
    }
    // The execution runs whatever happens now: failing the request would invite a second ingest. The pipeline
    // writes the execution too, so a lost write here only delays it.
    await this.deps.ingest.recordRun(uuid, { executionArn: execution.executionArn }).catch((error: unknown) => {
      logger.error('Unable to record the execution on the asset', {
        uuid,
        executionArn: execution.executionArn,
        error,
      });
    });
    return {
      executionArn: execution.executionArn,
      startDate: execution.startDate.toISOString(),
      uuid,
      status: Statuses.Started,
    };
  }

  /**
   * Entries take the request's bucket, destination, group and aiOptions; their attributes are the manifest's
   * `collectionUuid` only (the original drops the request's own). Each failure is reported in its entry.
   */
  private async ingestBatch(input: IngestInput): Promise<(IngestStarted | IngestFailed)[]> {
    const ref = { bucket: input.bucket ?? this.deps.settings.ingestBucket, key: input.key };
    const manifestObject = await this.headSource(ref);
    if (manifestObject.contentLength > MAX_MANIFEST_BYTES) throw invalid('manifest too large');
    const manifest = parseManifest(await this.deps.objects.readText(ref));
    const shared = {
      bucket: input.bucket,
      destination: input.destination,
      group: input.group,
      aiOptions: input.aiOptions,
      mime: input.mime,
    };

    return mapConcurrently(manifest.files, BATCH_CONCURRENCY, async (file) => {
      const uuid = file.uuid ?? this.deps.newUuid();
      try {
        const entry = parseIngestInput({
          ...shared,
          uuid,
          key: file.key,
          attributes: manifest.attributes,
          ...(file.md5 === undefined ? {} : { md5: file.md5 }),
        });
        return await this.ingestOne(entry);
      } catch (error) {
        if (!(error instanceof HttpError)) logger.error('Unable to start the ingest', { uuid, error });
        return {
          ...(typeof uuid === 'string' ? { uuid } : {}),
          status: Statuses.Error,
          errorMessage: error instanceof HttpError ? error.message : 'An internal error occurred',
        };
      }
    });
  }

  private async headSource(ref: ObjectRef): Promise<SourceObject> {
    const source = await this.deps.objects.head(ref);
    if (source === 'missing') throw notFound(`s3://${ref.bucket}/${ref.key} not found`);
    if (source === 'denied') throw accessDenied(`s3://${ref.bucket}/${ref.key} cannot be read`);
    return source;
  }
}

/** Step Functions refuses an execution input over 256 KB (UTF-8). */
export const MAX_EXECUTION_INPUT_BYTES = 256 * 1024;

export function assertExecutionInputFits(input: unknown): void {
  const bytes = Buffer.byteLength(JSON.stringify(input), 'utf8');
  if (bytes > MAX_EXECUTION_INPUT_BYTES) {
    throw invalid(
      `the request is too large: the run's input would take ${bytes} bytes, more than ${MAX_EXECUTION_INPUT_BYTES}`,
    );
  }
}

/**
 * The original's `makeSafeOutputPrefix`: `<uuid>/<directory of the key>/`, with characters Transcribe refuses in
 * output keys replaced by `_`.
 */
export function safeOutputPrefix(uuid: string, key: string): string {
  let safeKey = /^[a-zA-Z0-9_.!*'()/-]{1,1024}$/.test(key) ? key : key.replace(/[^a-zA-Z0-9_.!*'()/-]/g, '_');
  if (safeKey.startsWith('/')) safeKey = safeKey.slice(1);
  return posix.join(uuid, posix.parse(safeKey).dir, '/');
}

/**
 * The checksum the original records: an `md5` user metadata value, else the ETag when it is a plain MD5 (not a
 * multipart upload, not encrypted with KMS). The original also reads a `computed-md5` object tag; the pipeline
 * computes the checksum anyway.
 */
function md5Of(source: SourceObject): string | undefined {
  const fromMetadata = source.metadata['md5'];
  if (fromMetadata) return fromMetadata;
  const encryption = source.serverSideEncryption?.toLowerCase();
  if (encryption !== undefined && encryption !== 'aes256') return undefined;
  return /^"([0-9a-fA-F]{32})"$/.exec(source.etag ?? '')?.[1];
}

async function mapConcurrently<Item, Result>(
  items: readonly Item[],
  concurrency: number,
  work: (item: Item) => Promise<Result>,
): Promise<Result[]> {
  const results: Result[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
