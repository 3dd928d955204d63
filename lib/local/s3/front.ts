import { randomBytes, randomInt } from 'node:crypto';
import { Readable } from 'node:stream';
import { hasQueryParameter, parseTarget, type KoaContext, type S3Engine, type Target } from './context';
import { answerPreflight, clearCorsHeaders, corsForRequest } from './cors';
import { isS3Error, s3Error } from './errors';
import { receiveBody, type ReceivedBody } from './intake';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, uploadPart } from './multipart';
import { copyObject, deleteObjects, finishGetObject, prepareGetObject, putObject, type ObjectTarget } from './objects';
import { postObject } from './post-object';
import { authenticate, type AuthenticatedRequest } from './sigv4';

/** The largest request document (CompleteMultipartUpload, Delete, bucket configurations) the engine reads. */
const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;

/** Subresources of an object that s3rver answers (or refuses as not implemented) itself. */
const OBJECT_SUBRESOURCES = ['acl', 'tagging', 'retention', 'legal-hold', 'torrent', 'select', 'restore', 'attributes'];

type Handler = (ctx: KoaContext, auth: AuthenticatedRequest) => Promise<void>;

/**
 * The engine's front: every request passes here before s3rver sees it. It gives each response S3's request ids,
 * answers CORS preflights from the bucket's configuration, verifies the SigV4 signature of every other request
 * (POST Object verifies its policy instead), runs the operations that write objects itself (their bodies are
 * received, checked and committed atomically), and hands the rest to s3rver with the body already received and
 * checked. Errors from either side leave as S3's XML error body, with `RequestId` and `HostId`.
 *
 * Must be added before s3rver starts listening (Koa composes its middleware then), after anything that must see the
 * request first (the object-change observer keeps its request context around everything below it).
 */
export function engineFront(engine: S3Engine) {
  return async (ctx: KoaContext, next: () => Promise<void>): Promise<void> => {
    const ids = requestIds(ctx);
    let cors: ((target: KoaContext) => void) | undefined;
    try {
      const target = parseTarget(ctx.path);
      if (ctx.method === 'OPTIONS') {
        await answerPreflight(ctx, engine, target.bucket);
        return;
      }
      cors = await corsForRequest(ctx, engine, target.bucket);
      cors?.(ctx);
      if (ctx.method === 'POST' && target.bucket !== undefined && target.key === undefined && ctx.querystring === '') {
        await postObject(ctx, engine, target.bucket);
      } else {
        const auth = authenticate(
          { method: ctx.method, rawPath: ctx.path, rawQuery: ctx.querystring, headers: headerPairs(ctx) },
          engine,
        );
        const handler = ownHandler(ctx, engine, target);
        if (handler) await handler(ctx, auth);
        else await passToS3rver(ctx, engine, target, auth, next);
      }
      clearCorsHeaders(ctx);
      cors?.(ctx);
    } catch (error) {
      if (isS3Error(error)) Object.assign(error.detail, { RequestId: ids.requestId, HostId: ids.hostId });
      else if (!(error instanceof Error) || (error as { status?: number }).status === undefined) {
        console.error('Local S3 engine error', error);
      }
      clearCorsHeaders(ctx);
      cors?.(ctx);
      throw error;
    }
  };
}

