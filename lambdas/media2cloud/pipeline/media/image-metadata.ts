import exifr from 'exifr';
import { open } from 'node:fs/promises';
import { sniffMime } from '../domain/mime';

/**
 * An image's descriptive and technical metadata, flat and named the way exiftool (which the original runs) names
 * tags: `ImageWidth`, `Make`, `Artist`, `XPKeywords`, XMP `Title`/`Subject`, IPTC `Keywords`/`ObjectName`, ...
 * Lists are joined with `, ` as the original's `sanitizeExif` joins exiftool's arrays.
 */
export type ImageInfo = Record<string, string | number>;

/** exiftool's `FileType` of the formats whose metadata is read. */
const FILE_TYPES: Readonly<Record<string, string>> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/tiff': 'TIFF',
  'image/heic': 'HEIC',
};

/** The tags kept from each exifr block; exifr names TIFF tags as exiftool does. */
const IFD0_TAGS = [
  'ImageWidth',
  'ImageHeight',
  'ImageDescription',
  'Make',
  'Model',
  'Orientation',
  'Software',
  'ModifyDate',
  'Artist',
  'Copyright',
] as const;
const XP_TAGS = ['XPTitle', 'XPComment', 'XPAuthor', 'XPKeywords', 'XPSubject'] as const;
const EXIF_TAGS = [
  'ExposureTime',
  'FNumber',
  'ISO',
  'DateTimeOriginal',
  'CreateDate',
  'FocalLength',
  'ExifImageWidth',
  'ExifImageHeight',
  'LensMake',
  'LensModel',
] as const;
/** IPTC datasets: exifr's name → exiftool's. */
const IPTC_TAGS: Readonly<Record<string, string>> = {
  ObjectName: 'ObjectName',
  Keywords: 'Keywords',
  Byline: 'By-line',
  City: 'City',
  Country: 'Country-PrimaryLocationName',
  Headline: 'Headline',
  CopyrightNotice: 'CopyrightNotice',
  Caption: 'Caption-Abstract',
};
/** XMP properties by namespace prefix and name → exiftool's name. */
const XMP_PROPERTIES: ReadonlyArray<[namespace: string, property: string, name: string]> = [
  ['dc', 'title', 'Title'],
  ['dc', 'description', 'Description'],
  ['dc', 'subject', 'Subject'],
  ['dc', 'creator', 'Creator'],
  ['dc', 'rights', 'Rights'],
  ['photoshop', 'Headline', 'Headline'],
  ['photoshop', 'City', 'City'],
  ['photoshop', 'Country', 'Country'],
  ['xmp', 'Label', 'Label'],
  ['lr', 'hierarchicalSubject', 'HierarchicalSubject'],
];
/** What exifr's `ihdr` block holds besides a PNG's `tEXt` chunks, which it adds there by their keywords. */
const IHDR_FIELDS = new Set(['BitDepth', 'ColorType', 'Compression', 'Filter', 'Interlace', 'ProfileName']);

type Block = Record<string, unknown>;

/**
 * Reads EXIF (with its GPS position), XMP and IPTC of a JPEG, PNG, TIFF (camera raw files included) or HEIC image
 * with exifr, which reads only the parts of the file that hold them.
 */
