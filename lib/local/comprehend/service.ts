import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { pack } from 'tar-stream';
import type { Entity, KeyPhrase } from '../../../lambdas/shared/ai/language';
import { page, RecordStore } from '../ai-support/records';
import { ObjectAccessError, parseS3Uri, type S3Location, type ServiceObjects } from '../ai-support/s3-objects';
import { Validator } from '../ai-support/validation';
import { WorkQueue } from '../ai-support/work-queue';
import { AwsError } from '../protocol/wire';
import { findMentions, type KnownEntity } from './entity-recognizers';
import { detectDominantLanguage, detectEntities, detectKeyPhrases, detectSentiment } from './models';

const LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt', 'ar', 'hi', 'ja', 'ko', 'zh', 'zh-TW'];
/** The languages the npm-shipped models read; Comprehend reads all of `LANGUAGES`. */
const MODEL_LANGUAGES = ['en'];
const SYNC_MAX_BYTES = 100_000;
const SENTIMENT_MAX_BYTES = 5_000;
const BATCH_MAX = 25;
/** A document of an analysis job larger than this is skipped with an error line, as the service does. */
const JOB_DOCUMENT_MAX_BYTES = 1_000_000;

const validation = 'ValidationException';
const invalid = (message: string) => new AwsError('InvalidRequestException', message, 400);

type JobKind = 'entities' | 'keyphrases';
type JobStatus = 'SUBMITTED' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'STOP_REQUESTED' | 'STOPPED';

interface JobRecord {
  readonly jobId: string;
  readonly kind: JobKind;
  readonly accountId: string;
  readonly jobName?: string;
  status: JobStatus;
  readonly submitMs: number;
  endMs?: number;
  message?: string;
  readonly inputDataConfig: { S3Uri: string; InputFormat: 'ONE_DOC_PER_FILE' | 'ONE_DOC_PER_LINE' };
  readonly outputS3Uri: string;
  readonly kmsKeyId?: string;
  readonly languageCode: string;
  readonly dataAccessRoleArn: string;
  readonly clientRequestToken?: string;
  /** An entities job run with a custom entity recognizer instead of the pre-trained model. */
  readonly entityRecognizerArn?: string;
}

const KINDS: Record<JobKind, { arnType: string; outputTag: string; properties: string; summaries: string }> = {
  entities: {
    arnType: 'entities-detection-job',
    outputTag: 'NER',
    properties: 'EntitiesDetectionJobProperties',
    summaries: 'EntitiesDetectionJobPropertiesList',
  },
  keyphrases: {
    arnType: 'key-phrases-detection-job',
    outputTag: 'KP',
    properties: 'KeyPhrasesDetectionJobProperties',
    summaries: 'KeyPhrasesDetectionJobPropertiesList',
  },
};

export interface ComprehendOptions {
  readonly directory: string;
  readonly region: string;
  readonly objects: ServiceObjects;
  readonly now?: () => number;
  readonly log?: (message: string) => void;
  /** The trained custom entity recognizers, for entities jobs that name one. */
  readonly recognizers?: { trainedEntities(arn: string): KnownEntity[] };
}

function entityJson(entity: Entity): Record<string, unknown> {
  return {
    Score: entity.score,
    Type: entity.type,
    Text: entity.text,
    BeginOffset: entity.beginOffset,
    EndOffset: entity.endOffset,
  };
}

function keyPhraseJson(phrase: KeyPhrase): Record<string, unknown> {
  return { Score: phrase.score, Text: phrase.text, BeginOffset: phrase.beginOffset, EndOffset: phrase.endOffset };
}

/**
 * Amazon Comprehend's pre-trained analyses: entities, key phrases, sentiment and dominant language, one document or
 * a batch at a time, and the asynchronous entity and key phrase jobs that read documents from S3 and write
 * `output.tar.gz` (JSON lines) back, as the service does.
 */
export class LocalComprehend {
  private readonly jobs: RecordStore<JobRecord>;
  private readonly queue: WorkQueue;
  private readonly now: () => number;

  constructor(private readonly options: ComprehendOptions) {
    this.jobs = new RecordStore(path.join(options.directory, 'jobs'));
    this.now = options.now ?? Date.now;
    this.queue = new WorkQueue(
      (id) => this.runJob(id),
      1,
      (id, error) => options.log?.(`comprehend: ${id}: ${String(error)}`),
    );
    for (const job of this.jobs.all().sort((a, b) => a.submitMs - b.submitMs)) {
      if (job.status === 'SUBMITTED' || job.status === 'IN_PROGRESS') this.queue.enqueue(job.jobId);
      if (job.status === 'STOP_REQUESTED') this.finish(job.jobId, 'STOPPED');
    }
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }

