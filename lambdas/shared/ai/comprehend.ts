/**
 * Comprehend behind the neutral language types: entities, key phrases, sentiment and dominant language of text,
 * and the asynchronous entity and key phrase jobs over S3. Batches are split into the service's 25 documents per
 * call here; throttling retries and polling come from `jobs.ts`.
 */
import { gunzipSync } from 'node:zlib';
import {
  BatchDetectEntitiesCommand,
  BatchDetectKeyPhrasesCommand,
  ComprehendClient,
  DescribeEntitiesDetectionJobCommand,
  DescribeKeyPhrasesDetectionJobCommand,
  DetectDominantLanguageCommand,
  DetectEntitiesCommand,
  DetectKeyPhrasesCommand,
  DetectSentimentCommand,
  ListEntityRecognizersCommand,
  StartEntitiesDetectionJobCommand,
  StartKeyPhrasesDetectionJobCommand,
  type Entity as WireEntity,
  type KeyPhrase as WireKeyPhrase,
  type LanguageCode,
  type ListEntityRecognizersCommandOutput,
  type ModelStatus,
} from '@aws-sdk/client-comprehend';
import { extract } from 'tar-stream';
import {
  DEFAULT_RETRY,
  pollUntilFinished,
  s3ObjectOfUri,
  type PollOptions,
  type RetryPolicy,
  sendWithRetries,
} from './jobs';
import { allPages, sendForAnswer, type ServiceAnswer } from './answers';
import type { DominantLanguage, Entity, EntityType, KeyPhrase, Sentiment, SentimentLabel } from './language';

const BATCH_SIZE = 25;

const entity = (wire: WireEntity): Entity => ({
  text: wire.Text ?? '',
  type: (wire.Type ?? 'OTHER') as EntityType,
  score: wire.Score ?? 0,
  beginOffset: wire.BeginOffset ?? 0,
  endOffset: wire.EndOffset ?? 0,
});

const keyPhrase = (wire: WireKeyPhrase): KeyPhrase => ({
  text: wire.Text ?? '',
  score: wire.Score ?? 0,
  beginOffset: wire.BeginOffset ?? 0,
  endOffset: wire.EndOffset ?? 0,
});

export type AnalysisJobKind = 'entities' | 'keyPhrases';
export type AnalysisJobStatus = 'SUBMITTED' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'STOP_REQUESTED' | 'STOPPED';

export interface AnalysisJob {
  readonly jobId: string;
  readonly status: AnalysisJobStatus;
  readonly message?: string;
  /** `s3://…/output/output.tar.gz` */
  readonly outputUri?: string;
}

/** One document's results from a job's output: its file (and line, for one document per line). */
export interface JobDocument<T> {
  readonly file: string;
  readonly line?: number;
  readonly results: T[];
  readonly error?: string;
}

export class AnalysisJobFailed extends Error {}

let sharedClient: ComprehendClient | undefined;

type Sender = Pick<ComprehendClient, 'send'>;

