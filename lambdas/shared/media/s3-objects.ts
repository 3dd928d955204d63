import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** An S3 object. Each backend keeps its own spelling on the wire (`S3Bucket`/`S3Key`, `bucket`/`key`). */
export interface ObjectLocation {
  readonly bucket: string;
  readonly key: string;
}

/** Reads an object piece by piece, so a large media file never has to fit in memory. */
export interface RangedObjectReader {
  size(object: ObjectLocation): Promise<number>;
  readRange(object: ObjectLocation, offset: number, length: number): Promise<Uint8Array>;
}

export interface ObjectFiles {
  /** Streams the object into a local file. */
  download(object: ObjectLocation, filePath: string): Promise<void>;
  /** Streams a local file into the object. */
  upload(object: ObjectLocation, filePath: string, contentType: string): Promise<void>;
  exists(object: ObjectLocation): Promise<boolean>;
}

export interface ObjectText {
  readText(object: ObjectLocation): Promise<string>;
}

/** Small results written at once (a transcript's text, a caption file). */
export interface ObjectWriter {
  writeText(object: ObjectLocation, text: string, contentType?: string): Promise<void>;
}

/** S3 as media work uses it: ranged reads, streamed transfers, existence checks. */
export class S3Objects implements RangedObjectReader, ObjectFiles, ObjectText, ObjectWriter {
  constructor(private readonly s3: S3Client) {}

  async size(object: ObjectLocation): Promise<number> {
    const head = await this.s3
      .send(new HeadObjectCommand({ Bucket: object.bucket, Key: object.key }))
      .catch((error: unknown) => Promise.reject(describeS3Error(error, object)));
    return head.ContentLength ?? 0;
  }

  async readRange(object: ObjectLocation, offset: number, length: number): Promise<Uint8Array> {
    if (length <= 0) return new Uint8Array(0);
    const response = await this.s3
      .send(
        new GetObjectCommand({
          Bucket: object.bucket,
          Key: object.key,
          Range: `bytes=${offset}-${offset + length - 1}`,
        }),
      )
      .catch((error: unknown) => Promise.reject(describeS3Error(error, object)));
    return response.Body ? response.Body.transformToByteArray() : new Uint8Array(0);
  }

  async download(object: ObjectLocation, filePath: string): Promise<void> {
    const response = await this.s3
      .send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }))
      .catch((error: unknown) => Promise.reject(describeS3Error(error, object)));
    if (!(response.Body instanceof Readable)) throw new Error(`s3://${object.bucket}/${object.key} has no body`);
    await pipeline(response.Body, createWriteStream(filePath));
  }

  async upload(object: ObjectLocation, filePath: string, contentType: string): Promise<void> {
    // A single PUT takes up to 5 GB; a proxy or audio track that large would outgrow the function's /tmp first.
    const { size } = await stat(filePath);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        Body: createReadStream(filePath),
        ContentLength: size,
        ContentType: contentType,
      }),
    );
  }

  async exists(object: ObjectLocation): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: object.bucket, Key: object.key }));
      return true;
    } catch (error) {
      if (httpStatus(error) === 404) return false;
      throw describeS3Error(error, object);
    }
  }

  async readText(object: ObjectLocation): Promise<string> {
    const response = await this.s3
      .send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }))
      .catch((error: unknown) => Promise.reject(describeS3Error(error, object)));
    return response.Body ? response.Body.transformToString('utf-8') : '';
  }

  async writeText(object: ObjectLocation, text: string, contentType = 'text/plain; charset=utf-8'): Promise<void> {
    await this.s3
      .send(new PutObjectCommand({ Bucket: object.bucket, Key: object.key, Body: text, ContentType: contentType }))
      .catch((error: unknown) => Promise.reject(describeS3Error(error, object)));
  }
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** SDK errors for HEAD requests carry no message ("UnknownError"); operators put this text in their metadata. */
function describeS3Error(error: unknown, object: ObjectLocation): Error {
  const location = `s3://${object.bucket}/${object.key}`;
  if (httpStatus(error) === 404) return new Error(`${location} does not exist`);
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  return new Error(`${name}: ${message} (${location})`);
}