  // ---- one document, or a batch ----

  detectEntities(input: Record<string, unknown>): unknown {
    const { text, languageCode } = this.document(input, SYNC_MAX_BYTES, true);
    if (input.EndpointArn !== undefined)
      throw invalid('Custom entity recognizer endpoints are not available in local mode.');
    this.modelLanguage(languageCode as string);
    return { Entities: detectEntities(text).map(entityJson) };
  }

  detectKeyPhrases(input: Record<string, unknown>): unknown {
    const { text, languageCode } = this.document(input, SYNC_MAX_BYTES, true);
    this.modelLanguage(languageCode as string);
    return { KeyPhrases: detectKeyPhrases(text).map(keyPhraseJson) };
  }

  detectSentiment(input: Record<string, unknown>): unknown {
    const { text, languageCode } = this.document(input, SENTIMENT_MAX_BYTES, true);
    this.modelLanguage(languageCode as string);
    return sentimentJson(text);
  }

  detectDominantLanguage(input: Record<string, unknown>): unknown {
    const { text } = this.document(input, SYNC_MAX_BYTES, false);
    return { Languages: languagesJson(text) };
  }

  batchDetectEntities(input: Record<string, unknown>): unknown {
    return this.batch(input, SYNC_MAX_BYTES, true, (text) => ({ Entities: detectEntities(text).map(entityJson) }));
  }

  batchDetectKeyPhrases(input: Record<string, unknown>): unknown {
    return this.batch(input, SYNC_MAX_BYTES, true, (text) => ({
      KeyPhrases: detectKeyPhrases(text).map(keyPhraseJson),
    }));
  }

  batchDetectSentiment(input: Record<string, unknown>): unknown {
    return this.batch(input, SENTIMENT_MAX_BYTES, true, sentimentJson);
  }

  batchDetectDominantLanguage(input: Record<string, unknown>): unknown {
    return this.batch(input, SYNC_MAX_BYTES, false, (text) => ({ Languages: languagesJson(text) }));
  }

  private document(input: Record<string, unknown>, maxBytes: number, withLanguage: boolean) {
    const v = new Validator(input);
    const text = v.string('Text', { required: true, min: 1 }) as string;
    const languageCode = withLanguage ? v.string('LanguageCode', { required: true, values: LANGUAGES }) : undefined;
    v.check(validation);
    sizeCheck(text, maxBytes);
    return { text, languageCode };
  }

  private batch(
    input: Record<string, unknown>,
    maxBytes: number,
    withLanguage: boolean,
    analyse: (text: string) => Record<string, unknown>,
  ): unknown {
    const v = new Validator(input);
    const list = v.list('TextList', { required: true, min: 1 }) as unknown[];
    const languageCode = withLanguage ? v.string('LanguageCode', { required: true, values: LANGUAGES }) : undefined;
    v.check(validation);
    if (list.length > BATCH_MAX) {
      throw new AwsError(
        'BatchSizeLimitExceededException',
        `The number of documents in the request exceeds the limit of ${BATCH_MAX}. Try your request again with fewer documents.`,
        400,
      );
    }
    if (languageCode !== undefined) this.modelLanguage(languageCode);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    list.forEach((text, index) => {
      if (typeof text !== 'string' || text.length === 0) {
        errors.push({ Index: index, ErrorCode: 'InvalidRequestException', ErrorMessage: 'The document is empty.' });
      } else if (Buffer.byteLength(text) > maxBytes) {
        errors.push({
          Index: index,
          ErrorCode: 'TextSizeLimitExceededException',
          ErrorMessage: `Input text size exceeds limit. Max length of request text allowed is ${maxBytes} bytes while in this request the text size is ${Buffer.byteLength(text)} bytes`,
        });
      } else {
        results.push({ Index: index, ...analyse(text) });
      }
    });
    return { ResultList: results, ErrorList: errors };
  }

  private modelLanguage(languageCode: string): void {
    if (!MODEL_LANGUAGES.includes(languageCode)) {
      throw new AwsError(
        'UnsupportedLanguageException',
        `Local mode analyses ${MODEL_LANGUAGES.join(', ')} text only (its npm-shipped models are English); ${languageCode} isn't supported.`,
        400,
      );
    }
  }

  // ---- asynchronous jobs ----