export class ComprehendLanguage {
  constructor(
    private readonly client: Sender = (sharedClient ??= new ComprehendClient({})),
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  private send<T>(command: object): Promise<T> {
    return sendWithRetries<T>(this.client, command, this.retry);
  }

  async detectEntities(text: string, languageCode: string): Promise<Entity[]> {
    const response = await this.send<{ Entities?: WireEntity[] }>(
      new DetectEntitiesCommand({ Text: text, LanguageCode: languageCode as LanguageCode }),
    );
    return (response.Entities ?? []).map(entity);
  }

  async detectKeyPhrases(text: string, languageCode: string): Promise<KeyPhrase[]> {
    const response = await this.send<{ KeyPhrases?: WireKeyPhrase[] }>(
      new DetectKeyPhrasesCommand({ Text: text, LanguageCode: languageCode as LanguageCode }),
    );
    return (response.KeyPhrases ?? []).map(keyPhrase);
  }

  async detectSentiment(text: string, languageCode: string): Promise<Sentiment> {
    const response = await this.send<{
      Sentiment?: string;
      SentimentScore?: { Positive?: number; Negative?: number; Neutral?: number; Mixed?: number };
    }>(new DetectSentimentCommand({ Text: text, LanguageCode: languageCode as LanguageCode }));
    const score = response.SentimentScore ?? {};
    return {
      sentiment: (response.Sentiment ?? 'NEUTRAL') as SentimentLabel,
      scores: {
        positive: score.Positive ?? 0,
        negative: score.Negative ?? 0,
        neutral: score.Neutral ?? 0,
        mixed: score.Mixed ?? 0,
      },
    };
  }

  async detectDominantLanguage(text: string): Promise<DominantLanguage[]> {
    const response = await this.send<{ Languages?: Array<{ LanguageCode?: string; Score?: number }> }>(
      new DetectDominantLanguageCommand({ Text: text }),
    );
    return (response.Languages ?? []).map((language) => ({
      languageCode: language.LanguageCode ?? '',
      score: language.Score ?? 0,
    }));
  }

  /** Entities of each text, in order, any number of texts; a text the service refuses throws. */
  batchDetectEntities(texts: readonly string[], languageCode: string): Promise<Entity[][]> {
    return this.batch(texts, async (chunk) => {
      const response = await this.send<{
        ResultList?: Array<{ Index?: number; Entities?: WireEntity[] }>;
        ErrorList?: Array<{ Index?: number; ErrorMessage?: string }>;
      }>(new BatchDetectEntitiesCommand({ TextList: [...chunk], LanguageCode: languageCode as LanguageCode }));
      return {
        results: (response.ResultList ?? []).map((result) => ({
          index: result.Index ?? 0,
          value: (result.Entities ?? []).map(entity),
        })),
        errors: response.ErrorList ?? [],
      };
    });
  }

  batchDetectKeyPhrases(texts: readonly string[], languageCode: string): Promise<KeyPhrase[][]> {
    return this.batch(texts, async (chunk) => {
      const response = await this.send<{
        ResultList?: Array<{ Index?: number; KeyPhrases?: WireKeyPhrase[] }>;
        ErrorList?: Array<{ Index?: number; ErrorMessage?: string }>;
      }>(new BatchDetectKeyPhrasesCommand({ TextList: [...chunk], LanguageCode: languageCode as LanguageCode }));
      return {
        results: (response.ResultList ?? []).map((result) => ({
          index: result.Index ?? 0,
          value: (result.KeyPhrases ?? []).map(keyPhrase),
        })),
        errors: response.ErrorList ?? [],
      };
    });
  }

  private async batch<T>(
    texts: readonly string[],
    call: (chunk: readonly string[]) => Promise<{
      results: Array<{ index: number; value: T }>;
      errors: Array<{ Index?: number; ErrorMessage?: string }>;
    }>,
  ): Promise<T[]> {
    const out: T[] = [];
    for (let start = 0; start < texts.length; start += BATCH_SIZE) {
      const { results, errors } = await call(texts.slice(start, start + BATCH_SIZE));
      const [error] = errors;
      if (error)
        throw new AnalysisJobFailed(`Document ${start + (error.Index ?? 0)}: ${error.ErrorMessage ?? 'refused'}`);
      for (const result of results.sort((a, b) => a.index - b.index)) out.push(result.value);
    }
    return out;
  }

  /** Starts an entities or key phrases job over the documents under `input` (an `s3://` prefix). */
  async startJob(
    kind: AnalysisJobKind,
    options: {
      readonly input: string;
      readonly output: string;
      readonly dataAccessRoleArn: string;
      readonly languageCode: string;
      readonly onePerLine?: boolean;
      readonly jobName?: string;
    },
  ): Promise<AnalysisJob> {
    const input = {
      InputDataConfig: {
        S3Uri: options.input,
        InputFormat: options.onePerLine ? 'ONE_DOC_PER_LINE' : 'ONE_DOC_PER_FILE',
      },
      OutputDataConfig: { S3Uri: options.output },
      DataAccessRoleArn: options.dataAccessRoleArn,
      LanguageCode: options.languageCode,
      ...(options.jobName !== undefined ? { JobName: options.jobName } : {}),
    } as const;
    const response = await this.send<{ JobId?: string; JobStatus?: string }>(
      kind === 'entities'
        ? new StartEntitiesDetectionJobCommand(input as never)
        : new StartKeyPhrasesDetectionJobCommand(input as never),
    );
    return { jobId: response.JobId ?? '', status: (response.JobStatus ?? 'SUBMITTED') as AnalysisJobStatus };
  }

  async describeJob(kind: AnalysisJobKind, jobId: string): Promise<AnalysisJob> {
    type Properties = { JobStatus?: string; Message?: string; OutputDataConfig?: { S3Uri?: string } };
    const response = await this.send<{
      EntitiesDetectionJobProperties?: Properties;
      KeyPhrasesDetectionJobProperties?: Properties;
    }>(
      kind === 'entities'
        ? new DescribeEntitiesDetectionJobCommand({ JobId: jobId })
        : new DescribeKeyPhrasesDetectionJobCommand({ JobId: jobId }),
    );
    const properties = response.EntitiesDetectionJobProperties ?? response.KeyPhrasesDetectionJobProperties ?? {};
    return {
      jobId,
      status: (properties.JobStatus ?? 'SUBMITTED') as AnalysisJobStatus,
      ...(properties.Message !== undefined ? { message: properties.Message } : {}),
      ...(properties.OutputDataConfig?.S3Uri !== undefined ? { outputUri: properties.OutputDataConfig.S3Uri } : {}),
    };
  }

  /** Polls until the job ends; a job that did not complete throws `AnalysisJobFailed`. */
  async waitForJob(kind: AnalysisJobKind, jobId: string, options: PollOptions = {}): Promise<AnalysisJob> {
    const done = await pollUntilFinished(
      jobId,
      () => this.describeJob(kind, jobId),
      (current) => ['COMPLETED', 'FAILED', 'STOPPED'].includes(current.status),
      options,
    );
    if (done.status !== 'COMPLETED')
      throw new AnalysisJobFailed(`Comprehend job ${jobId} ${done.status}: ${done.message ?? ''}`);
    return done;
  }

  /** The documents of a job's `output.tar.gz` (its bytes, read from `outputUri` by the caller's S3 reader). */
  static async readJobOutput(kind: 'entities', archive: Uint8Array): Promise<JobDocument<Entity>[]>;
  static async readJobOutput(kind: 'keyPhrases', archive: Uint8Array): Promise<JobDocument<KeyPhrase>[]>;
  static async readJobOutput(kind: AnalysisJobKind, archive: Uint8Array): Promise<JobDocument<Entity | KeyPhrase>[]> {
    const text = await firstFile(gunzipSync(archive));
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const record = JSON.parse(line) as {
          File?: string;
          Line?: number;
          Entities?: WireEntity[];
          KeyPhrases?: WireKeyPhrase[];
          ErrorMessage?: string;
        };
        return {
          file: record.File ?? '',
          ...(record.Line !== undefined ? { line: record.Line } : {}),
          results: kind === 'entities' ? (record.Entities ?? []).map(entity) : (record.KeyPhrases ?? []).map(keyPhrase),
          ...(record.ErrorMessage !== undefined ? { error: record.ErrorMessage } : {}),
        };
      });
  }
}

