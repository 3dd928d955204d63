import type { Principal } from './auth';
import { conflict, InvalidField, notFound } from './errors';
import type { IngestionInput, MediaStore, VideoStore, Workflows } from './ports';
import type { VideoRecord } from './records';
import { pixopTime } from './time';
import type { VideoLibrary } from './videos';
import type { ServiceUrls } from './views';

/**
 * Bodies API Gateway and Lambda carry: 10 MB requests, 6 MB responses (base64 makes a binary body a third larger).
 * Larger uploads go straight to S3 with a presigned POST; larger downloads are redirected to a presigned GET.
 */
export const INLINE_DOWNLOAD_BYTES = 4 * 1024 * 1024;
/** A single S3 POST takes up to 5 GB. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024 * 1024;
const PRESIGN_SECONDS = 3600;

const CONTAINER_NAMES: Readonly<Record<string, string>> = {
  mov: 'QuickTime / MOV',
  qt: 'QuickTime / MOV',
  mp4: 'MPEG-4 Part 14',
  m4v: 'MPEG-4 Part 14',
  mxf: 'Material Exchange Format',
  mts: 'MPEG-2 Transport Stream',
  m2ts: 'MPEG-2 Transport Stream',
  ts: 'MPEG-2 Transport Stream',
  mkv: 'Matroska',
  webm: 'WebM',
  avi: 'AVI (Audio Video Interleaved)',
  mpg: 'MPEG-PS',
  mpeg: 'MPEG-PS',
};

const MIME_TYPES: Readonly<Record<string, string>> = {
  mov: 'video/quicktime',
  qt: 'video/quicktime',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mxf: 'application/mxf',
  mts: 'video/mp2t',
  m2ts: 'video/mp2t',
  ts: 'video/mp2t',
  mkv: 'video/x-matroska',
  webm: 'video/webm',
  avi: 'video/x-msvideo',
  mpg: 'video/mpeg',
  mpeg: 'video/mpeg',
};

export function extensionOf(fileName: string): string {
  return /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
}

export function mimeTypeFor(fileName: string): string {
  return MIME_TYPES[extensionOf(fileName)] ?? 'application/octet-stream';
}

/** A file name safe as an object key part and in Content-Disposition. */
export function safeFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[^A-Za-z0-9._ ()-]/g, '_')
    .replace(/^\.+/, '')
    .slice(-200);
  return cleaned || 'upload.bin';
}

export function originalKey(videoId: string, fileName: string): string {
  return `media/${videoId}/original/${fileName}`;
}

export function processedKey(videoId: string, fileName: string): string {
  return `media/${videoId}/processed/${fileName}`;
}

/** The video id an uploaded object belongs to, from its key (`media/<id>/original/<file>`). */
export function videoIdOfOriginalKey(key: string): string | undefined {
  return /^media\/([^/]+)\/original\/[^/]+$/.exec(key)?.[1];
}

export interface UploadDependencies {
  readonly videos: VideoStore;
  readonly media: MediaStore;
  readonly workflows: Workflows;
  readonly library: VideoLibrary;
  readonly now: () => number;
}

export interface UploadedFile {
  readonly fileName: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

/** Media uploads: through the API within its limits, or through a presigned S3 POST for any size. */
export class Uploads {
  constructor(private readonly deps: UploadDependencies) {}

  async upload(principal: Principal, videoId: string, file: UploadedFile, light: boolean, urls: ServiceUrls) {
    const video = await this.uploadable(principal, videoId);
    const fileName = safeFileName(file.fileName);
    const key = originalKey(video.id, fileName);
    const contentType =
      file.contentType && file.contentType !== 'application/octet-stream' ? file.contentType : mimeTypeFor(fileName);
    await this.deps.media.put(key, file.bytes, contentType, { ingestion: light ? 'light' : 'full' });
    await this.recordUpload(video.id, key);
    return uploadAnswer(video, urls);
  }

  /**
   * Instead of the file, a JSON body `{fileName, fileType?}` asks for a presigned S3 POST; the upload is recorded and
   * ingested when the object arrives (the bucket's event), exactly as an upload through the API.
   */
  async presign(
    principal: Principal,
    videoId: string,
    body: Record<string, unknown>,
    light: boolean,
    urls: ServiceUrls,
  ) {
    const video = await this.uploadable(principal, videoId);
    if (typeof body.fileName !== 'string' || body.fileName.trim() === '') {
      throw new InvalidField('fileName', 'is required to upload through a presigned POST');
    }
    const fileName = safeFileName(body.fileName);
    const contentType = typeof body.fileType === 'string' && body.fileType ? body.fileType : mimeTypeFor(fileName);
    const post = await this.deps.media.presignedPost(originalKey(video.id, fileName), {
      contentType,
      maxBytes: MAX_UPLOAD_BYTES,
      metadata: { ingestion: light ? 'light' : 'full' },
      expiresSeconds: PRESIGN_SECONDS,
    });
    return { ...uploadAnswer(video, urls), uploadUrl: post.url, uploadFields: post.fields };
  }