  async startJob(kind: JobKind, input: Record<string, unknown>, accountId: string): Promise<unknown> {
    const v = new Validator(input);
    const inputConfig = v.object('InputDataConfig', true);
    const inputUri = inputConfig?.string('S3Uri', {
      required: true,
      max: 1024,
      pattern: /^s3:\/\/[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](\/.*)?$/,
    });
    const inputFormat = inputConfig?.string('InputFormat', { values: ['ONE_DOC_PER_FILE', 'ONE_DOC_PER_LINE'] });
    const outputConfig = v.object('OutputDataConfig', true);
    const outputUri = outputConfig?.string('S3Uri', {
      required: true,
      max: 1024,
      pattern: /^s3:\/\/[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](\/.*)?$/,
    });
    const kmsKeyId = outputConfig?.string('KmsKeyId', { max: 2048 });
    const role = v.string('DataAccessRoleArn', {
      required: true,
      min: 20,
      max: 2048,
      pattern: /^arn:aws(-[^:]+)?:iam::[0-9]{12}:role\/.+$/,
    });
    const jobName = v.string('JobName', { min: 1, max: 256, pattern: /^([\p{L}\p{Z}\p{N}_.:/=+\-%@]*)$/u });
    const languageCode = v.string('LanguageCode', { required: true, values: LANGUAGES });
    const token = v.string('ClientRequestToken', { min: 1, max: 64, pattern: /^[a-zA-Z0-9-]+$/ });
    const recognizerArn = kind === 'entities' ? v.string('EntityRecognizerArn', { max: 256 }) : undefined;
    v.check(validation);
    if (recognizerArn !== undefined) {
      if (!this.options.recognizers) throw invalid('Custom entity recognizers are not available here.');
      this.options.recognizers.trainedEntities(recognizerArn);
    } else {
      this.modelLanguage(languageCode as string);
    }
    if (token !== undefined) {
      const same = this.jobs.all().find((job) => job.kind === kind && job.clientRequestToken === token);
      if (same) return this.startAnswer(same);
    }
    const bucket = (parseS3Uri(outputUri as string) as S3Location).bucket;
    if (!(await this.options.objects.bucketExists(bucket))) {
      throw invalid(`The output S3 bucket ${bucket} doesn't exist or the data access role can't write to it.`);
    }
    const job: JobRecord = {
      jobId: randomBytes(16).toString('hex'),
      kind,
      accountId,
      ...(jobName !== undefined ? { jobName } : {}),
      status: 'SUBMITTED',
      submitMs: this.now(),
      inputDataConfig: {
        S3Uri: inputUri as string,
        InputFormat: (inputFormat ?? 'ONE_DOC_PER_LINE') as JobRecord['inputDataConfig']['InputFormat'],
      },
      outputS3Uri: outputUri as string,
      ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
      languageCode: languageCode as string,
      dataAccessRoleArn: role as string,
      ...(token !== undefined ? { clientRequestToken: token } : {}),
      ...(recognizerArn !== undefined ? { entityRecognizerArn: recognizerArn } : {}),
    };
    this.jobs.put(job.jobId, job);
    this.queue.enqueue(job.jobId);
    return this.startAnswer(job);
  }

  describeJob(kind: JobKind, input: Record<string, unknown>): unknown {
    const job = this.findJob(kind, input);
    return { [KINDS[kind].properties]: this.properties(job) };
  }

