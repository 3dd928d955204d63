import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { RekognitionErrors } from './errors';
import { BUCKET, optionalObject, optionalString, requiredObject, requiredString, type Input } from './validation';

/** Rekognition's limits: 5 MB of image bytes in the request, 15 MB for an image in S3. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_S3_IMAGE_BYTES = 15 * 1024 * 1024;

export interface S3ObjectRef {
  readonly bucket: string;
  readonly name: string;
  readonly version?: string;
}

/** Reads objects as Rekognition does: through S3's API, with the caller's view of the bucket. */
export interface ObjectReader {
  read(object: S3ObjectRef, maxBytes: number): Promise<Buffer>;
  /** The object's size; InvalidS3ObjectException when S3 does not give it. */
  size(object: S3ObjectRef): Promise<number>;
  /** Streams the object to a file. */
  download(object: S3ObjectRef, file: string): Promise<void>;
}

export function s3ObjectRef(input: Input, member = 'S3Object'): S3ObjectRef {
  const object = requiredObject(input, member);
  const version = optionalString(object, 'Version', { max: 1024 });
  return {
    bucket: requiredString(object, 'Bucket', BUCKET),
    name: requiredString(object, 'Name', { max: 1024 }),
    ...(version ? { version } : {}),
  };
}

/** An S3 object read through the SDK; anything S3 refuses is Rekognition's InvalidS3ObjectException. */
export function s3ObjectReader(client: () => S3Client): ObjectReader {
  return {
    async read(object, maxBytes) {
      let body: Uint8Array;
      try {
        const response = await client().send(
          new GetObjectCommand({
            Bucket: object.bucket,
            Key: object.name,
            ...(object.version ? { VersionId: object.version } : {}),
          }),
        );
        if ((response.ContentLength ?? 0) > maxBytes) throw new TooLarge();
        body = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
      } catch (error) {
        if (error instanceof TooLarge) throw RekognitionErrors.imageTooLarge();
        throw RekognitionErrors.invalidS3Object();
      }
      if (body.length > maxBytes) throw RekognitionErrors.imageTooLarge();
      return Buffer.from(body);
    },
    async size(object) {
      try {
        const head = await client().send(
          new HeadObjectCommand({
            Bucket: object.bucket,
            Key: object.name,
            ...(object.version ? { VersionId: object.version } : {}),
          }),
        );
        return head.ContentLength ?? 0;
      } catch {
        throw RekognitionErrors.invalidS3Object();
      }
    },
    async download(object, file) {
      const response = await client().send(
        new GetObjectCommand({
          Bucket: object.bucket,
          Key: object.name,
          ...(object.version ? { VersionId: object.version } : {}),
        }),
      );
      await pipeline(response.Body as Readable, fs.createWriteStream(file));
    },
  };
}

class TooLarge extends Error {}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The `Image` member: `Bytes` (base64 on the wire) or `S3Object`, exactly one; only JPEG and PNG are images. */
export async function readImage(input: Input, reader: ObjectReader, member = 'Image'): Promise<Buffer> {
  const image = requiredObject(input, member);
  const bytes = image.Bytes;
  const s3 = optionalObject(image, 'S3Object');
  if ((bytes === undefined) === (s3 === undefined)) {
    throw RekognitionErrors.invalidParameter('Request has invalid parameters: Image needs Bytes or S3Object');
  }
  let data: Buffer;
  if (s3) {
    data = await reader.read(s3ObjectRef(image), MAX_S3_IMAGE_BYTES);
  } else {
    if (typeof bytes !== 'string' || !BASE64.test(bytes)) {
      throw RekognitionErrors.invalidParameter('Request has invalid parameters: Image.Bytes must be base64');
    }
    data = Buffer.from(bytes, 'base64');
    if (data.length === 0) throw RekognitionErrors.invalidImageFormat();
    if (data.length > MAX_IMAGE_BYTES) throw RekognitionErrors.imageTooLarge();
  }
  if (!isJpeg(data) && !isPng(data)) throw RekognitionErrors.invalidImageFormat();
  return data;
}

/**
 * A JPEG whose segments hold together up to the start of its scan, with a frame header before it. The image decoder
 * crashes on some malformed files instead of failing, so what it is given is checked first.
 */
function isJpeg(data: Buffer): boolean {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return false;
  let offset = 2;
  let frame = false;
  while (offset + 4 <= data.length) {
    if (data[offset] !== 0xff) return false;
    const marker = data[offset + 1] as number;
    if (marker === 0xff) {
      offset++;
      continue;
    }
    const length = data.readUInt16BE(offset + 2);
    if (length < 2 || offset + 2 + length > data.length) return false;
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): a frame header, with a non-zero size.
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      if (length < 8 || data.readUInt16BE(offset + 5) === 0 || data.readUInt16BE(offset + 7) === 0) return false;
      frame = true;
    }
    if (marker === 0xda) return frame && offset + 2 + length < data.length;
    offset += 2 + length;
  }
  return false;
}

/** A PNG signature followed by a well-formed IHDR chunk with a non-zero size. */
function isPng(data: Buffer): boolean {
  return (
    data.length > 33 &&
    data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) &&
    data.readUInt32BE(8) === 13 &&
    data.toString('latin1', 12, 16) === 'IHDR' &&
    data.readUInt32BE(16) > 0 &&
    data.readUInt32BE(20) > 0
  );
}
