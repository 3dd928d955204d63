import * as path from 'node:path';

/**
 * Where the original puts an asset's outputs in the proxy bucket, all under the asset's prefix `<uuid>/<dir>/`
 * (`dir` being the upload's folder):
 *
 * | what                               | key                                                              |
 * | ---------------------------------- | ---------------------------------------------------------------- |
 * | MediaInfo report                   | `mediainfo/mediainfo.json`                                       |
 * | image metadata                     | `imageinfo/imageinfo.json`                                       |
 * | video/audio proxies for analysis   | `transcode/aiml/<basename>.mp4`, `transcode/aiml/<basename>.m4a` |
 * | thumbnails, previews, cover art    | `transcode/proxy/<basename>.0000000.jpg`, `…/<basename>.jpg`, `…/<basename>_thumbnail.jpg`, `…/cover.jpg` |
 * | captured frames                    | `transcode/frameCapture/frame.0000000.jpg`                       |
 * | analysis results                   | `metadata/<analyzer>/<analyzer>.json`, `vtt/<analyzer>/<track>.vtt`, `raw/<YYYYMMDDThhmmss>/<category>/…` |
 * | AI results (Rekognition video)     | `raw/<ts>/rekognition/<feature>/00000000.json` + `mapFile.json`, `metadata|timeseries|vtt/<feature>/<name>.*` |
 * | AI results (transcript)            | `raw/<ts>/transcribe/<jobId>.json`, `…/<jobId>.vtt`, `…/conversations.json`                      |
 * | AI results (Comprehend)            | `raw/<ts>/comprehend/<feature>/output.manifest`, `metadata/<feature>/output.json`               |
 * | AI results (Textract, image)       | `raw/<ts>/textract/<page>.json`, `raw/<ts>/rekognition/<feature>/output.json`                   |
 */

const SAFE_KEY = /^[a-zA-Z0-9_.!*'()/-]{1,1024}$/;

/** The original's `CommonUtils.makeSafeOutputPrefix`: `<uuid>/<dir of key>/`, with Transcribe-unsafe characters as `_`. */
export function makeSafeOutputPrefix(uuid: string, key: string): string {
  let safeKey = SAFE_KEY.test(key) ? key : key.replace(/[^a-zA-Z0-9_.!*'()/-]/g, '_');
  if (safeKey.startsWith('/')) safeKey = safeKey.slice(1);
  return path.posix.join(uuid, path.posix.parse(safeKey).dir, '/');
}

/** The file name of a key without its extension (the original's `PATH.parse(key).name`). */
export function basenameOf(key: string): string {
  return path.posix.parse(key).name;
}

export type TranscodeOutput = 'aiml' | 'proxy' | 'prod' | 'frameCapture';

export function transcodePrefix(prefix: string, output?: TranscodeOutput): string {
  return path.posix.join(prefix, 'transcode', output ?? '', '/');
}

export function mediainfoKey(prefix: string): string {
  return path.posix.join(prefix, 'mediainfo', 'mediainfo.json');
}

export function imageinfoKey(prefix: string): string {
  return path.posix.join(prefix, 'imageinfo', 'imageinfo.json');
}

export function analysisMetadataKey(prefix: string, analyzer: string): string {
  return path.posix.join(prefix, 'metadata', analyzer, `${analyzer}.json`);
}

export function analysisVttKey(prefix: string, analyzer: string, track: string): string {
  return path.posix.join(prefix, 'vtt', analyzer, `${track}.vtt`);
}

export function analysisRawPrefix(prefix: string, timestamp: number, category: string, feature?: string): string {
  return path.posix.join(prefix, 'raw', isoDateTime(timestamp), category, feature ?? '', '/');
}

/**
 * Where the original keeps a feature's tracks, one file per name: `metadata/<feature>/` (timelines),
 * `timeseries/<feature>/` (detections per time) and `vtt/<feature>/` (WebVTT).
 */
export function analysisTrackPrefix(prefix: string, kind: 'metadata' | 'timeseries' | 'vtt', feature: string): string {
  return path.posix.join(prefix, kind, feature, '/');
}

/** The original's `CommonUtils.toISODateTime`: `YYYYMMDDThhmmss` (UTC). */
export function isoDateTime(timestamp: number): string {
  return new Date(timestamp).toISOString().split('.')[0]!.replace(/[-:]/g, '');
}

/** Where the web portal keeps the global `aiOptions` in the proxy bucket (the original's `ENV_AI_OPTIONS_S3KEY`). */
export const AI_OPTIONS_SETTINGS_KEY = '_settings/aioptions.json';

/** Every output of an asset lives under `<uuid>/`; removal deletes exactly that. */
export function assetRootPrefix(uuid: string): string {
  return `${uuid}/`;
}
