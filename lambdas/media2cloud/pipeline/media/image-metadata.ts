import { inflateSync } from 'node:zlib';
import type { RandomAccess } from '../ports';

/**
 * An image's descriptive and technical metadata, flat and named the way exiftool (which the original runs) names
 * tags: `ImageWidth`, `Make`, `Artist`, `XPKeywords`, XMP `Title`/`Subject`, IPTC `Keywords`/`ObjectName`, ...
 * Lists are joined with `, ` as the original's `sanitizeExif` joins exiftool's arrays.
 */
export type ImageInfo = Record<string, string | number>;

type Reader = (offset: number, length: number) => Promise<Uint8Array>;

const MAX_SEGMENTS = 10_000;

/** Reads EXIF (TIFF IFDs), XMP and IPTC from a JPEG, PNG or TIFF, touching only the bytes that hold them. */
export async function readImageInfo(access: RandomAccess): Promise<ImageInfo> {
  const read: Reader = (offset, length) => access.read(offset, Math.max(0, Math.min(length, access.size - offset)));
  const head = await read(0, 16);
  const info: ImageInfo = {};
  if (head[0] === 0xff && head[1] === 0xd8) {
    info.FileType = 'JPEG';
    await readJpeg(read, access.size, info);
  } else if (head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) {
    info.FileType = 'PNG';
    await readPng(read, access.size, info);
  } else if (isTiffHeader(head)) {
    info.FileType = 'TIFF';
    await readTiff(read, 0, info);
    if (info.ImageWidth === undefined && info.ExifImageWidth !== undefined) info.ImageWidth = info.ExifImageWidth;
    if (info.ImageHeight === undefined && info.ExifImageHeight !== undefined) info.ImageHeight = info.ExifImageHeight;
  }
  return info;
}

function isTiffHeader(bytes: Uint8Array): boolean {
  return (
    (bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 0x2a && bytes[3] === 0) ||
    (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 0x2a)
  );
}

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const EXIF_HEADER = 'Exif\0\0';
const XMP_HEADER = 'http://ns.adobe.com/xap/1.0/\0';
const PHOTOSHOP_HEADER = 'Photoshop 3.0\0';

async function readJpeg(read: Reader, size: number, info: ImageInfo): Promise<void> {
  let offset = 2;
  for (let count = 0; count < MAX_SEGMENTS && offset + 4 <= size; count += 1) {
    const header = await read(offset, 4);
    if (header[0] !== 0xff) return;
    const marker = header[1]!;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return;
    const length = (header[2]! << 8) | header[3]!;
    if (length < 2) return;
    if (SOF_MARKERS.has(marker)) {
      const frame = await read(offset + 4, 5);
      info.ImageHeight = (frame[1]! << 8) | frame[2]!;
      info.ImageWidth = (frame[3]! << 8) | frame[4]!;
    } else if (marker === 0xe1 || marker === 0xed) {
      const data = await read(offset + 4, length - 2);
      const text = latin1(data.subarray(0, 29));
      if (text.startsWith(EXIF_HEADER)) {
        const tiff = data.subarray(EXIF_HEADER.length);
        await readTiff(bufferReader(tiff), 0, info);
      } else if (text.startsWith(XMP_HEADER)) {
        Object.assign(info, parseXmp(utf8(data.subarray(XMP_HEADER.length))));
      } else if (text.startsWith(PHOTOSHOP_HEADER)) {
        Object.assign(info, parsePhotoshopIptc(data.subarray(PHOTOSHOP_HEADER.length)));
      }
    }
    offset += 2 + length;
  }
}

async function readPng(read: Reader, size: number, info: ImageInfo): Promise<void> {
  let offset = 8;
  for (let count = 0; count < MAX_SEGMENTS && offset + 8 <= size; count += 1) {
    const header = await read(offset, 8);
    const length = new DataView(header.buffer, header.byteOffset).getUint32(0);
    const type = latin1(header.subarray(4, 8));
    if (type === 'IEND') return;
    if (type === 'IHDR') {
      const data = await read(offset + 8, 8);
      const view = new DataView(data.buffer, data.byteOffset);
      info.ImageWidth = view.getUint32(0);
      info.ImageHeight = view.getUint32(4);
    } else if (type === 'eXIf') {
      await readTiff(bufferReader(await read(offset + 8, length)), 0, info);
    } else if (type === 'tEXt' || type === 'iTXt' || type === 'zTXt') {
      const [keyword, text] = pngText(type, await read(offset + 8, length));
      if (keyword === 'XML:com.adobe.xmp') Object.assign(info, parseXmp(text));
      else if (keyword.length > 0 && text.length > 0) info[keyword] = text;
    }
    offset += 12 + length;
  }
}

