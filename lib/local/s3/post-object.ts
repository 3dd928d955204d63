import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import {
  DEFAULT_CHECKSUM_ALGORITHM,
  algorithmOfHeader,
  checksumHeader,
  createChecksummer,
  isWellFormedChecksum,
  type ChecksumAlgorithm,
} from './checksums';
import { parseTarget, quoted, requireBucket, sendXml, type KoaContext, type S3Engine } from './context';
import { invalidArgument, invalidRequest, s3Error } from './errors';
import { MAX_PUT_BYTES, recordChecksum, uploadMetadata } from './objects';
import { verifyPostPolicy, type FormField } from './post-policy';
import { StagedFile } from './store';

/** S3's limit on the form fields before the file, in bytes. */
const MAX_PRE_DATA_BYTES = 20_480;

interface FormFile {
  readonly stream: Readable;
  /** The part's `filename`, `undefined` when it has none. */
  readonly filename?: string;
}

interface FormHead {
  /** The fields before the file, by lower-case name; repeated fields joined with commas, as S3 joins them. */
  readonly fields: Map<string, FormField>;
  readonly file?: FormFile;
  /** Settles once the whole form has been read (fields after the file are ignored, as S3 ignores them). */
  readonly finished: Promise<void>;
}

function malformedPost(): Error {
  return s3Error('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
}

/** Reads a form up to its file part and hands the file over as a stream, unread. */
function readFormHead(request: Readable & { headers: IncomingHttpHeaders }): Promise<FormHead> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        defParamCharset: 'utf8',
        limits: { fieldNameSize: MAX_PRE_DATA_BYTES, fieldSize: MAX_PRE_DATA_BYTES + 1 },
      });
    } catch {
      reject(malformedPost());
      return;
    }
    const fields = new Map<string, FormField>();
    let preData = 0;
    let settled = false;
    const finished = new Promise<void>((done) => {
      parser.on('close', done);
      parser.on('error', () => done());
    });
    const settle = (head: Omit<FormHead, 'fields' | 'finished'> | Error) => {
      if (settled) return;
      settled = true;
      if (head instanceof Error) reject(head);
      else resolve({ fields, finished, ...head });
    };
    parser.on('field', (name, value, info) => {
      if (settled) return;
      if (name.toLowerCase() === 'file') {
        settle({ file: { stream: Readable.from([Buffer.from(value, 'utf8')]) } });
        return;
      }
      preData += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (preData > MAX_PRE_DATA_BYTES || info.valueTruncated || info.nameTruncated) {
        settle(
          s3Error(
            'MaxPostPreDataLengthExceeded',
            'Your POST request fields preceeding the upload file was too large.',
            {
              MaxPostPreDataLengthBytes: MAX_PRE_DATA_BYTES,
            },
          ),
        );
        return;
      }
      const key = name.toLowerCase();
      const previous = fields.get(key);
      fields.set(key, { name, value: previous ? `${previous.value},${value}` : value });
    });
    parser.on('file', (name, stream, info) => {
      if (settled || name.toLowerCase() !== 'file') {
        stream.resume();
        // Another file part counts as a field the policy must cover.
        if (!settled && !fields.has(name.toLowerCase())) fields.set(name.toLowerCase(), { name, value: '' });
        return;
      }
      settle({ file: { stream, filename: info.filename } });
    });
    parser.on('close', () => settle({}));
    parser.on('error', () => settle(malformedPost()));
    request.on('error', () => settle(malformedPost()));
    request.pipe(parser);
  });
}

/**
 * POST Object, the browser upload: a `multipart/form-data` form whose fields carry the key, the object's headers
 * and a SigV4-signed POST policy, then the file. Nothing is stored unless the signature, the policy's expiration,
 * conditions and `content-length-range`, and any checksum field hold; a form without a policy is anonymous and
 * refused, every local bucket being private. Answers as S3 does: a redirect to `success_action_redirect`, or
 * `success_action_status` (204 by default; 201 with a PostResponse document).
 */
