import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { MediaObject } from '../../workflow/domain/types';

/** Reads an object piece by piece, so a large media file never has to fit in memory. */
export interface RangedObjectReader {
  size(object: MediaObject): Promise<number>;
  readRange(object: MediaObject, offset: number, length: number): Promise<Uint8Array>;
}

export interface ObjectFiles {
  /** Streams the object into a local file. */
  download(object: MediaObject, filePath: string): Promise<void>;
  /** Streams a local file into the object. */
  upload(object: MediaObject, filePath: string, contentType: string): Promise<void>;
  exists(object: MediaObject): Promise<boolean>;
}

export interface ObjectText {
  readText(object: MediaObject): Promise<string>;
}

/** The S3 side of the operators: ranged reads, streamed transfers, existence checks. */
export class S3Objects implements RangedObjectReader, ObjectFiles, ObjectText {
  constructor(private readonly s3: S3Client) {}

  async size(object: MediaObject): Promise<number> {
    const head = await this.s3
      .send(new HeadObjectCommand({ Bucket: object.S3Bucket, Key: object.S3Key }))
      .catch((error: unknown) => Promise.reject(describeS3Error(error, object)));
    return head.ContentLength ?? 0;
  }

  async readRange(object: MediaObject, offset: number, length: number): Promise<Uint8Array> {
    if (length <= 0) return new Uint8Array(0);
    const response = await this.s3
      .send(
        new GetObjectCommand({
          Bucket: object.S3Bucket,
          Key: object.S3Key,
          Range: `bytes=${offset}-${offset + length - 1}`,
        }),
      )
      .catch((error: unknown) => Promise.reject(describeS3Error(error, object)));
    return response.Body ? response.Body.transformToByteArray() : new Uint8Array(0);
  }

  async download(object: MediaObject, filePath: string): Promise<void> {
    const response = await this.s3
      .send(new GetObjectCommand({ Bucket: object.S3Bucket, Key: object.S3Key }))
      .catch((error: unknown) => Promise.reject(describeS3Error(error, object)));
    if (!(response.Body instanceof Readable)) throw new Error(`s3://${object.S3Bucket}/${object.S3Key} has no body`);
    await pipeline(response.Body, createWriteStream(filePath));
  }

  async upload(object: MediaObject, filePath: string, contentType: string): Promise<void> {
    // A single PUT takes up to 5 GB; a proxy or audio track that large would outgrow the function's /tmp first.
    const { size } = await stat(filePath);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: object.S3Bucket,
        Key: object.S3Key,
        Body: createReadStream(filePath),
        ContentLength: size,
        ContentType: contentType,
      }),
    );
  }

  async exists(object: MediaObject): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: object.S3Bucket, Key: object.S3Key }));
      return true;
    } catch (error) {
      if (httpStatus(error) === 404) return false;
      throw describeS3Error(error, object);
    }
  }

  async readText(object: MediaObject): Promise<string> {
    const response = await this.s3
      .send(new GetObjectCommand({ Bucket: object.S3Bucket, Key: object.S3Key }))
      .catch((error: unknown) => Promise.reject(describeS3Error(error, object)));
    return response.Body ? response.Body.transformToString('utf-8') : '';
  }
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** SDK errors for HEAD requests carry no message ("UnknownError"); operators put this text in their metadata. */
function describeS3Error(error: unknown, object: MediaObject): Error {
  const location = `s3://${object.S3Bucket}/${object.S3Key}`;
  if (httpStatus(error) === 404) return new Error(`${location} does not exist`);
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  return new Error(`${name}: ${message} (${location})`);
}
