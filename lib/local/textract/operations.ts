import type { JsonOperation } from '../protocol/json-rpc';
import { AwsError } from '../protocol/wire';
import { textractBlocks } from './blocks';
import { TEXTRACT_LIMITS } from './documents';
import { MODEL_VERSION, nextToken, readNextToken, type TextDetectionJobs, type TextDetectionRequest } from './jobs';
import type { DocumentReader } from './reader';
import type { S3Documents, S3ObjectRef } from './s3-documents';

/** Textract answers every malformed request with this one message. */
const invalidParameters = () => new AwsError('InvalidParameterException', 'Request has invalid parameters');

const MAX_RESULTS = 1000;

/**
 * The Textract operations of text detection, with the service's validation and exceptions: DetectDocumentText on
 * bytes or an S3 object (PNG, JPEG, TIFF or a one-page PDF), and text detection jobs on S3 documents (PDF and TIFF
 * of many pages) with paged results.
 */
export function textractOperations(deps: {
  readonly reader: DocumentReader;
  readonly s3: S3Documents;
  readonly jobs: TextDetectionJobs;
}): Record<string, JsonOperation> {
  return {
    DetectDocumentText: async (input) => {
      const document = record(input.Document);
      if (!document) throw invalidParameters();
      const bytes = await documentBytes(document, deps.s3);
      const { pages } = await deps.reader.read(bytes, 1, 'interactive');
      return {
        DocumentMetadata: { Pages: pages.length },
        Blocks: textractBlocks(pages),
        DetectDocumentTextModelVersion: MODEL_VERSION,
      };
    },

    StartDocumentTextDetection: async (input, request) => {
      const location = record(input.DocumentLocation);
      const s3Object = location && s3ObjectOf(location.S3Object);
      if (!s3Object) throw invalidParameters();
      const jobId = await deps.jobs.start(request.principal.accountId, startRequest(input, s3Object));
      return { JobId: jobId };
    },

    GetDocumentTextDetection: (input, request) => {
      const jobId = input.JobId;
      if (typeof jobId !== 'string' || !/^[a-zA-Z0-9-_]{1,64}$/.test(jobId)) throw invalidParameters();
      const maxResults = optionalInteger(input.MaxResults);
      if (maxResults !== undefined && maxResults < 1) throw invalidParameters();
      const job = deps.jobs.find(request.principal.accountId, jobId);
      if (!job) throw new AwsError('InvalidJobIdException', 'An invalid job identifier was passed.');
      if (job.status !== 'SUCCEEDED') {
        return {
          JobStatus: job.status,
          ...(job.statusMessage ? { StatusMessage: job.statusMessage } : {}),
          DetectDocumentTextModelVersion: MODEL_VERSION,
        };
      }
      let offset = 0;
      if (input.NextToken !== undefined) {
        const parsed = typeof input.NextToken === 'string' ? readNextToken(job.jobId, input.NextToken) : undefined;
        if (parsed === undefined) throw invalidParameters();
        offset = parsed;
      }
      const blocks = deps.jobs.blocks(job);
      const end = offset + Math.min(maxResults ?? MAX_RESULTS, MAX_RESULTS);
      return {
        DocumentMetadata: { Pages: job.pages ?? 0 },
        JobStatus: job.status,
        ...(end < blocks.length ? { NextToken: nextToken(job.jobId, end) } : {}),
        Blocks: blocks.slice(offset, end),
        DetectDocumentTextModelVersion: MODEL_VERSION,
      };
    },
  };
}

/** The bytes of a synchronous request's document, within the synchronous size limit. */
async function documentBytes(document: Record<string, unknown>, s3: S3Documents): Promise<Uint8Array> {
  const hasBytes = document.Bytes !== undefined;
  const hasObject = document.S3Object !== undefined;
  if (hasBytes === hasObject) throw invalidParameters();
  if (hasBytes) {
    if (typeof document.Bytes !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(document.Bytes)) {
      throw invalidParameters();
    }
    const bytes = Buffer.from(document.Bytes, 'base64');
    if (bytes.length === 0) throw invalidParameters();
    if (bytes.length > TEXTRACT_LIMITS.syncMaxBytes) {
      throw new AwsError('DocumentTooLargeException', 'Request has invalid document. Document size exceeds 10 MB.');
    }
    return bytes;
  }
  const object = s3ObjectOf(document.S3Object);
  if (!object) throw invalidParameters();
  const size = await s3.size(object);
  if (size > TEXTRACT_LIMITS.syncMaxBytes) {
    throw new AwsError(
      'DocumentTooLargeException',
      `S3 object size ${size} is more than the maximum limit ${TEXTRACT_LIMITS.syncMaxBytes}`,
    );
  }
  return s3.read(object);
}

function startRequest(input: Record<string, unknown>, document: S3ObjectRef): TextDetectionRequest {
  const token = optionalString(input.ClientRequestToken, /^[a-zA-Z0-9-_]{1,64}$/);
  const jobTag = optionalString(input.JobTag, /^[a-zA-Z0-9_.\-:]{1,64}$/);
  const kmsKeyId = optionalString(input.KMSKeyId, /^[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,2047}$/);
  let notificationChannel: TextDetectionRequest['notificationChannel'];
  if (input.NotificationChannel !== undefined) {
    const channel = record(input.NotificationChannel);
    const topic = channel && optionalString(channel.SNSTopicArn, /^(arn:aws:sns:[^:]+:\d{12}:)?[A-Za-z0-9_-]{1,256}$/);
    const role = channel && optionalString(channel.RoleArn, /^arn:[a-z-]+:iam::\d{12}:role\/.{1,}$/);
    if (!topic || !role) throw invalidParameters();
    notificationChannel = { SNSTopicArn: topic, RoleArn: role };
  }
  let outputConfig: TextDetectionRequest['outputConfig'];
  if (input.OutputConfig !== undefined) {
    const output = record(input.OutputConfig);
    const bucket = output && optionalString(output.S3Bucket, BUCKET_NAME);
    const prefix = output && optionalString(output.S3Prefix, /^.{1,1024}$/s);
    if (!bucket) throw invalidParameters();
    outputConfig = { S3Bucket: bucket, ...(prefix ? { S3Prefix: prefix } : {}) };
  }
  return {
    document,
    ...(token ? { clientRequestToken: token } : {}),
    ...(jobTag ? { jobTag } : {}),
    ...(notificationChannel ? { notificationChannel } : {}),
    ...(outputConfig ? { outputConfig } : {}),
    ...(kmsKeyId ? { kmsKeyId } : {}),
  };
}

const BUCKET_NAME = /^[0-9A-Za-z.\-_]{1,255}$/;

function s3ObjectOf(value: unknown): S3ObjectRef | undefined {
  const object = record(value);
  if (!object) return undefined;
  const bucket = optionalString(object.Bucket, BUCKET_NAME);
  const name = optionalString(object.Name, /^.{1,1024}$/s);
  const version = optionalString(object.Version, /^.{1,1024}$/s);
  if (!bucket || !name) return undefined;
  return { Bucket: bucket, Name: name, ...(version ? { Version: version } : {}) };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A string member: absent is `undefined`; present but of the wrong type or pattern is a bad request. */
function optionalString(value: unknown, pattern: RegExp): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw invalidParameters();
  return value;
}

function optionalInteger(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalidParameters();
  return value;
}
