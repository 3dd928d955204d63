import mime, { Mime } from 'mime';

export const OCTET_STREAM = 'application/octet-stream';

/** The original's `RAW_IMAGE_MIME_TYPES`, which its `MimeTypeHelper` defines over the `mime` package's types. */
const CAMERA_RAW_TYPES: Readonly<Record<string, string[]>> = {
  'image/x-adobe-dng': ['dng'],
  'image/x-canon-cr2': ['cr2'],
  'image/x-canon-crw': ['crw'],
  'image/x-epson-erf': ['erf'],
  'image/x-fuji-raf': ['raf'],
  'image/x-kodak-dcr': ['dcr'],
  'image/x-kodak-k25': ['k25'],
  'image/x-kodak-kdc': ['kdc'],
  'image/x-minolta-mrw': ['mrw'],
  'image/x-nikon-nef': ['nef'],
  'image/x-olympus-orf': ['orf'],
  'image/x-panasonic-raw': ['raw'],
  'image/x-pentax-pef': ['pef'],
  'image/x-sony-arw': ['arw'],
  'image/x-sony-sr2': ['sr2'],
  'image/x-sony-srf': ['srf'],
  'image/x-sigma-x3f': ['x3f'],
};

/** Media ffmpeg and MediaInfo read that the `mime` package has no type for; the original leaves them untyped. */
const MEDIAPLANE_TYPES: Readonly<Record<string, string[]>> = {
  'video/x-dv': ['dv'],
  'audio/ac3': ['ac3'],
};

/** Looked up before the `mime` package, so these win over its types (`.dcr` is Shockwave there). */
const overrides = new Mime(CAMERA_RAW_TYPES, MEDIAPLANE_TYPES);

/**
 * The media type of a key from its extension, as the original's `MimeTypeHelper.getMime` finds it: the `mime`
 * package, with camera raw formats defined over it. Anything else is `application/octet-stream`, as there. One
 * function for the API and the pipeline, so both type an asset alike.
 */
export function mimeFromKey(key: string): string {
  return overrides.getType(key) ?? mime.getType(key) ?? OCTET_STREAM;
}

const VIDEO_SUBTYPES = new Set(['mxf', 'gxf']);
const DOCUMENT_SUBTYPES = new Set(['pdf']);

/** The original's `MimeTypeHelper.parseMimeType`: the major type, with MXF/GXF as video and PDF as document. */
export function typeOfMime(mimeType: string): string {
  const [type = '', subtype = ''] = (mimeType.split(';')[0] ?? '').trim().toLowerCase().split('/');
  if (type === 'video' || type === 'audio' || type === 'image') return type;
  if (VIDEO_SUBTYPES.has(subtype)) return 'video';
  if (DOCUMENT_SUBTYPES.has(subtype)) return 'document';
  return subtype;
}
