import { mimeFromKey, OCTET_STREAM, typeOfMime } from '../../mime';

export const DEFAULT_MIME = OCTET_STREAM;
export const mimeOf = mimeFromKey;
/** The original's `parseMimeType`. */
export const typeOf = typeOfMime;

/** A key whose extension says JSON is a batch manifest to the original, whatever it holds. */
export function isManifestKey(key: string): boolean {
  return typeOf(mimeOf(key)) === 'json';
}