function pngText(type: string, data: Uint8Array): [string, string] {
  const nul = data.indexOf(0);
  if (nul < 0) return ['', ''];
  const keyword = latin1(data.subarray(0, nul));
  if (type === 'tEXt') return [keyword, latin1(data.subarray(nul + 1))];
  if (type === 'zTXt') return [keyword, latin1(inflateSync(data.subarray(nul + 2)))];
  const compressed = data[nul + 1] === 1;
  let at = nul + 3;
  at = data.indexOf(0, at) + 1; // language tag
  at = data.indexOf(0, at) + 1; // translated keyword
  if (at <= 0) return [keyword, ''];
  const body = data.subarray(at);
  return [keyword, utf8(compressed ? inflateSync(body) : body)];
}

// ---- TIFF / EXIF ---------------------------------------------------------------------------------------------

const IFD0_TAGS: Readonly<Record<number, string>> = {
  0x0100: 'ImageWidth',
  0x0101: 'ImageHeight',
  0x010e: 'ImageDescription',
  0x010f: 'Make',
  0x0110: 'Model',
  0x0112: 'Orientation',
  0x0131: 'Software',
  0x0132: 'ModifyDate',
  0x013b: 'Artist',
  0x8298: 'Copyright',
  0x9c9b: 'XPTitle',
  0x9c9c: 'XPComment',
  0x9c9d: 'XPAuthor',
  0x9c9e: 'XPKeywords',
  0x9c9f: 'XPSubject',
};
const EXIF_TAGS: Readonly<Record<number, string>> = {
  0x829a: 'ExposureTime',
  0x829d: 'FNumber',
  0x8827: 'ISO',
  0x9003: 'DateTimeOriginal',
  0x9004: 'CreateDate',
  0x920a: 'FocalLength',
  0x9286: 'UserComment',
  0xa002: 'ExifImageWidth',
  0xa003: 'ExifImageHeight',
  0xa433: 'LensMake',
  0xa434: 'LensModel',
};
const GPS_TAGS: Readonly<Record<number, string>> = {
  0x0001: 'GPSLatitudeRef',
  0x0002: 'GPSLatitude',
  0x0003: 'GPSLongitudeRef',
  0x0004: 'GPSLongitude',
  0x0006: 'GPSAltitude',
};
const EXIF_IFD_POINTER = 0x8769;
const GPS_IFD_POINTER = 0x8825;
const XP_TAGS = new Set([0x9c9b, 0x9c9c, 0x9c9d, 0x9c9e, 0x9c9f]);
const TYPE_SIZES: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8 };
const MAX_IFD_ENTRIES = 1000;

/** exiftool's names for the EXIF orientation values. */
const ORIENTATIONS = [
  '',
  'Horizontal (normal)',
  'Mirror horizontal',
  'Rotate 180',
  'Mirror vertical',
  'Mirror horizontal and rotate 270 CW',
  'Rotate 90 CW',
  'Mirror horizontal and rotate 90 CW',
  'Rotate 270 CW',
];

interface IfdEntry {
  readonly tag: number;
  readonly value: string | number | number[];
}

async function readTiff(read: Reader, base: number, info: ImageInfo): Promise<void> {
  const header = await read(base, 8);
  if (header.length < 8 || !isTiffHeader(header)) return;
  const little = header[0] === 0x49;
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const ifd0 = view.getUint32(4, little);
  const entries = await readIfd(read, base, ifd0, little);
  for (const { tag, value } of entries) {
    const name = IFD0_TAGS[tag];
    if (name === 'Orientation' && typeof value === 'number') info.Orientation = ORIENTATIONS[value] ?? value;
    else if (name !== undefined) setValue(info, name, value);
    if (tag === EXIF_IFD_POINTER && typeof value === 'number') {
      for (const exif of await readIfd(read, base, value, little)) {
        const exifName = EXIF_TAGS[exif.tag];
        if (exifName !== undefined) setValue(info, exifName, exif.value);
      }
    }
    if (tag === GPS_IFD_POINTER && typeof value === 'number') {
      const gps: Record<string, string | number | number[]> = {};
      for (const entry of await readIfd(read, base, value, little)) {
        const gpsName = GPS_TAGS[entry.tag];
        if (gpsName !== undefined) gps[gpsName] = entry.value;
      }
      Object.assign(info, gpsPosition(gps));
    }
  }
}

