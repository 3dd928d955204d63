/**
 * Where the data plane keeps things in its bucket, exactly as the original lays them out:
 *
 *   private/assets/{asset_id}/                                    marker object written by /create
 *   private/assets/{asset_id}/workflows/{workflow_id}/            media path handed to operators
 *   private/assets/{asset_id}/workflows/{workflow_id}/{op}.json   one operator's results for one workflow run
 */

export const ASSETS_PREFIX = 'private/assets/';

/** S3 caps keys at 1024 bytes; three segments of this size still fit with the fixed parts of the layout. */
const MAX_SEGMENT_BYTES = 255;
const MAX_OBJECT_KEY_BYTES = 1024;
const METADATA_SUFFIX = '.json';

// Control characters break S3 XML listings and HTTP headers; they are never part of a legitimate id.
// eslint-disable-next-line no-control-regex -- finding control characters is this expression's purpose
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export function assetPrefix(assetId: string): string {
  return `${ASSETS_PREFIX}${assetId}/`;
}

export function workflowPrefix(assetId: string, workflowId: string): string {
  return `${assetPrefix(assetId)}workflows/${workflowId}/`;
}

export function metadataKey(assetId: string, workflowId: string, operatorName: string): string {
  return `${workflowPrefix(assetId, workflowId)}${operatorName}${METADATA_SUFFIX}`;
}

export interface MetadataKeyParts {
  readonly assetId: string;
  readonly workflowId: string;
  readonly operatorName: string;
}

/** The parts of a key written by {@link metadataKey}, or `undefined` when the key does not follow that layout. */
export function parseMetadataKey(key: string): MetadataKeyParts | undefined {
  const segments = key.split('/');
  if (segments.length !== 6) return undefined;
  const [root, assets, assetId, workflows, workflowId, fileName] = segments;
  if (`${root}/${assets}/` !== ASSETS_PREFIX || workflows !== 'workflows') return undefined;
  if (!fileName.endsWith(METADATA_SUFFIX)) return undefined;
  const operatorName = fileName.slice(0, -METADATA_SUFFIX.length);
  if (![assetId, workflowId, operatorName].every(isSafePathSegment)) return undefined;
  return { assetId, workflowId, operatorName };
}

/**
 * Whether a caller-supplied id can become one segment of a key. Local mode stores objects on the file system, so a
 * `..` segment or a separator would let a caller write outside the asset's folder.
 */
export function isSafePathSegment(value: string): boolean {
  return (
    value.length > 0 &&
    Buffer.byteLength(value, 'utf8') <= MAX_SEGMENT_BYTES &&
    value !== '.' &&
    value !== '..' &&
    !value.includes('/') &&
    !value.includes('\\') &&
    !CONTROL_CHARACTER.test(value)
  );
}

/** Whether a caller-supplied S3 key is one we are willing to sign URLs for or record: no `.`/`..` segments. */
export function isSafeObjectKey(key: string): boolean {
  return (
    key.length > 0 &&
    Buffer.byteLength(key, 'utf8') <= MAX_OBJECT_KEY_BYTES &&
    !CONTROL_CHARACTER.test(key) &&
    key.split(/[/\\]/).every((segment) => segment !== '.' && segment !== '..')
  );
}

/**
 * Bucket names as S3 has ever accepted them, including legacy us-east-1 names (upper case, underscores, up to 255
 * characters), so media in an old bucket can still be registered; never anything that could alter a URL or path.
 */
export function isValidBucketName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/.test(name) && !name.includes('..');
}
