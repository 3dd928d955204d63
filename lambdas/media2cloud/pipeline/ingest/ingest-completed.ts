import { IngestError } from '../domain/errors';
import { transcodePrefix } from '../domain/layout';
import { mimeFromKey, typeOfMime } from '../domain/mime';
import type { ProxyEntry, ProxyOutputType } from '../domain/records';
import { parseIngestState, type IngestState } from '../domain/state';
import { OverallStatus, Status } from '../domain/statuses';
import type { ObjectSummary, PipelineDependencies } from '../ports';
import { searchDocumentOf, writeStatus } from '../status/status-writer';

export type IngestCompletedDependencies = Pick<PipelineDependencies, 'records' | 'objects' | 'search'>;

/** The output types listed in full; of `proxy` only the largest image is listed, as the original does. */
const LISTED_OUTPUTS: readonly ProxyOutputType[] = ['aiml', 'prod'];

/**
 * `Ingest completed` (the original's `update-record`, `index-ingest-results` and `job-completed`): lists the
 * proxies into the record, sets `INGEST_COMPLETED`, and indexes the asset's ingest fields for search.
 */
export async function ingestCompleted(event: unknown, deps: IngestCompletedDependencies): Promise<IngestState> {
  const state = parseIngestState(event);
  const { bucket, prefix } = state.input.destination;

  const proxies: ProxyEntry[] = [];
  for (const output of LISTED_OUTPUTS) {
    for (const object of await deps.objects.list(bucket, transcodePrefix(prefix, output))) {
      proxies.push(proxyEntry(object, output));
    }
  }
  const images = await deps.objects.list(bucket, transcodePrefix(prefix, 'proxy'));
  const largest = images.reduce<ObjectSummary | undefined>(
    (best, each) => (best && best.size >= each.size ? best : each),
    undefined,
  );
  if (largest) proxies.push(proxyEntry(largest, 'proxy'));
  // Documents have no proxies: their page images need a canvas (see `run-docinfo.ts`).
  if (proxies.length === 0 && state.input.type !== 'document') {
    throw new IngestError(`no proxy found under s3://${bucket}/${transcodePrefix(prefix)}`);
  }

  await writeStatus(deps, state.uuid, {
    status: Status.IngestCompleted,
    overallStatus: OverallStatus.Processing,
    fields: { proxies },
  });
  const record = await deps.records.get(state.uuid);
  const document = record && searchDocumentOf(record);
  if (document) await deps.search.index(document);
  return state;
}

function proxyEntry(object: ObjectSummary, outputType: ProxyOutputType): ProxyEntry {
  const mime = mimeFromKey(object.key);
  return {
    key: object.key,
    outputType,
    mime,
    type: typeOfMime(mime),
    fileSize: object.size,
    storageClass: object.storageClass,
    lastModified: object.lastModified,
  };
}
