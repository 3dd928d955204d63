import { posix } from 'node:path';

/**
 * The media type of a key from its extension, as the original's `MimeTypeHelper` finds it (the `mime` package,
 * plus camera raw formats), for the formats Media2Cloud ingests. Anything else is `application/octet-stream`, as
 * there; the pipeline decides what it can process.
 */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  // video
  mp4: 'video/mp4',
  m4v: 'video/x-m4v',
  mov: 'video/quicktime',
  qt: 'video/quicktime',
  mkv: 'video/x-matroska',
  webm: 'video/webm',
  avi: 'video/x-msvideo',
  wmv: 'video/x-ms-wmv',
  flv: 'video/x-flv',
  mpg: 'video/mpeg',
  mpeg: 'video/mpeg',
  m2v: 'video/mpeg',
  ts: 'video/mp2t',
  m2ts: 'video/mp2t',
  mts: 'video/mp2t',
  '3gp': 'video/3gpp',
  '3g2': 'video/3gpp2',
  ogv: 'video/ogg',
  mxf: 'application/mxf',
  gxf: 'application/gxf',
  // audio
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  wav: 'audio/wav',
  flac: 'audio/x-flac',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  wma: 'audio/x-ms-wma',
  aif: 'audio/x-aiff',
  aiff: 'audio/x-aiff',
  amr: 'audio/amr',
  // image
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  svg: 'image/svg+xml',
  dng: 'image/x-adobe-dng',
  cr2: 'image/x-canon-cr2',
  crw: 'image/x-canon-crw',
  erf: 'image/x-epson-erf',
  raf: 'image/x-fuji-raf',
  dcr: 'image/x-kodak-dcr',
  k25: 'image/x-kodak-k25',
  kdc: 'image/x-kodak-kdc',
  mrw: 'image/x-minolta-mrw',
  nef: 'image/x-nikon-nef',
  orf: 'image/x-olympus-orf',
  raw: 'image/x-panasonic-raw',
  pef: 'image/x-pentax-pef',
  arw: 'image/x-sony-arw',
  sr2: 'image/x-sony-sr2',
  srf: 'image/x-sony-srf',
  x3f: 'image/x-sigma-x3f',
  // document
  pdf: 'application/pdf',
  // batch manifests
  json: 'application/json',
};

export const DEFAULT_MIME = 'application/octet-stream';

export function mimeOf(key: string): string {
  const extension = posix.extname(key).slice(1).toLowerCase();
  return MIME_BY_EXTENSION[extension] ?? DEFAULT_MIME;
}

/**
 * The original's `parseMimeType`: `video`, `audio` and `image` by major type, MXF and GXF as video, PDF as
 * document, and otherwise the subtype itself (`json`, `octet-stream`...).
 */
export function typeOf(mime: string): string {
  const [major = '', subtype = ''] = mime
    .split('/')
    .filter((part) => part)
    .map((part) => part.toLowerCase());
  if (major === 'video' || major === 'audio' || major === 'image') return major;
  if (subtype === 'mxf' || subtype === 'gxf') return 'video';
  if (subtype === 'pdf') return 'document';
  return subtype;
}

/** A key whose extension says JSON is a batch manifest to the original, whatever it holds. */
export function isManifestKey(key: string): boolean {
  return typeOf(mimeOf(key)) === 'json';
}