  /**
   * Records a finished upload and starts ingestion. Called by the API after storing a file and by the bucket's
   * event for every object; the store records each object once, so the second caller does nothing.
   */
  async recordUpload(videoId: string, key: string): Promise<boolean> {
    const head = await this.deps.media.head(key);
    if (!head) return false;
    const fileName = key.slice(key.lastIndexOf('/') + 1);
    const light = head.metadata['ingestion'] === 'light';
    const time = pixopTime(this.deps.now());
    const recorded = await this.deps.videos.completeUpload(
      videoId,
      {
        status: 'DONE',
        updatedAt: time,
        fileName,
        fileSize: head.size,
        fileType: head.contentType,
        fileContainerName: CONTAINER_NAMES[extensionOf(fileName)] ?? (extensionOf(fileName).toUpperCase() || 'unknown'),
        objectKey: key,
        light,
      },
      { status: 'QUEUED', updatedAt: time, videoMetadataAvailable: false, videoMetadataCommitted: false, progress: 0 },
      time,
    );
    if (!recorded) return false;
    const input: IngestionInput = { videoId, light };
    await this.deps.workflows.startIngestion(input, `ingest-${videoId}`);
    return true;
  }

  private async uploadable(principal: Principal, videoId: string): Promise<VideoRecord> {
    const video = await this.deps.library.ownVideo(principal, videoId);
    if (video.parentId) throw conflict(`Video ${videoId} is a processed video; its media comes from processing`);
    if (video.upload.status === 'DONE') throw conflict(`Video ${videoId} already has media`);
    return video;
  }
}

function uploadAnswer(video: VideoRecord, urls: ServiceUrls) {
  return {
    projectId: video.projectId,
    videoId: video.id,
    checkIngestProgressUrl: `${urls.videos}/v1/check-ingest-video-progress/${video.id}`,
    processVideoUrl: `${urls.videos}/v1/process-video/${video.id}`,
  };
}

export type DownloadKind = 'original' | 'processed';

export type DownloadAnswer =
  | { readonly status: 200 | 206 | 304 | 416; readonly headers: Record<string, string>; readonly body?: Buffer }
  | { readonly status: 302; readonly headers: Record<string, string> };

export interface DownloadRequest {
  readonly method: 'GET' | 'HEAD';
  readonly ifNoneMatch?: string;
  readonly range?: string;
}

/** Downloads with HTTP caching and ranges; bodies beyond what Lambda can answer are redirected to S3. */
export class Downloads {
  constructor(private readonly deps: { media: MediaStore; library: VideoLibrary }) {}

  async download(
    principal: Principal,
    videoId: string,
    kind: DownloadKind,
    request: DownloadRequest,
  ): Promise<DownloadAnswer> {
    const video = await this.deps.library.ownVideo(principal, videoId);
    const key = video.upload.status === 'DONE' ? video.upload.objectKey : undefined;
    const isProcessed = video.parentId !== undefined;
    if (!key || isProcessed !== (kind === 'processed')) {
      throw notFound(kind === 'processed' ? 'Processed media of video' : 'Original media of video', videoId);
    }
    const head = await this.deps.media.head(key);
    if (!head) throw notFound('Media of video', videoId);
    const fileName = video.upload.fileName ?? key.slice(key.lastIndexOf('/') + 1);
    const etag = head.etag.startsWith('"') ? head.etag : `"${head.etag}"`;
    const headers: Record<string, string> = {
      'Content-Type': head.contentType,
      'Content-Disposition': `attachment; filename="${fileName.replace(/"/g, '')}"`,
      ETag: etag,
      'Last-Modified': head.lastModified.toUTCString(),
      'Accept-Ranges': 'bytes',
    };
    if (request.ifNoneMatch && etagMatches(request.ifNoneMatch, etag)) return { status: 304, headers };
    const range = parseRange(request.range, head.size);
    if (range === 'unsatisfiable') {
      return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${head.size}`, 'Content-Length': '0' } };
    }
    const length = range ? range.end - range.start + 1 : head.size;
    const rangeHeaders: Record<string, string> = range
      ? { 'Content-Range': `bytes ${range.start}-${range.end}/${head.size}` }
      : {};
    const status = range ? 206 : 200;
    if (request.method === 'HEAD')
      return { status, headers: { ...headers, ...rangeHeaders, 'Content-Length': String(length) } };
    if (length > INLINE_DOWNLOAD_BYTES) {
      const url = await this.deps.media.presignedGet(key, { fileName, expiresSeconds: PRESIGN_SECONDS });
      return { status: 302, headers: { Location: url, 'Cache-Control': 'no-store' } };
    }
    const body = length === 0 ? Buffer.alloc(0) : await this.deps.media.get(key, range);
    return { status, headers: { ...headers, ...rangeHeaders, 'Content-Length': String(body.length) }, body };
  }
}

/** `If-None-Match`: a list of entity tags (weak ones compare weakly, RFC 9110 §13.1.2) or `*`. */
export function etagMatches(header: string, etag: string): boolean {
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim() === '*' || strip(candidate) === strip(etag));
}

/**
 * One byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`). Several ranges or another unit are answered whole (RFC 9110
 * allows ignoring Range); a range that starts past the end is unsatisfiable.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