  listJobs(kind: JobKind, input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const filter = v.object('Filter');
    const name = filter?.string('JobName', { min: 1, max: 256 });
    const status = filter?.string('JobStatus', {
      values: ['SUBMITTED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'STOP_REQUESTED', 'STOPPED'],
    });
    const maxResults = v.number('MaxResults', { min: 1, max: 500 });
    const nextToken = v.string('NextToken', { min: 1 });
    v.check(validation);
    const filterInput = (input.Filter ?? {}) as { SubmitTimeBefore?: number; SubmitTimeAfter?: number };
    if (filterInput.SubmitTimeBefore !== undefined && filterInput.SubmitTimeAfter !== undefined) {
      throw new AwsError(
        'InvalidFilterException',
        'Filter can contain only one of SubmitTimeBefore and SubmitTimeAfter.',
        400,
      );
    }
    const jobs = this.jobs
      .all()
      .filter((job) => job.kind === kind)
      .filter((job) => name === undefined || job.jobName === name)
      .filter((job) => status === undefined || job.status === status)
      .filter((job) => filterInput.SubmitTimeBefore === undefined || job.submitMs < filterInput.SubmitTimeBefore * 1000)
      .filter((job) => filterInput.SubmitTimeAfter === undefined || job.submitMs > filterInput.SubmitTimeAfter * 1000)
      .sort((a, b) => a.submitMs - b.submitMs || a.jobId.localeCompare(b.jobId));
    const listed = page(
      jobs,
      { maxResults, nextToken, defaultMax: 100, scope: `${kind}:${JSON.stringify(input.Filter ?? {})}` },
      () => invalid('Invalid NextToken.'),
    );
    return {
      [KINDS[kind].summaries]: listed.items.map((job) => this.properties(job)),
      ...(listed.nextToken !== undefined ? { NextToken: listed.nextToken } : {}),
    };
  }

  stopJob(kind: JobKind, input: Record<string, unknown>): unknown {
    const job = this.findJob(kind, input);
    if (job.status === 'COMPLETED' || job.status === 'FAILED') {
      throw new AwsError(
        'JobNotFoundException',
        `Job ${job.jobId} has already finished with status ${job.status}.`,
        400,
      );
    }
    if (job.status === 'SUBMITTED' && this.queue.cancel(job.jobId)) {
      this.finish(job.jobId, 'STOPPED');
    } else if (job.status === 'IN_PROGRESS' || job.status === 'SUBMITTED') {
      this.update(job.jobId, (record) => (record.status = 'STOP_REQUESTED'));
    }
    const current = this.jobs.get(job.jobId) as JobRecord;
    return { JobId: current.jobId, JobStatus: current.status };
  }

  private findJob(kind: JobKind, input: Record<string, unknown>): JobRecord {
    const v = new Validator(input);
    const jobId = v.string('JobId', { required: true, min: 1, max: 32, pattern: /^([\p{L}\p{Z}\p{N}_.:/=+\-%@]*)$/u });
    v.check(validation);
    const job = this.jobs.get(jobId as string);
    if (!job || job.kind !== kind) throw new AwsError('JobNotFoundException', `Job not found: ${jobId}`, 400);
    return job;
  }

  private startAnswer(job: JobRecord): unknown {
    return { JobId: job.jobId, JobArn: this.arn(job), JobStatus: job.status };
  }

  private arn(job: JobRecord): string {
    return `arn:aws:comprehend:${this.options.region}:${job.accountId}:${KINDS[job.kind].arnType}/${job.jobId}`;
  }

  private outputLocation(job: JobRecord): S3Location {
    const base = parseS3Uri(job.outputS3Uri) as S3Location;
    const prefix = base.key === '' || base.key.endsWith('/') ? base.key : `${base.key}/`;
    return {
      bucket: base.bucket,
      key: `${prefix}${job.accountId}-${KINDS[job.kind].outputTag}-${job.jobId}/output/output.tar.gz`,
    };
  }

  private properties(job: JobRecord): Record<string, unknown> {
    const output = this.outputLocation(job);
    return {
      JobId: job.jobId,
      JobArn: this.arn(job),
      ...(job.jobName !== undefined ? { JobName: job.jobName } : {}),
      JobStatus: job.status,
      ...(job.message !== undefined ? { Message: job.message } : {}),
      SubmitTime: new Date(job.submitMs),
      ...(job.endMs !== undefined ? { EndTime: new Date(job.endMs) } : {}),
      InputDataConfig: job.inputDataConfig,
      OutputDataConfig: {
        S3Uri: `s3://${output.bucket}/${output.key}`,
        ...(job.kmsKeyId !== undefined ? { KmsKeyId: job.kmsKeyId } : {}),
      },
      LanguageCode: job.languageCode,
      DataAccessRoleArn: job.dataAccessRoleArn,
      ...(job.entityRecognizerArn !== undefined ? { EntityRecognizerArn: job.entityRecognizerArn } : {}),
    };
  }

  private update(jobId: string, change: (record: JobRecord) => void): JobRecord | undefined {
    const record = this.jobs.get(jobId);
    if (!record) return undefined;
    change(record);
    this.jobs.put(jobId, record);
    return record;
  }

  private finish(jobId: string, status: JobStatus, message?: string): void {
    this.update(jobId, (record) => {
      record.status = status;
      record.endMs = this.now();
      if (message !== undefined) record.message = message;
    });
  }

  private async runJob(jobId: string): Promise<void> {
    const job = this.update(jobId, (record) => {
      if (record.status === 'SUBMITTED') record.status = 'IN_PROGRESS';
    });
    if (!job || job.status !== 'IN_PROGRESS') {
      if (job?.status === 'STOP_REQUESTED') this.finish(jobId, 'STOPPED');
      return;
    }
    try {
      const input = parseS3Uri(job.inputDataConfig.S3Uri) as S3Location;
      const objects = await this.options.objects.list(input.bucket, input.key);
      if (objects.length === 0) {
        this.finish(
          jobId,
          'FAILED',
          `NO_READ_ACCESS_TO_INPUT: The provided data access role does not have proper access to the input data, or there is no data under ${job.inputDataConfig.S3Uri}.`,
        );
        return;
      }
      const lines: string[] = [];
      const known = job.entityRecognizerArn
        ? this.options.recognizers?.trainedEntities(job.entityRecognizerArn)
        : undefined;
      const analyse = (text: string) =>
        job.kind === 'keyphrases'
          ? { KeyPhrases: detectKeyPhrases(text).map(keyPhraseJson) }
          : { Entities: (known ? customEntities(text, known) : detectEntities(text)).map(entityJson) };
      for (const object of objects) {
        if (this.jobs.get(jobId)?.status === 'STOP_REQUESTED') {
          this.finish(jobId, 'STOPPED');
          return;
        }
        const file = path.posix.basename(object.key);
        if (object.size > JOB_DOCUMENT_MAX_BYTES) {
          lines.push(
            JSON.stringify({
              File: file,
              ErrorCode: 'DOCUMENT_SIZE_EXCEEDED',
              ErrorMessage: `Document size exceeds maximum size limit ${JOB_DOCUMENT_MAX_BYTES} bytes.`,
            }),
          );
          continue;
        }
        const text = (await this.options.objects.read({ bucket: input.bucket, key: object.key })).toString('utf8');
        if (job.inputDataConfig.InputFormat === 'ONE_DOC_PER_FILE') {
          lines.push(JSON.stringify({ ...analyse(text), File: file }));
        } else {
          text.split(/\r?\n/).forEach((line, index) => {
            if (line.trim() === '') return;
            lines.push(JSON.stringify({ ...analyse(line), File: file, Line: index }));
          });
        }
        // Analysis is synchronous CPU work: give the event loop to requests between documents.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await this.options.objects.write(
        this.outputLocation(job),
        await tarGz('output', `${lines.join('\n')}\n`),
        'application/x-gzip',
      );
      this.finish(jobId, 'COMPLETED');
    } catch (error) {
      if (!(error instanceof ObjectAccessError))
        this.options.log?.(`comprehend: job ${jobId} failed: ${String(error)}`);
      this.finish(
        jobId,
        'FAILED',
        error instanceof ObjectAccessError
          ? `NO_READ_ACCESS_TO_INPUT: ${error.message}`
          : 'INTERNAL_ERROR: The local analysis stopped. Check the local mode log.',
      );
    }
  }
}

/** The known entities found in the text, in order: a custom recognizer's answer (its score is certainty here). */
function customEntities(text: string, known: readonly KnownEntity[]): Entity[] {
  return known
    .flatMap((entity) =>
      findMentions(text, entity.text).map((begin) => ({
        text: text.slice(begin, begin + entity.text.length),
        type: entity.type as Entity['type'],
        score: 1,
        beginOffset: begin,
        endOffset: begin + entity.text.length,
      })),
    )
    .sort((a, b) => a.beginOffset - b.beginOffset);
}

function sizeCheck(text: string, maxBytes: number): void {
  const bytes = Buffer.byteLength(text);
  if (bytes > maxBytes) {
    throw new AwsError(
      'TextSizeLimitExceededException',
      `Input text size exceeds limit. Max length of request text allowed is ${maxBytes} bytes while in this request the text size is ${bytes} bytes`,
      400,
    );
  }
}

function sentimentJson(text: string): Record<string, unknown> {
  const sentiment = detectSentiment(text);
  return {
    Sentiment: sentiment.sentiment,
    SentimentScore: {
      Positive: sentiment.scores.positive,
      Negative: sentiment.scores.negative,
      Neutral: sentiment.scores.neutral,
      Mixed: sentiment.scores.mixed,
    },
  };
}

function languagesJson(text: string): unknown[] {
  return detectDominantLanguage(text).map((language) => ({
    LanguageCode: language.languageCode,
    Score: language.score,
  }));
}

/** One file in a gzipped tar, as Comprehend packs its output. */
async function tarGz(name: string, content: string): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  archive.entry({ name, mode: 0o644, mtime: new Date() }, content);
  archive.finalize();
  await done;
  return promisify(gzip)(Buffer.concat(chunks));
}