function setValue(info: ImageInfo, name: string, value: string | number | number[]): void {
  if (Array.isArray(value)) info[name] = value.join(' ');
  else if (typeof value === 'string') {
    const trimmed = value.replace(/\0+$/, '').trim();
    if (trimmed.length > 0) info[name] = trimmed;
  } else if (Number.isFinite(value)) info[name] = value;
}

function gpsPosition(gps: Record<string, string | number | number[]>): ImageInfo {
  const position: ImageInfo = {};
  const degrees = (value: unknown): number | undefined => {
    if (!Array.isArray(value) || value.length < 3) return undefined;
    return value[0]! + value[1]! / 60 + value[2]! / 3600;
  };
  const latitude = degrees(gps.GPSLatitude);
  const longitude = degrees(gps.GPSLongitude);
  if (latitude !== undefined) position.GPSLatitude = gps.GPSLatitudeRef === 'S' ? -latitude : latitude;
  if (longitude !== undefined) position.GPSLongitude = gps.GPSLongitudeRef === 'W' ? -longitude : longitude;
  if (typeof gps.GPSAltitude === 'number') position.GPSAltitude = gps.GPSAltitude;
  return position;
}

async function readIfd(read: Reader, base: number, offset: number, little: boolean): Promise<IfdEntry[]> {
  const countBytes = await read(base + offset, 2);
  if (countBytes.length < 2) return [];
  const count = Math.min(new DataView(countBytes.buffer, countBytes.byteOffset).getUint16(0, little), MAX_IFD_ENTRIES);
  const table = await read(base + offset + 2, count * 12);
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const entries: IfdEntry[] = [];
  for (let i = 0; i < count && (i + 1) * 12 <= table.length; i += 1) {
    const at = i * 12;
    const tag = view.getUint16(at, little);
    const type = view.getUint16(at + 2, little);
    const n = view.getUint32(at + 4, little);
    const unit = TYPE_SIZES[type];
    if (unit === undefined || n === 0 || n > 1_000_000) continue;
    const bytes =
      unit * n <= 4
        ? table.subarray(at + 8, at + 8 + unit * n)
        : await read(base + view.getUint32(at + 8, little), unit * n);
    const value = decodeValue(type, n, bytes, little, XP_TAGS.has(tag));
    if (value !== undefined) entries.push({ tag, value });
  }
  return entries;
}

function decodeValue(
  type: number,
  count: number,
  bytes: Uint8Array,
  little: boolean,
  ucs2: boolean,
): string | number | number[] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (ucs2) return new TextDecoder('utf-16le').decode(bytes).replace(/\0+$/, '');
  if (type === 2) return utf8(bytes.subarray(0, bytes.indexOf(0) < 0 ? bytes.length : bytes.indexOf(0)));
  if (type === 7) return undefinedText(bytes);
  const values: number[] = [];
  for (let i = 0; i < count && values.length < 64; i += 1) {
    switch (type) {
      case 1:
      case 6:
        values.push(bytes[i]!);
        break;
      case 3:
        values.push(view.getUint16(i * 2, little));
        break;
      case 8:
        values.push(view.getInt16(i * 2, little));
        break;
      case 4:
        values.push(view.getUint32(i * 4, little));
        break;
      case 9:
        values.push(view.getInt32(i * 4, little));
        break;
      case 5:
      case 10: {
        const numerator = type === 5 ? view.getUint32(i * 8, little) : view.getInt32(i * 8, little);
        const denominator = type === 5 ? view.getUint32(i * 8 + 4, little) : view.getInt32(i * 8 + 4, little);
        values.push(denominator === 0 ? 0 : numerator / denominator);
        break;
      }
    }
  }
  return values.length === 1 ? values[0] : values;
}

/** EXIF `UserComment`: an 8-byte character code, then the text. */
function undefinedText(bytes: Uint8Array): string | undefined {
  const code = latin1(bytes.subarray(0, 8));
  const body = bytes.subarray(8);
  if (code.startsWith('ASCII')) return latin1(body).replace(/\0+$/, '');
  if (code.startsWith('UNICODE')) return new TextDecoder('utf-16le').decode(body).replace(/\0+$/, '');
  return undefined;
}

