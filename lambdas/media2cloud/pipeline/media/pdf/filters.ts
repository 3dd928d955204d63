import { inflateSync, constants } from 'node:zlib';
import { PdfDict, PdfName, type PdfValue } from './objects';

/** Thrown for a stream whose filter this reader does not decode (images mostly: DCT, JPX, CCITT, JBIG2). */
export class UnsupportedFilter extends Error {
  constructor(filter: string) {
    super(`PDF filter ${filter} is not supported`);
    this.name = 'UnsupportedFilter';
  }
}

/** Decodes a stream's bytes through its `/Filter` chain (§7.4): Flate (with predictors), ASCIIHex, ASCII85, LZW. */
export function decodeStream(
  data: Uint8Array,
  dict: PdfDict,
  resolve: (value: PdfValue | undefined) => PdfValue | undefined,
): Uint8Array {
  const filters = asList(resolve(dict.get('Filter')));
  const params = asList(resolve(dict.get('DecodeParms') ?? dict.get('DP')));
  let bytes = data;
  filters.forEach((filter, index) => {
    const name = filter instanceof PdfName ? filter.name : '';
    const parms = resolve(params[index]);
    bytes = applyFilter(name, bytes, parms instanceof PdfDict ? parms : undefined, resolve);
  });
  return bytes;
}

function asList(value: PdfValue | undefined): PdfValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function applyFilter(
  name: string,
  bytes: Uint8Array,
  parms: PdfDict | undefined,
  resolve: (value: PdfValue | undefined) => PdfValue | undefined,
): Uint8Array {
  switch (name) {
    case 'FlateDecode':
    case 'Fl':
      return predict(inflate(bytes), parms, resolve);
    case 'LZWDecode':
    case 'LZW':
      return predict(lzwDecode(bytes, numberParam(parms, 'EarlyChange', resolve) ?? 1), parms, resolve);
    case 'ASCIIHexDecode':
    case 'AHx':
      return asciiHexDecode(bytes);
    case 'ASCII85Decode':
    case 'A85':
      return ascii85Decode(bytes);
    default:
      throw new UnsupportedFilter(name);
  }
}

/** Inflates, keeping what decodes of a truncated or damaged stream as readers do. */
function inflate(bytes: Uint8Array): Uint8Array {
  try {
    return inflateSync(bytes);
  } catch {
    return inflateSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
  }
}

function numberParam(
  parms: PdfDict | undefined,
  key: string,
  resolve: (value: PdfValue | undefined) => PdfValue | undefined,
): number | undefined {
  const value = parms ? resolve(parms.get(key)) : undefined;
  return typeof value === 'number' ? value : undefined;
}

/** PNG predictors (10–15) and TIFF predictor 2, as cross-reference streams use them. */
function predict(
  bytes: Uint8Array,
  parms: PdfDict | undefined,
  resolve: (value: PdfValue | undefined) => PdfValue | undefined,
): Uint8Array {
  const predictor = numberParam(parms, 'Predictor', resolve) ?? 1;
  if (predictor < 2) return bytes;
  const colors = numberParam(parms, 'Colors', resolve) ?? 1;
  const bits = numberParam(parms, 'BitsPerComponent', resolve) ?? 8;
  const columns = numberParam(parms, 'Columns', resolve) ?? 1;
  const pixelBytes = Math.max(1, Math.ceil((colors * bits) / 8));
  const rowBytes = Math.ceil((colors * bits * columns) / 8);
  if (predictor === 2) {
    const out = Uint8Array.from(bytes);
    for (let row = 0; row * rowBytes < out.length; row += 1) {
      for (let i = pixelBytes; i < rowBytes; i += 1) {
        const at = row * rowBytes + i;
        if (at < out.length) out[at] = (out[at]! + out[at - pixelBytes]!) & 0xff;
      }
    }
    return out;
  }
  const rows = Math.floor(bytes.length / (rowBytes + 1));
  const out = new Uint8Array(rows * rowBytes);
  let previous = new Uint8Array(rowBytes);
  for (let row = 0; row < rows; row += 1) {
    const type = bytes[row * (rowBytes + 1)]!;
    const line = bytes.subarray(row * (rowBytes + 1) + 1, (row + 1) * (rowBytes + 1));
    const current = out.subarray(row * rowBytes, (row + 1) * rowBytes);
    for (let i = 0; i < rowBytes; i += 1) {
      const left = i >= pixelBytes ? current[i - pixelBytes]! : 0;
      const up = previous[i]!;
      const upLeft = i >= pixelBytes ? previous[i - pixelBytes]! : 0;
      const raw = line[i] ?? 0;
      let value: number;
      switch (type) {
        case 1:
          value = raw + left;
          break;
        case 2:
          value = raw + up;
          break;
        case 3:
          value = raw + ((left + up) >> 1);
          break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left);
          const pb = Math.abs(p - up);
          const pc = Math.abs(p - upLeft);
          value = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        default:
          value = raw;
      }
      current[i] = value & 0xff;
    }
    previous = current;
  }
  return out;
}

function asciiHexDecode(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes)
    .toString('latin1')
    .split('>')[0]!
    .replace(/[^0-9a-fA-F]/g, '');
  return Uint8Array.from(Buffer.from(text.length % 2 === 1 ? `${text}0` : text, 'hex'));
}

function ascii85Decode(bytes: Uint8Array): Uint8Array {
  let text = Buffer.from(bytes).toString('latin1').replace(/\s/g, '');
  if (text.startsWith('<~')) text = text.slice(2);
  text = text.split('~>')[0]!;
  const out: number[] = [];
  let group: number[] = [];
  const flush = (count: number) => {
    while (group.length < 5) group.push(84);
    let value = 0;
    for (const digit of group) value = value * 85 + digit;
    const chunk = [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
    out.push(...chunk.slice(0, count));
    group = [];
  };
  for (const char of text) {
    if (char === 'z' && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    const digit = char.charCodeAt(0) - 33;
    if (digit < 0 || digit > 84) continue;
    group.push(digit);
    if (group.length === 5) flush(4);
  }
  if (group.length > 1) flush(group.length - 1);
  return Uint8Array.from(out);
}

function lzwDecode(bytes: Uint8Array, earlyChange: number): Uint8Array {
  const out: number[] = [];
  let dictionary: number[][] = [];
  const reset = () => {
    dictionary = Array.from({ length: 258 }, (_, i) => (i < 256 ? [i] : []));
  };
  reset();
  let codeLength = 9;
  let bitBuffer = 0;
  let bitCount = 0;
  let previous: number[] | undefined;
  for (const byte of bytes) {
    bitBuffer = (bitBuffer << 8) | byte;
    bitCount += 8;
    while (bitCount >= codeLength) {
      const code = (bitBuffer >>> (bitCount - codeLength)) & ((1 << codeLength) - 1);
      bitCount -= codeLength;
      if (code === 256) {
        reset();
        codeLength = 9;
        previous = undefined;
        continue;
      }
      if (code === 257) return Uint8Array.from(out);
      let entry: number[];
      if (code < dictionary.length) entry = dictionary[code]!;
      else if (previous) entry = [...previous, previous[0]!];
      else return Uint8Array.from(out);
      out.push(...entry);
      if (previous) dictionary.push([...previous, entry[0]!]);
      previous = entry;
      if (dictionary.length + earlyChange >= 1 << codeLength && codeLength < 12) codeLength += 1;
    }
  }
  return Uint8Array.from(out);
}