export async function postObject(ctx: KoaContext, engine: S3Engine, bucket: string): Promise<void> {
  if (!/^multipart\/form-data\b/i.test(ctx.get('content-type'))) {
    throw s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
      Condition: 'Bucket POST must be of the enclosure-type multipart/form-data',
    });
  }
  await requireBucket(engine, bucket);
  const head = await readFormHead(ctx.req);
  try {
    if (!head.fields.has('key')) {
      throw invalidArgument(
        "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
        'key',
        '',
      );
    }
    if (!head.file) throw invalidArgument('POST requires exactly one file upload per request.', 'file', 0);
    const fields = expandFilename(head.fields, head.file.filename);
    const key = fields.get('key')?.value ?? '';
    if (key === '') throw invalidArgument('User key must have a length greater than 0.', 'key', '');
    parseTarget(`/${bucket}/${encodeURIComponent(key)}`);
    const policy = verifyPostPolicy({ fields, bucket }, engine);
    const metadata = uploadMetadata(Object.fromEntries([...fields].map(([name, field]) => [name, field.value])));
    const declared = declaredFieldChecksum(fields);

    const received = await receiveFile(engine, head.file.stream, declared?.algorithm ?? DEFAULT_CHECKSUM_ALGORITHM, {
      min: policy.contentLength?.min ?? 0,
      max: Math.min(policy.contentLength?.max ?? MAX_PUT_BYTES, MAX_PUT_BYTES),
    });
    const contentMd5 = fields.get('content-md5')?.value;
    if (contentMd5 !== undefined && contentMd5 !== received.md5.toString('base64')) {
      await fs.promises.rm(received.file, { force: true });
      throw s3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    if (declared && declared.value !== received.checksum) {
      await fs.promises.rm(received.file, { force: true });
      throw s3Error('BadDigest', `The ${declared.algorithm} you specified did not match the calculated checksum.`);
    }
    const algorithm = declared?.algorithm ?? DEFAULT_CHECKSUM_ALGORITHM;
    recordChecksum(ctx, metadata, algorithm, received.checksum, 'FULL_OBJECT');
    const etag = received.md5.toString('hex');
    await engine.store.putObject({
      bucket,
      key,
      content: new StagedFile(received.file, received.size, etag),
      metadata,
    });
    await head.finished;
    respond(ctx, fields, bucket, key, etag);
  } catch (error) {
    // Whatever is left of the file is read and dropped, so the answer is not stuck behind an unread body.
    head.file?.stream.resume();
    throw error;
  }
}

/** `${filename}` in any field becomes the file's name (without a path); it stays as it is when the part has none. */
function expandFilename(fields: ReadonlyMap<string, FormField>, filename: string | undefined): Map<string, FormField> {
  if (filename === undefined) return new Map(fields);
  const name = filename.split(/[/\\]/).pop() ?? '';
  return new Map(
    [...fields].map(([key, field]) => [key, { name: field.name, value: field.value.split('${filename}').join(name) }]),
  );
}

function declaredFieldChecksum(fields: ReadonlyMap<string, FormField>) {
  const found = [...fields.keys()]
    .map((name) => ({ algorithm: algorithmOfHeader(name), value: fields.get(name)?.value ?? '' }))
    .filter((entry): entry is { algorithm: ChecksumAlgorithm; value: string } => entry.algorithm !== undefined);
  if (found.length > 1) {
    throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  }
  const declared = found[0];
  if (declared && !isWellFormedChecksum(declared.algorithm, declared.value)) {
    throw invalidRequest(`Value for ${checksumHeader(declared.algorithm)} header is invalid.`);
  }
  return declared;
}

/**
 * Streams the file into the staging directory with its MD5 and checksum. Past `max` the bytes are counted and
 * dropped, so S3's EntityTooLarge can name the size proposed.
 */
async function receiveFile(
  engine: S3Engine,
  stream: Readable,
  algorithm: ChecksumAlgorithm,
  range: { min: number; max: number },
): Promise<{ file: string; size: number; md5: Buffer; checksum: string }> {
  const file = path.join(engine.staging, randomUUID());
  const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
  const md5 = createHash('md5');
  const checksummer = createChecksummer(algorithm);
  let size = 0;
  try {
    await pipeline(
      stream,
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          if (size > range.max) {
            callback();
            return;
          }
          md5.update(chunk);
          checksummer.update(chunk);
          if (out.write(chunk)) callback();
          else out.once('drain', () => callback());
        },
        final(callback) {
          out.end(callback);
        },
      }),
    );
    if (size > range.max) {
      throw s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
        ProposedSize: size,
        MaxSizeAllowed: range.max,
      });
    }
    if (size < range.min) {
      throw s3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
        ProposedSize: size,
        MinSizeAllowed: range.min,
      });
    }
    return { file, size, md5: md5.digest(), checksum: (await checksummer.digest()).toString('base64') };
  } catch (error) {
    out.destroy();
    await fs.promises.rm(file, { force: true });
    throw error;
  }
}

function respond(ctx: KoaContext, fields: ReadonlyMap<string, FormField>, bucket: string, key: string, etag: string) {
  const location = `${ctx.origin}/${bucket}/${encodeURIComponent(key)}`;
  ctx.set('ETag', quoted(etag));
  ctx.set('Location', location);
  const redirect = fields.get('success_action_redirect')?.value ?? fields.get('redirect')?.value;
  if (redirect !== undefined && /^https?:\/\//i.test(redirect) && URL.canParse(redirect)) {
    const query = new URLSearchParams({ bucket, key, etag: quoted(etag) }).toString();
    ctx.set('Location', `${redirect}${redirect.includes('?') ? '&' : '?'}${query}`);
    ctx.status = 303;
    ctx.body = '';
    return;
  }
  const status = Number(fields.get('success_action_status')?.value);
  if (status === 201) {
    sendXml(ctx, 'PostResponse', { Location: location, Bucket: bucket, Key: key, ETag: quoted(etag) }, 201);
    return;
  }
  ctx.status = status === 200 ? 200 : 204;
  ctx.body = '';
}