/** The operations the engine answers itself: every one that writes an object or reads a request document. */
function ownHandler(ctx: KoaContext, engine: S3Engine, target: Target): Handler | undefined {
  const { bucket, key } = target;
  if (bucket === undefined) return undefined;
  if (key === undefined) {
    if (ctx.method === 'POST' && hasQueryParameter(ctx, 'delete')) {
      return async (context, auth) => deleteObjects(context, engine, bucket, await receiveDocument(context, auth));
    }
    return undefined;
  }
  const object: ObjectTarget = { bucket, key };
  if (OBJECT_SUBRESOURCES.some((name) => hasQueryParameter(ctx, name))) return undefined;
  switch (ctx.method) {
    case 'PUT':
      if (hasQueryParameter(ctx, 'uploadId') || hasQueryParameter(ctx, 'partNumber')) {
        // UploadPartCopy is left to s3rver, which answers NotImplemented.
        if (ctx.headers['x-amz-copy-source'] !== undefined) return undefined;
        return (context, auth) => uploadPart(context, engine, object, auth);
      }
      if (ctx.headers['x-amz-copy-source'] !== undefined) {
        return async (context, auth) => {
          await receiveDocument(context, auth);
          await copyObject(context, engine, object);
        };
      }
      return (context, auth) => putObject(context, engine, object, auth);
    case 'POST':
      if (hasQueryParameter(ctx, 'uploads')) {
        return async (context, auth) => {
          await receiveDocument(context, auth);
          await createMultipartUpload(context, engine, object);
        };
      }
      if (hasQueryParameter(ctx, 'uploadId')) {
        return async (context, auth) =>
          completeMultipartUpload(context, engine, object, await receiveDocument(context, auth));
      }
      return undefined;
    case 'DELETE':
      if (hasQueryParameter(ctx, 'uploadId')) {
        return async (context, auth) => {
          await receiveDocument(context, auth);
          await abortMultipartUpload(context, engine, object);
        };
      }
      return undefined;
    default:
      return undefined;
  }
}

/** A request's small body (an XML document or nothing), received and checked in memory. */
function receiveDocument(ctx: KoaContext, auth: AuthenticatedRequest): Promise<ReceivedBody> {
  return receiveBody(ctx.req, auth, {
    maxBytes: MAX_DOCUMENT_BYTES,
    tooLarge: () => s3Error('MaxMessageLengthExceeded', 'Your request was too big.'),
  });
}

/**
 * Everything else goes to s3rver (listings, reads, deletions, bucket configuration): its body is received and
 * checked here and handed on from memory, and reads of an object get S3's checksum rules on the way out.
 */
async function passToS3rver(
  ctx: KoaContext,
  engine: S3Engine,
  target: Target,
  auth: AuthenticatedRequest,
  next: () => Promise<void>,
): Promise<void> {
  const body = await receiveDocument(ctx, auth);
  const headers = ctx.req.headers;
  ctx.req = Object.assign(Readable.from(body.data && body.data.length > 0 ? [body.data] : []), { headers });
  const readsObject =
    (ctx.method === 'GET' || ctx.method === 'HEAD') &&
    target.bucket !== undefined &&
    target.key !== undefined &&
    !OBJECT_SUBRESOURCES.some((name) => hasQueryParameter(ctx, name));
  if (readsObject) await prepareGetObject(ctx, engine, { bucket: target.bucket as string, key: target.key as string });
  await next();
  if (readsObject) finishGetObject(ctx);
}

function headerPairs(ctx: KoaContext): Array<[string, string]> {
  const raw = (ctx.req as { rawHeaders?: string[] }).rawHeaders ?? [];
  const pairs: Array<[string, string]> = [];
  for (let index = 0; index + 1 < raw.length; index += 2) pairs.push([raw[index] as string, raw[index + 1] as string]);
  return pairs;
}

const REQUEST_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** S3's `x-amz-request-id` (16 upper-case letters and digits) and `x-amz-id-2`, unless already given. */
function requestIds(ctx: KoaContext): { requestId: string; hostId: string } {
  let requestId = ctx.response.get('x-amz-request-id');
  let hostId = ctx.response.get('x-amz-id-2');
  if (!requestId) {
    requestId = Array.from({ length: 16 }, () => REQUEST_ID_ALPHABET[randomInt(REQUEST_ID_ALPHABET.length)]).join('');
    ctx.set('x-amz-request-id', requestId);
  }
  if (!hostId) {
    hostId = randomBytes(48).toString('base64');
    ctx.set('x-amz-id-2', hostId);
  }
  return { requestId, hostId };
}
