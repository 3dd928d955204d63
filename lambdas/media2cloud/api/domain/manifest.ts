import { isPlainObject } from '../../../shared/http';
import { invalid } from './errors';

/** The most manifest text the API reads; a larger one is refused rather than held in memory. */
export const MAX_MANIFEST_BYTES = 5 * 1024 * 1024;

export interface ManifestFile {
  readonly uuid?: unknown;
  readonly key: unknown;
  readonly md5?: unknown;
}

export interface BatchManifest {
  /** Replace the request's attributes on every file, as in the original. */
  readonly attributes: { readonly collectionUuid: string };
  readonly files: readonly ManifestFile[];
}

/**
 * The original's default ("aws") manifest: `{collectionUuid, files: [{uuid?, location, checksums: [{type, value}]}]}`.
 * Each file becomes one ingest; its values are checked later like any ingest input, so one bad entry fails alone.
 * The original's other provider (CloudFirst `migrationObject` manifests) is not supported.
 */
export function parseManifest(text: string): BatchManifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid('invalid manifest');
  }
  // The original's message when no provider recognises the manifest.
  if (!isPlainObject(data) || !data.collectionUuid) throw invalid('fail to find provider');
  if (typeof data.collectionUuid !== 'string' || !Array.isArray(data.files)) throw invalid('invalid manifest');
  const files = data.files.map((file): ManifestFile => {
    if (!isPlainObject(file)) return { key: undefined };
    const checksums = Array.isArray(file.checksums) ? file.checksums : [];
    const md5 = checksums.find(
      (checksum) =>
        isPlainObject(checksum) && typeof checksum.type === 'string' && checksum.type.toLowerCase() === 'md5',
    ) as Record<string, unknown> | undefined;
    return {
      key: file.location,
      ...(file.uuid === undefined ? {} : { uuid: file.uuid }),
      ...(md5?.value === undefined ? {} : { md5: md5.value }),
    };
  });
  return { attributes: { collectionUuid: data.collectionUuid }, files };
}
