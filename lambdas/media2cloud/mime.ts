import { posix } from 'node:path';

export const OCTET_STREAM = 'application/octet-stream';

/**
 * The media type of a key from its extension, as the original's `MimeTypeHelper` finds it (the `mime` package,
 * plus camera raw formats), for the formats Media2Cloud ingests and the sidecars it reads. Anything else is
 * `application/octet-stream`, as there. One table for the API and the pipeline, so both type an asset alike.
 */
const BY_EXTENSION: Readonly<Record<string, string>> = {
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
  dv: 'video/x-dv',
  ac3: 'audio/ac3',
  // sidecars and metadata (never ingested on their own)
  vtt: 'text/vtt',
  srt: 'application/x-subrip',
  txt: 'text/plain',
};

export function mimeFromKey(key: string): string {
  const extension = posix.extname(key).slice(1).toLowerCase();
  return BY_EXTENSION[extension] ?? OCTET_STREAM;
}

const VIDEO_SUBTYPES = new Set(['mxf', 'gxf']);
const DOCUMENT_SUBTYPES = new Set(['pdf']);

/** The original's `MimeTypeHelper.parseMimeType`: the major type, with MXF/GXF as video and PDF as document. */
export function typeOfMime(mime: string): string {
  const [type = '', subtype = ''] = (mime.split(';')[0] ?? '').trim().toLowerCase().split('/');
  if (type === 'video' || type === 'audio' || type === 'image') return type;
  if (VIDEO_SUBTYPES.has(subtype)) return 'video';
  if (DOCUMENT_SUBTYPES.has(subtype)) return 'document';
  return subtype;
}
