/**
 * Transcribe behind the neutral `Transcript` type: what backends call to turn an audio track into timed words.
 * Throttling retries and job polling come from `jobs.ts`. In local mode the same calls reach the local stand-in
 * through `AWS_ENDPOINT_URL_TRANSCRIBE`.
 */
import {
  CreateVocabularyCommand,
  DeleteVocabularyCommand,
  DescribeLanguageModelCommand,
  GetTranscriptionJobCommand,
  GetVocabularyCommand,
  ListLanguageModelsCommand,
  ListVocabulariesCommand,
  StartTranscriptionJobCommand,
  TranscribeClient,
  type CreateVocabularyCommandInput,
  type CreateVocabularyCommandOutput,
  type DeleteVocabularyCommandOutput,
  type DescribeLanguageModelCommandOutput,
  type GetTranscriptionJobCommandOutput,
  type GetVocabularyCommandOutput,
  type ListLanguageModelsCommandOutput,
  type ListVocabulariesCommandOutput,
  type ModelStatus,
  type VocabularyState,
  type LanguageCode,
  type StartTranscriptionJobCommandInput,
} from '@aws-sdk/client-transcribe';
import { S3Client } from '@aws-sdk/client-s3';
import { S3Objects, type ObjectLocation, type ObjectText } from '../media/s3-objects';
import {
  DEFAULT_RETRY,
  pollUntilFinished,
  s3ObjectOfUri,
  type PollOptions,
  type RetryPolicy,
  sendWithRetries,
} from './jobs';
import { allPages, readLink, sendForAnswer, type ServiceAnswer } from './answers';
import type { Transcript, TranscriptItem } from './speech';

export interface TranscriptionOptions {
  /** Unique per account and region. */
  readonly jobName: string;
  /** BCP 47; leave out to have the service identify the language. */
  readonly languageCode?: string;
  /** Candidate languages when identifying. @default any */
  readonly languageOptions?: readonly string[];
  /** Where the transcript JSON goes. @default the service's own storage (a pre-signed link) */
  readonly output?: ObjectLocation;
  readonly vocabularyName?: string;
  /** Tell up to this many speakers apart. @default not told apart */
  readonly maxSpeakers?: number;
  readonly subtitles?: readonly ('vtt' | 'srt')[];
}

export type TranscriptionStatus = 'QUEUED' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface TranscriptionJob {
  readonly jobName: string;
  readonly status: TranscriptionStatus;
  readonly failureReason?: string;
  /** Where the transcript JSON is once COMPLETED: an S3 URL or a pre-signed link. */
  readonly transcriptUri?: string;
  readonly languageCode?: string;
}

export class TranscriptionFailed extends Error {}

/** The transcript JSON Transcribe writes, in the members read here. */
interface TranscriptJson {
  results?: {
    transcripts?: Array<{ transcript?: string }>;
    language_code?: string;
    language_identification?: Array<{ code?: string; score?: string }>;
    items?: Array<{
      type?: string;
      start_time?: string;
      end_time?: string;
      speaker_label?: string;
      language_code?: string;
      alternatives?: Array<{ content?: string; confidence?: string }>;
    }>;
  };
}

/** The transcript JSON as the neutral type; `languageCode` is the job's when the JSON does not say. */
export function parseTranscript(json: unknown, languageCode = ''): Transcript {
  const results = (json as TranscriptJson).results ?? {};
  const seconds = (value: string | undefined) => (value === undefined ? undefined : Math.round(Number(value) * 1000));
  const items = (results.items ?? []).map((item): TranscriptItem => {
    const best = item.alternatives?.[0];
    const startMs = seconds(item.start_time);
    const endMs = seconds(item.end_time);
    return {
      type: item.type === 'punctuation' ? 'punctuation' : 'pronunciation',
      content: best?.content ?? '',
      confidence: Number(best?.confidence ?? 0),
      ...(startMs !== undefined ? { startMs } : {}),
      ...(endMs !== undefined ? { endMs } : {}),
      ...(item.speaker_label !== undefined ? { speaker: item.speaker_label } : {}),
      ...(item.language_code !== undefined ? { languageCode: item.language_code } : {}),
    };
  });
  const identified = results.language_identification?.find((entry) => entry.code === results.language_code);
  return {
    languageCode: results.language_code ?? languageCode,
    ...(identified?.score !== undefined ? { languageConfidence: Number(identified.score) } : {}),
    text: results.transcripts?.map((entry) => entry.transcript ?? '').join(' ') ?? '',
    items,
  };
}

