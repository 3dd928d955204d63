import { isMediaType, type MediaType } from '../../search/document';
import { mimeFromKey, OCTET_STREAM, typeOfMime } from '../../mime';

export { mimeFromKey, OCTET_STREAM, typeOfMime };

export function mediaTypeOfMime(mime: string): MediaType | undefined {
  const type = typeOfMime(mime);
  return isMediaType(type) ? type : undefined;
}

const ascii = (bytes: Uint8Array, start: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(start, start + length));

/**
 * The MIME type the first bytes of a file show (its "magic"), or `undefined` when they show none this knows. The
 * original asks libmagic; this knows the signatures of the media formats ingest handles, which is what deciding the
 * media type needs. 512 bytes are plenty.
 */
export function sniffMime(bytes: Uint8Array): string | undefined {
  const at = (offset: number, ...values: number[]) => values.every((value, i) => bytes[offset + i] === value);
  if (bytes.length < 4) return undefined;
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (ascii(bytes, 0, 4) === 'GIF8') return 'image/gif';
  if (at(0, 0x49, 0x49, 0x2a, 0x00) || at(0, 0x4d, 0x4d, 0x00, 0x2a)) return 'image/tiff';
  if (ascii(bytes, 0, 5) === '%PDF-') return 'application/pdf';
  if (ascii(bytes, 0, 4) === 'RIFF') {
    const form = ascii(bytes, 8, 4);
    if (form === 'WEBP') return 'image/webp';
    if (form === 'WAVE') return 'audio/wav';
    if (form === 'AVI ') return 'video/x-msvideo';
    return undefined;
  }
  if (ascii(bytes, 0, 4) === 'FORM' && ascii(bytes, 8, 3) === 'AIF') return 'audio/x-aiff';
  if (ascii(bytes, 4, 4) === 'ftyp') return isoBrandMime(ascii(bytes, 8, 4));
  if (['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].includes(ascii(bytes, 4, 4))) return 'video/quicktime';
  if (at(0, 0x1a, 0x45, 0xdf, 0xa3)) {
    return ascii(bytes, 0, Math.min(bytes.length, 64)).includes('webm') ? 'video/webm' : 'video/x-matroska';
  }
  if (at(0, 0x06, 0x0e, 0x2b, 0x34)) return 'application/mxf';
  if (at(0, 0x30, 0x26, 0xb2, 0x75)) return 'video/x-ms-wmv';
  if (ascii(bytes, 0, 3) === 'FLV') return 'video/x-flv';
  if (ascii(bytes, 0, 4) === 'fLaC') return 'audio/flac';
  if (ascii(bytes, 0, 4) === 'OggS') {
    return ascii(bytes, 0, Math.min(bytes.length, 64)).includes('theora') ? 'video/ogg' : 'audio/ogg';
  }
  if (at(0, 0x00, 0x00, 0x01, 0xba) || at(0, 0x00, 0x00, 0x01, 0xb3)) return 'video/mpeg';
  if (bytes[0] === 0x47 && (bytes.length <= 188 || bytes[188] === 0x47)) return 'video/mp2t';
  if (ascii(bytes, 0, 3) === 'ID3') return 'audio/mpeg';
  if (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xf6) === 0xf0) return 'audio/aac';
  if (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0) return 'audio/mpeg';
  if (at(0, 0x0b, 0x77)) return 'audio/ac3';
  return undefined;
}

function isoBrandMime(brand: string): string {
  if (brand === 'M4A ' || brand === 'M4B ') return 'audio/mp4';
  if (brand === 'qt  ') return 'video/quicktime';
  if (brand === 'heic' || brand === 'heix' || brand === 'mif1' || brand === 'msf1') return 'image/heic';
  if (brand.startsWith('3g2')) return 'video/3gpp2';
  if (brand.startsWith('3g')) return 'video/3gpp';
  return 'video/mp4';
}

/**
 * The asset's MIME type from its name and its first bytes: the extension decides unless the bytes show another
 * media type (a PDF named `.mp4`) or the extension says nothing; bytes that show nothing leave the extension's
 * answer, so a corrupt `.mp4` is still treated (and then failed) as video.
 */
export function detectMime(key: string, firstBytes: Uint8Array): string {
  const byName = mimeFromKey(key);
  const byMagic = sniffMime(firstBytes);
  if (byMagic === undefined) return byName;
  if (byName === OCTET_STREAM) return byMagic;
  return typeOfMime(byMagic) === typeOfMime(byName) ? byName : byMagic;
}

/** The original's S3 event handler accepts video, audio and image majors and the pdf/mxf/gxf subtypes. */
export function isSupportedMime(mime: string): boolean {
  return mediaTypeOfMime(mime) !== undefined;
}
