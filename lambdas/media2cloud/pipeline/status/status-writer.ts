import { isMediaType, type SearchDocument } from '../../search/document';
import { SearchDocumentMissingError } from '../domain/errors';
import type { IngestRecord } from '../../tables/ingest';
import type { OverallStatus, Status } from '../domain/statuses';
import type { IngestRecordStore, SearchIndexPort } from '../ports';

export interface StatusChange {
  readonly status: Status;
  readonly overallStatus: OverallStatus;
  /** Other fields written in the same update. */
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly remove?: readonly string[];
}

/**
 * Writes a status change to the ingest record (which must exist) and copies it to the search document, as the
 * original's ingest table stream handler does. An asset without a search document yet is fine: it gets one, with
 * its status, when it is indexed.
 */
export async function writeStatus(
  deps: { readonly records: IngestRecordStore; readonly search: SearchIndexPort },
  uuid: string,
  change: StatusChange,
): Promise<void> {
  await deps.records.update(uuid, {
    set: { ...change.fields, status: change.status, overallStatus: change.overallStatus },
    remove: change.remove,
  });
  await ignoreMissingDocument(
    deps.search.updateStatus(uuid, { status: change.status, overallStatus: change.overallStatus }),
  );
}

export async function ignoreMissingDocument(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (!(error instanceof SearchDocumentMissingError)) throw error;
  }
}

/** The ingest fields of the search document (the original's `Indexer.getIngestFields()` that it indexes). */
export function searchDocumentOf(record: IngestRecord): SearchDocument | undefined {
  if (!isMediaType(record.type)) return undefined;
  const document: Record<string, unknown> = {
    uuid: record.uuid,
    type: record.type,
    basename: record.basename,
    key: record.key,
    bucket: record.bucket,
    mime: record.mime,
    md5: record.md5,
    fileSize: record.fileSize,
    duration: record.duration,
    framerate: record.framerate,
    timestamp: record.timestamp,
    lastModified: record.lastModified,
    group: record.group,
    status: record.status,
    overallStatus: record.overallStatus,
    executionArn: record.executionArn,
    attributes: record.attributes,
  };
  return Object.fromEntries(
    Object.entries(document).filter(([, value]) => value !== undefined),
  ) as unknown as SearchDocument;
}