// ---- XMP ------------------------------------------------------------------------------------------------------

/** XMP properties mediaplane reads, by their exiftool names. */
const XMP_PROPERTIES: ReadonlyArray<[element: string, name: string]> = [
  ['dc:title', 'Title'],
  ['dc:description', 'Description'],
  ['dc:subject', 'Subject'],
  ['dc:creator', 'Creator'],
  ['dc:rights', 'Rights'],
  ['photoshop:Headline', 'Headline'],
  ['photoshop:City', 'City'],
  ['photoshop:Country', 'Country'],
  ['xmp:Label', 'Label'],
  ['lr:hierarchicalSubject', 'HierarchicalSubject'],
];

/** The descriptive properties of an XMP packet: element form (with `rdf:Alt`/`Bag`/`Seq` lists) or attribute form. */
export function parseXmp(xml: string): ImageInfo {
  const info: ImageInfo = {};
  for (const [element, name] of XMP_PROPERTIES) {
    const escaped = element.replace(':', '\\:');
    const elementMatch = new RegExp(`<${escaped}(?:\\s[^>]*)?>([\\s\\S]*?)</${escaped}>`).exec(xml);
    let values: string[] = [];
    if (elementMatch) {
      const items = [...elementMatch[1]!.matchAll(/<rdf:li(?:\s[^>]*)?>([\s\S]*?)<\/rdf:li>/g)].map((m) => m[1]!);
      values = (items.length > 0 ? items : [elementMatch[1]!]).map(xmlText);
    } else {
      const attribute = new RegExp(`\\s${escaped}="([^"]*)"`).exec(xml);
      if (attribute) values = [xmlText(attribute[1]!)];
    }
    values = values.filter((value) => value.length > 0);
    if (values.length > 0) info[name] = values.join(', ');
  }
  return info;
}

function xmlText(text: string): string {
  return text
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, code: string) => {
      if (code.startsWith('#x') || code.startsWith('#X')) return String.fromCodePoint(parseInt(code.slice(2), 16));
      if (code.startsWith('#')) return String.fromCodePoint(Number(code.slice(1)));
      return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[code] ?? entity;
    })
    .trim();
}

// ---- IPTC (Photoshop APP13) ------------------------------------------------------------------------------------

const IPTC_DATASETS: Readonly<Record<number, string>> = {
  5: 'ObjectName',
  25: 'Keywords',
  80: 'By-line',
  90: 'City',
  101: 'Country-PrimaryLocationName',
  105: 'Headline',
  116: 'CopyrightNotice',
  120: 'Caption-Abstract',
};

function parsePhotoshopIptc(data: Uint8Array): ImageInfo {
  const info: ImageInfo = {};
  let at = 0;
  while (at + 12 <= data.length && latin1(data.subarray(at, at + 4)) === '8BIM') {
    const id = (data[at + 4]! << 8) | data[at + 5]!;
    const nameLength = data[at + 6]!;
    let cursor = at + 6 + 1 + nameLength;
    if ((1 + nameLength) % 2 === 1) cursor += 1;
    const size = new DataView(data.buffer, data.byteOffset + cursor).getUint32(0);
    cursor += 4;
    if (id === 0x0404) Object.assign(info, parseIptc(data.subarray(cursor, cursor + size)));
    at = cursor + size + (size % 2);
  }
  return info;
}

function parseIptc(data: Uint8Array): ImageInfo {
  const lists = new Map<string, string[]>();
  let at = 0;
  while (at + 5 <= data.length && data[at] === 0x1c) {
    const record = data[at + 1]!;
    const dataset = data[at + 2]!;
    const size = (data[at + 3]! << 8) | data[at + 4]!;
    const name = record === 2 ? IPTC_DATASETS[dataset] : undefined;
    if (name !== undefined) {
      const value = utf8(data.subarray(at + 5, at + 5 + size)).trim();
      if (value.length > 0) lists.set(name, [...(lists.get(name) ?? []), value]);
    }
    at += 5 + size;
  }
  return Object.fromEntries([...lists].map(([name, values]) => [name, values.join(', ')]));
}

// ---- helpers ---------------------------------------------------------------------------------------------------

function bufferReader(buffer: Uint8Array): Reader {
  return async (offset, length) => buffer.subarray(Math.max(0, offset), Math.max(0, offset + length));
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