export async function readImageInfo(file: string): Promise<ImageInfo> {
  const fileType = FILE_TYPES[sniffMime(await head(file, 16)) ?? ''];
  if (fileType === undefined) return {};
  const output = ((await exifr.parse(file, {
    tiff: true,
    exif: true,
    gps: true,
    xmp: true,
    iptc: true,
    ihdr: true,
    ifd1: false,
    interop: false,
    icc: false,
    jfif: false,
    makerNote: false,
    userComment: true,
    mergeOutput: false,
    // Revived dates are local-time Date objects; exiftool's `YYYY:MM:DD hh:mm:ss` text is what the record keeps.
    reviveValues: false,
    // exifr walks a PNG's chunks only within what it has read, and text chunks may follow the image data.
    ...(fileType === 'PNG' ? { chunked: false } : {}),
  } as Parameters<typeof exifr.parse>[1])) ?? {}) as Record<string, Block | undefined> & { userComment?: unknown };

  const info: ImageInfo = { FileType: fileType };
  const { ifd0 = {}, exif = {}, gps = {}, ihdr = {}, iptc = {} } = output;
  for (const tag of IFD0_TAGS) setValue(info, tag, ifd0[tag]);
  for (const tag of XP_TAGS) setValue(info, tag, ucs2(ifd0[tag]));
  for (const tag of EXIF_TAGS) setValue(info, tag, exif[tag]);
  // exifr hands the raw comment over beside the blocks.
  setValue(info, 'UserComment', userComment(output.userComment));
  Object.assign(info, gpsPosition(gps));
  if (fileType === 'TIFF') {
    if (info.ImageWidth === undefined) setValue(info, 'ImageWidth', info.ExifImageWidth);
    if (info.ImageHeight === undefined) setValue(info, 'ImageHeight', info.ExifImageHeight);
  }
  for (const [key, value] of Object.entries(ihdr)) {
    if (!IHDR_FIELDS.has(key)) setValue(info, key, value);
  }
  for (const [namespace, property, name] of XMP_PROPERTIES)
    setText(info, name, xmpTexts(output[namespace]?.[property]));
  for (const [key, name] of Object.entries(IPTC_TAGS)) setText(info, name, texts(iptc[key]));
  return info;
}

async function head(file: string, length: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(new Uint8Array(length), 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function setValue(info: ImageInfo, name: string, value: unknown): void {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const numbers = Array.from(value as ArrayLike<unknown>).filter((item): item is number => typeof item === 'number');
    if (numbers.length > 0) info[name] = numbers.join(' ');
  } else if (typeof value === 'string') {
    const trimmed = value.replace(/\0+$/, '').trim();
    if (trimmed.length > 0) info[name] = trimmed;
  } else if (typeof value === 'number' && Number.isFinite(value)) info[name] = value;
}

function setText(info: ImageInfo, name: string, values: string[]): void {
  const kept = values.map((value) => value.trim()).filter((value) => value.length > 0);
  if (kept.length > 0) info[name] = kept.join(', ');
}

function texts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(texts);
  return typeof value === 'string' || typeof value === 'number' ? [String(value)] : [];
}

/**
 * An XMP value as exifr gives it: text, a language alternative `{lang, value}`, or a list of either. exifr leaves
 * XML character references as they are in the packet, so they are decoded here.
 */
function xmpTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(xmpTexts);
  if (typeof value === 'object' && value !== null && 'value' in value) return xmpTexts(value.value);
  return texts(value).map(decodeXmlReferences);
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXmlReferences(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (reference, code: string) => {
    if (code[0] !== '#') return XML_ENTITIES[code] ?? reference;
    const point = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : Number(code.slice(1));
    return point <= 0x10ffff ? String.fromCodePoint(point) : reference;
  });
}

/** Windows' `XP…` tags: UCS-2 little-endian bytes (exifr decodes them only along with the dates it revives). */
function ucs2(value: unknown): unknown {
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) return value;
  return new TextDecoder('utf-16le').decode(Uint8Array.from(value as ArrayLike<number>)).replace(/\0+$/, '');
}

/** EXIF `UserComment`: an 8-byte character code, then the text. */
function userComment(value: unknown): string | undefined {
  if (!ArrayBuffer.isView(value) && !Array.isArray(value)) return typeof value === 'string' ? value : undefined;
  const bytes = Uint8Array.from(value as ArrayLike<number>);
  const code = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
  const body = bytes.subarray(8);
  if (code.startsWith('ASCII')) return Buffer.from(body).toString('latin1').replace(/\0+$/, '');
  if (code.startsWith('UNICODE')) return new TextDecoder('utf-16le').decode(body).replace(/\0+$/, '');
  return undefined;
}

/** The position in signed decimal degrees (south and west negative), as exifr computes it from the GPS IFD. */
function gpsPosition(gps: Block): ImageInfo {
  const position: ImageInfo = {};
  if (typeof gps.latitude === 'number' && Number.isFinite(gps.latitude)) position.GPSLatitude = gps.latitude;
  if (typeof gps.longitude === 'number' && Number.isFinite(gps.longitude)) position.GPSLongitude = gps.longitude;
  if (typeof gps.GPSAltitude === 'number') position.GPSAltitude = gps.GPSAltitude;
  return position;
}
