import * as path from 'node:path';
import type { MediaObject } from '../../workflow/domain/types';

/**
 * Where the original's MediaConvert job writes the Thumbnail operator's outputs, in the data plane bucket:
 *
 * - thumbnails: `private/assets/{AssetId}/{name}_thumbnail.0000000.jpg` (the frame at 0 s) and
 *   `…_thumbnail.0000001.jpg` (the frame at `ThumbnailPosition`, only when the video is that long) — a frame
 *   capture output with name modifier `_thumbnail`, MediaConvert's 7-digit counter and extension `jpg`;
 * - the audio track: `private/assets/{AssetId}/workflows/{WorkflowExecutionId}/{name}_audio.mp4` (AAC in MP4);
 * - the proxy encode: `private/assets/{AssetId}/{name}_proxy.mp4` (H.264 + AAC in MP4);
 *
 * where `{name}` is the input file name without its extension (Python's `os.path.splitext`).
 */
export interface ThumbnailOutputs {
  /** Index 0 is the frame at 0 s, index 1 the frame at the configured position. */
  thumbnail(index: 0 | 1): MediaObject;
  readonly audio: MediaObject;
  readonly proxy: MediaObject;
}

export function thumbnailOutputs(
  bucket: string,
  assetId: string,
  workflowExecutionId: string,
  inputKey: string,
): ThumbnailOutputs {
  const assetFolder = `private/assets/${assetId}/`;
  const name = path.posix.parse(inputKey.split('/').pop() ?? '').name;
  return {
    thumbnail: (index) => ({
      S3Bucket: bucket,
      S3Key: `${assetFolder}${name}_thumbnail.${String(index).padStart(7, '0')}.jpg`,
    }),
    audio: { S3Bucket: bucket, S3Key: `${assetFolder}workflows/${workflowExecutionId}/${name}_audio.mp4` },
    proxy: { S3Bucket: bucket, S3Key: `${assetFolder}${name}_proxy.mp4` },
  };
}

/** The original's default thumbnail position, in seconds. */
export const DEFAULT_THUMBNAIL_POSITION = 7;

/**
 * `ThumbnailPosition` as the original reads it (`int(...)`: a whole number, or a number truncated towards zero),
 * or `undefined` when it is not one (the original then crashes with a Python `ValueError`).
 */
export function thumbnailPosition(configured: unknown): number | undefined {
  if (configured === undefined) return DEFAULT_THUMBNAIL_POSITION;
  let seconds: number | undefined;
  if (typeof configured === 'number' && Number.isFinite(configured)) seconds = Math.trunc(configured);
  else if (typeof configured === 'string' && /^\s*[+-]?\d+\s*$/.test(configured)) seconds = Number(configured.trim());
  return seconds !== undefined && seconds >= 0 ? seconds : undefined;
}
