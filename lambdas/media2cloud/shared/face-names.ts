/**
 * How the original's face indexer names faces: the `ExternalImageId` it gives a face it indexes, and the name it
 * reads from the `ExternalImageId` of a face someone else indexed. Shared by the API (`/faceindexer`) and the
 * analysis (face matches become names).
 */

/** The proxy bucket folder of the face images, as the original names it (its `AnalysisTypes.AutoFaceIndexer`). */
export const FACE_IMAGE_PREFIX = 'autofaceindexer';

const VERSION = 'v4';
/** `v4:<uuid without dashes>:<ms>`: a face the indexer stored, whose name lives in the face indexer table only. */
const INDEXER_IMAGE_ID = new RegExp(`^${VERSION}:[a-f0-9]{32}:[0-9]+$`);
/** Earlier versions stored names outside ASCII as their UTF-8 bytes in hex. */
const HEX_NAME = /^[a-f0-9]{6,}$/;

/** The `ExternalImageId` the indexer gives a face taken from an asset at a time (ms). */
export function indexerImageId(uuid: string, timestampMs: number): string {
  return [VERSION, uuid.replaceAll('-', ''), String(timestampMs)].join(':');
}

export function isIndexerImageId(id: string): boolean {
  return INDEXER_IMAGE_ID.test(id);
}

/**
 * The name an `ExternalImageId` stands for: none for the indexer's own ids (`fallback` instead, if given); otherwise
 * the id read as a name, hex decoded and `jane_doe` written `Jane Doe`, as the original reads ids of faces indexed
 * by earlier versions or by hand.
 */
export function nameFromImageId(id: string, fallback?: string): string | undefined {
  if (isIndexerImageId(id)) return fallback;
  let name = id;
  if (HEX_NAME.test(name)) name = Buffer.from(name, 'hex').toString('utf8');
  return name.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
}