/** Every file of a job's `output.tar.gz` as text, in archive order, for callers that keep the service's output. */
export async function jobOutputTexts(archive: Uint8Array): Promise<string[]> {
  return (await files(gunzipSync(archive))).map((file) => file.toString('utf8'));
}

/** Where a job's `outputUri` is in S3. */
export const jobOutputObject = (outputUri: string) => s3ObjectOfUri(outputUri);

async function firstFile(tar: Buffer): Promise<string> {
  return (await files(tar)).find((file) => file.length > 0)?.toString('utf8') ?? '';
}

async function files(tar: Buffer): Promise<Buffer[]> {
  const reader = extract();
  const contents: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    reader.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        if (header.type === 'file') contents.push(Buffer.concat(chunks));
        next();
      });
    });
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  reader.end(tar);
  await done;
  return contents;
}

/** Custom entity recognizers, answered as the service gives them, every page merged. */
export class ComprehendCustomizations {
  constructor(
    private readonly client: Sender = (sharedClient ??= new ComprehendClient({})),
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /** Every entity recognizer (or those in `status`), 100 a page. */
  listEntityRecognizers(
    status?: ModelStatus,
  ): Promise<ServiceAnswer<Omit<ListEntityRecognizersCommandOutput, 'NextToken'>>> {
    return allPages(
      (token) =>
        sendForAnswer<ListEntityRecognizersCommandOutput>(
          this.client,
          new ListEntityRecognizersCommand({
            MaxResults: 100,
            ...(status !== undefined ? { Filter: { Status: status } } : {}),
            ...(token !== undefined ? { NextToken: token } : {}),
          }),
          this.retry,
        ),
      (pages) => ({
        EntityRecognizerPropertiesList: pages.flatMap((page) => page.EntityRecognizerPropertiesList ?? []),
      }),
    );
  }
}
