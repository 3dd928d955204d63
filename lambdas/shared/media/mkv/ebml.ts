/**
 * EBML primitives: variable-length integers (element IDs and sizes) and element encoding. Sizes up to 8 bytes wide
 * are read, as the Kinesis Video Producer SDK writes them; a size whose value bits are all ones means "unknown".
 */

/** A data size of -1 is EBML's "unknown size": the element ends where its parent or a higher-level element starts. */
export const UNKNOWN_SIZE = -1;

/** The width in bytes (1–8) of a variable-length integer from its first byte, or 0 for the invalid byte 0x00. */
export function vintWidth(firstByte: number): number {
  return firstByte === 0 ? 0 : Math.clz32(firstByte & 0xff) - 23;
}

/**
 * Reads a size VINT of `width` bytes at `offset`: its value, or UNKNOWN_SIZE when every value bit is one. Values above
 * 2^53 cannot describe bytes anyone sends; they come back as numbers all the same and fail the caller's bounds check.
 */
export function readSize(buffer: Uint8Array, offset: number, width: number): number {
  const marker = 0x80 >> (width - 1);
  let value = (buffer[offset] as number) & (marker - 1);
  let allOnes = value === marker - 1;
  for (let i = 1; i < width; i++) {
    const byte = buffer[offset + i] as number;
    value = value * 256 + byte;
    if (byte !== 0xff) allOnes = false;
  }
  return allOnes ? UNKNOWN_SIZE : value;
}

/** Reads an element ID of `width` bytes (1–4) at `offset`; the marker bits are part of the ID, as in the spec. */
export function readId(buffer: Uint8Array, offset: number, width: number): number {
  let id = 0;
  for (let i = 0; i < width; i++) id = id * 256 + (buffer[offset + i] as number);
  return id;
}

/** The bytes of an element ID (IDs keep their marker bits, so this is the big-endian value in 1–4 bytes). */
export function encodeId(id: number): Buffer {
  const width = id >= 0x1000000 ? 4 : id >= 0x10000 ? 3 : id >= 0x100 ? 2 : 1;
  const out = Buffer.alloc(width);
  out.writeUIntBE(id, 0, width);
  return out;
}

/**
 * A data size as a VINT: the smallest width that holds it, or exactly `width` bytes (writers that patch sizes later,
 * like the Producer SDK with its 8-byte sizes, reserve a fixed width). `UNKNOWN_SIZE` encodes as all ones.
 */
export function encodeSize(size: number, width?: number): Buffer {
  if (size === UNKNOWN_SIZE) {
    const w = width ?? 1;
    const out = Buffer.alloc(w, 0xff);
    out[0] = 0xff >> (w - 1);
    return out;
  }
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`Invalid EBML size ${size}`);
  let w = 1;
  // 2^(7w) - 1 is reserved for "unknown" at each width, so a size must stay below it.
  while (size >= 2 ** (7 * w) - 1) w++;
  if (width !== undefined) {
    if (width < w || width > 8) throw new RangeError(`EBML size ${size} does not fit in ${width} bytes`);
    w = width;
  }
  const out = Buffer.alloc(w);
  let value = size;
  for (let i = w - 1; i >= 0; i--) {
    out[i] = value % 256;
    value = Math.floor(value / 256);
  }
  out[0] = (out[0] as number) | (0x80 >> (w - 1));
  return out;
}

/** One element: ID, size (minimal width unless `sizeWidth`), payload. */
export function element(id: number, payload: Buffer | readonly Buffer[], sizeWidth?: number): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.concat(payload as Buffer[]);
  return Buffer.concat([encodeId(id), encodeSize(body.length, sizeWidth), body]);
}

/** An element whose size is "unknown" (written as `width` bytes of all ones), followed by its children. */
export function unknownSizeElement(id: number, children: readonly Buffer[] = [], width = 1): Buffer {
  return Buffer.concat([encodeId(id), encodeSize(UNKNOWN_SIZE, width), ...children]);
}

/** An unsigned integer in its fewest bytes (at least one), or exactly `width` bytes. */
export function encodeUint(value: number | bigint, width?: number): Buffer {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError(`Negative unsigned integer ${value}`);
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if (width !== undefined) {
    if (bytes.length > width) throw new RangeError(`${value} does not fit in ${width} bytes`);
    while (bytes.length < width) bytes.unshift(0);
  }
  return Buffer.from(bytes);
}

export function uintElement(id: number, value: number | bigint, width?: number, sizeWidth?: number): Buffer {
  return element(id, encodeUint(value, width), sizeWidth);
}

export function stringElement(id: number, value: string, sizeWidth?: number): Buffer {
  return element(id, Buffer.from(value, 'utf8'), sizeWidth);
}

export function floatElement(id: number, value: number): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeDoubleBE(value, 0);
  return element(id, payload);
}

/** An unsigned integer payload as a number (exact up to 2^53). */
export function readUint(data: Uint8Array): number {
  let value = 0;
  for (const byte of data) value = value * 256 + byte;
  return value;
}

export function readUintBig(data: Uint8Array): bigint {
  let value = 0n;
  for (const byte of data) value = (value << 8n) | BigInt(byte);
  return value;
}

/** A float payload (4 or 8 bytes; 0 bytes is 0). */
export function readFloat(data: Uint8Array): number {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data.byteLength === 4) return view.readFloatBE(0);
  if (data.byteLength === 8) return view.readDoubleBE(0);
  return 0;
}

/** A string payload, without the NUL padding EBML allows at its end. */
export function readString(data: Uint8Array): string {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}