let sharedClient: TranscribeClient | undefined;
let sharedObjects: ObjectText | undefined;

type Sender = Pick<TranscribeClient, 'send'>;

export class TranscribeSpeech {
  constructor(
    private readonly client: Sender = (sharedClient ??= new TranscribeClient({})),
    private readonly objects: ObjectText = (sharedObjects ??= new S3Objects(new S3Client({}))),
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  private send<T>(command: object): Promise<T> {
    return sendWithRetries<T>(this.client, command, this.retry);
  }

  async startTranscription(media: ObjectLocation, options: TranscriptionOptions): Promise<TranscriptionJob> {
    const input: StartTranscriptionJobCommandInput = {
      TranscriptionJobName: options.jobName,
      Media: { MediaFileUri: `s3://${media.bucket}/${media.key}` },
      ...(options.languageCode !== undefined
        ? { LanguageCode: options.languageCode as LanguageCode }
        : {
            IdentifyLanguage: true,
            ...(options.languageOptions ? { LanguageOptions: [...options.languageOptions] as LanguageCode[] } : {}),
          }),
      ...(options.output ? { OutputBucketName: options.output.bucket, OutputKey: options.output.key } : {}),
      ...(options.vocabularyName !== undefined || options.maxSpeakers !== undefined
        ? {
            Settings: {
              ...(options.vocabularyName !== undefined ? { VocabularyName: options.vocabularyName } : {}),
              ...(options.maxSpeakers !== undefined
                ? { ShowSpeakerLabels: true, MaxSpeakerLabels: options.maxSpeakers }
                : {}),
            },
          }
        : {}),
      ...(options.subtitles ? { Subtitles: { Formats: [...options.subtitles] } } : {}),
    };
    const response = await this.send<{ TranscriptionJob?: GetTranscriptionJobCommandOutput['TranscriptionJob'] }>(
      new StartTranscriptionJobCommand(input),
    );
    return job(response.TranscriptionJob, options.jobName);
  }

  /**
   * Starts a job from the service's own request, for callers that pass its settings through as they come (the
   * Media Insights operators take vocabulary, language model, redaction and speaker settings from a workflow's
   * configuration, as the original does).
   */
  async startTranscriptionJob(input: StartTranscriptionJobCommandInput): Promise<TranscriptionJob> {
    const response = await this.send<{ TranscriptionJob?: GetTranscriptionJobCommandOutput['TranscriptionJob'] }>(
      new StartTranscriptionJobCommand(input),
    );
    return job(response.TranscriptionJob, input.TranscriptionJobName ?? '');
  }

  async getTranscription(jobName: string): Promise<TranscriptionJob> {
    const response = await this.send<GetTranscriptionJobCommandOutput>(
      new GetTranscriptionJobCommand({ TranscriptionJobName: jobName }),
    );
    return job(response.TranscriptionJob, jobName);
  }

  /** Polls the job until it ends and reads its transcript; a failed job throws `TranscriptionFailed`. */
  async waitForTranscript(jobName: string, options: PollOptions = {}): Promise<Transcript> {
    const done = await pollUntilFinished(
      jobName,
      () => this.getTranscription(jobName),
      (current) => current.status === 'COMPLETED' || current.status === 'FAILED',
      options,
    );
    if (done.status === 'FAILED' || !done.transcriptUri) {
      throw new TranscriptionFailed(`Transcription job ${jobName} failed: ${done.failureReason ?? 'no transcript'}`);
    }
    return parseTranscript(await this.transcriptJson(done.transcriptUri), done.languageCode);
  }

  /** The transcript JSON of a completed job as the service wrote it, for callers that keep it whole. */
  async transcriptJson(uri: string): Promise<unknown> {
    return JSON.parse(await this.readUri(uri));
  }

  /** A transcript in a bucket is read through S3 (the function's credentials); a pre-signed link is fetched. */
  private async readUri(uri: string): Promise<string> {
    const object = s3ObjectOfUri(uri);
    if (object) return this.objects.readText(object);
    const response = await fetch(uri);
    if (!response.ok) throw new TranscriptionFailed(`The transcript could not be read: HTTP ${response.status}`);
    return response.text();
  }
}

function job(wire: GetTranscriptionJobCommandOutput['TranscriptionJob'], jobName: string): TranscriptionJob {
  return {
    jobName: wire?.TranscriptionJobName ?? jobName,
    status: (wire?.TranscriptionJobStatus ?? 'QUEUED') as TranscriptionStatus,
    ...(wire?.FailureReason !== undefined ? { failureReason: wire.FailureReason } : {}),
    ...(wire?.Transcript?.TranscriptFileUri !== undefined ? { transcriptUri: wire.Transcript.TranscriptFileUri } : {}),
    ...(wire?.LanguageCode !== undefined ? { languageCode: wire.LanguageCode } : {}),
  };
}

/**
 * Custom vocabularies and custom language models, answered as the service gives them (`ServiceAnswer`): for the
 * callers that show or pass on the service's own records (the Media Insights `/service/transcribe/*` proxies,
 * Media2Cloud's lists of usable customizations). Listings are merged across every page.
 */
export class TranscribeCustomizations {
  constructor(
    private readonly client: Sender = (sharedClient ??= new TranscribeClient({})),
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  private send<T extends object>(command: object): Promise<ServiceAnswer<T>> {
    return sendForAnswer<T>(this.client, command, this.retry);
  }

  createVocabulary(input: CreateVocabularyCommandInput): Promise<ServiceAnswer<CreateVocabularyCommandOutput>> {
    return this.send(new CreateVocabularyCommand(input));
  }

  getVocabulary(name: string): Promise<ServiceAnswer<GetVocabularyCommandOutput>> {
    return this.send(new GetVocabularyCommand({ VocabularyName: name }));
  }

  deleteVocabulary(name: string): Promise<ServiceAnswer<DeleteVocabularyCommandOutput>> {
    return this.send(new DeleteVocabularyCommand({ VocabularyName: name }));
  }

  /** Every vocabulary (or those in `state`), 100 a page. */
  listVocabularies(state?: VocabularyState): Promise<ServiceAnswer<Omit<ListVocabulariesCommandOutput, 'NextToken'>>> {
    return allPages(
      (token) =>
        this.send<ListVocabulariesCommandOutput>(
          new ListVocabulariesCommand({
            MaxResults: 100,
            ...(state !== undefined ? { StateEquals: state } : {}),
            ...(token !== undefined ? { NextToken: token } : {}),
          }),
        ),
      (pages) => ({
        ...(pages[0]?.Status !== undefined ? { Status: pages[0].Status } : {}),
        Vocabularies: pages.flatMap((page) => page.Vocabularies ?? []),
      }),
    );
  }

  /** The vocabulary's file (Transcribe's table: `Phrase`, `SoundsLike`, `IPA`, `DisplayAs`, tab separated). */
  async downloadVocabulary(downloadUri: string): Promise<string> {
    return readLink(downloadUri, 'The vocabulary');
  }

  describeLanguageModel(name: string): Promise<ServiceAnswer<DescribeLanguageModelCommandOutput>> {
    return this.send(new DescribeLanguageModelCommand({ ModelName: name }));
  }

  /** Every custom language model (or those in `status`), 100 a page. */
  listLanguageModels(status?: ModelStatus): Promise<ServiceAnswer<Omit<ListLanguageModelsCommandOutput, 'NextToken'>>> {
    return allPages(
      (token) =>
        this.send<ListLanguageModelsCommandOutput>(
          new ListLanguageModelsCommand({
            MaxResults: 100,
            ...(status !== undefined ? { StatusEquals: status } : {}),
            ...(token !== undefined ? { NextToken: token } : {}),
          }),
        ),
      (pages) => ({ Models: pages.flatMap((page) => page.Models ?? []) }),
    );
  }
}
