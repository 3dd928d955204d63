import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Extras } from '../ai-support/extras';
import { page, RecordStore } from '../ai-support/records';
import {
  ObjectAccessError,
  parseS3Uri,
  s3HttpsUrl,
  type S3Location,
  type ServiceObjects,
} from '../ai-support/s3-objects';
import type { SignedLinks } from '../ai-support/signed-links';
import { Validator } from '../ai-support/validation';
import { WorkQueue } from '../ai-support/work-queue';
import { AwsError } from '../protocol/wire';
import { MediaProblem, SpeechRecognizer, type AudioFacts, type HeardWord } from './recognizer';
import {
  decimal,
  shapeTranscript,
  subRip,
  transcriptText,
  webVtt,
  type TextShaping,
  type TranscriptToken,
  type VocabularyEntry,
} from './transcript';

type JobStatus = 'QUEUED' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

interface JobRecord {
  readonly name: string;
  readonly accountId: string;
  status: JobStatus;
  readonly mediaFileUri: string;
  readonly mediaFormat?: string;
  readonly mediaSampleRateHertz?: number;
  readonly languageCode?: string;
  readonly identifyLanguage?: boolean;
  readonly identifyMultipleLanguages?: boolean;
  readonly languageOptions?: string[];
  readonly output: { readonly bucket: string; readonly key: string } | { readonly service: true };
  readonly settings?: Record<string, unknown>;
  readonly modelSettings?: { LanguageModelName?: string };
  readonly subtitles?: { readonly formats: string[]; readonly outputStartIndex: number };
  readonly tags?: unknown[];
  readonly createdMs: number;
  startedMs?: number;
  completedMs?: number;
  failureReason?: string;
  detectedLanguage?: string;
  detectedLanguageScore?: number;
  detectedSampleRate?: number;
  detectedFormat?: string;
}

type VocabularyState = 'PENDING' | 'READY' | 'FAILED';

interface VocabularyRecord {
  readonly name: string;
  readonly languageCode: string;
  state: VocabularyState;
  modifiedMs: number;
  readonly phrases?: string[];
  readonly fileUri?: string;
  entries?: VocabularyEntry[];
  failureReason?: string;
}

type ModelStatus = 'IN_PROGRESS' | 'FAILED' | 'COMPLETED';

interface LanguageModelRecord {
  readonly name: string;
  readonly languageCode: string;
  readonly baseModelName: string;
  readonly inputDataConfig: { S3Uri: string; TuningDataS3Uri?: string; DataAccessRoleArn: string };
  status: ModelStatus;
  readonly createdMs: number;
  modifiedMs: number;
  spellings?: Record<string, string>;
  failureReason?: string;
}

/** The languages Transcribe's batch API accepts (its model's enum); only US English has an offline model here. */
export const TRANSCRIBE_LANGUAGES = [
  'af-ZA', 'ar-AE', 'ar-SA', 'da-DK', 'de-CH', 'de-DE', 'en-AB', 'en-AU', 'en-GB', 'en-IE', 'en-IN', 'en-US', 'en-WL',
  'es-ES', 'es-US', 'fa-IR', 'fr-CA', 'fr-FR', 'he-IL', 'hi-IN', 'id-ID', 'it-IT', 'ja-JP', 'ko-KR', 'ms-MY', 'nl-NL',
  'pt-BR', 'pt-PT', 'ru-RU', 'ta-IN', 'te-IN', 'tr-TR', 'zh-CN', 'zh-TW', 'th-TH', 'en-ZA', 'en-NZ', 'vi-VN', 'sv-SE',
] as const; // prettier-ignore
const RECOGNIZED_LANGUAGES = ['en-US'];
const MEDIA_FORMATS = ['mp3', 'mp4', 'wav', 'flac', 'ogg', 'amr', 'webm', 'm4a'];
/** ffprobe's format name for each `MediaFormat`, to tell a mislabelled file as the service does. */
const FFPROBE_FORMATS: Record<string, RegExp> = {
  mp3: /\bmp3\b/,
  mp4: /\bmp4\b/,
  m4a: /\bm4a\b/,
  wav: /\bwav\b/,
  flac: /\bflac\b/,
  ogg: /\bogg\b/,
  amr: /\bamr\b/,
  webm: /\bwebm\b/,
};
const NAME = /^[0-9a-zA-Z._-]+$/;
const MAX_MEDIA_BYTES = 2 * 1024 ** 3;
const MAX_DURATION_MS = 4 * 3600 * 1000;
/** How long a link to a transcript in the service's own bucket works, as Transcribe's pre-signed URLs (15 min). */
const LINK_SECONDS = 15 * 60;

const badRequest = (message: string) => new AwsError('BadRequestException', message, 400);
const notFound = (message: string) => new AwsError('NotFoundException', message, 400);
const conflict = (message: string) => new AwsError('ConflictException', message, 400);
const JOB_NOT_FOUND = "The requested job couldn't be found. Check the job name and try your request again.";
const VOCABULARY_NOT_FOUND =
  "The requested vocabulary couldn't be found. Check the vocabulary name and try your request again.";
const MODEL_NOT_FOUND = "The requested language model couldn't be found. Check the name and try your request again.";

export interface TranscribeOptions {
  readonly directory: string;
  readonly region: string;
  readonly objects: ServiceObjects;
  readonly links: SignedLinks;
  readonly recognizer: SpeechRecognizer;
  readonly extras: Extras;
  /** The module's endpoint, where links to files in the service's own storage are served. */
  endpoint(): string;
  readonly now?: () => number;
  readonly log?: (message: string) => void;
}

/**
 * Amazon Transcribe's batch API: transcription jobs that recognize speech with PocketSphinx and write the transcript
 * JSON (and subtitles) where the caller asked, custom vocabularies and custom language models applied to the words.
 * Jobs run one at a time off the request path, in the order they were started.
 */
export class LocalTranscribe {
  private readonly jobs: RecordStore<JobRecord>;
  private readonly vocabularies: RecordStore<VocabularyRecord>;
  private readonly models: RecordStore<LanguageModelRecord>;
  private readonly queue: WorkQueue;
  private readonly now: () => number;

  constructor(private readonly options: TranscribeOptions) {
    this.jobs = new RecordStore(path.join(options.directory, 'jobs'));
    this.vocabularies = new RecordStore(path.join(options.directory, 'vocabularies'));
    this.models = new RecordStore(path.join(options.directory, 'language-models'));
    this.now = options.now ?? Date.now;
    this.queue = new WorkQueue(
      (id) => this.work(id),
      1,
      (id, error) => options.log?.(`transcribe: ${id}: ${String(error)}`),
    );
    // Work a stop interrupted starts again, in the order it was asked for.
    for (const job of this.jobs.all().sort((a, b) => a.createdMs - b.createdMs)) {
      if (job.status === 'QUEUED' || job.status === 'IN_PROGRESS') this.queue.enqueue(`job:${job.name}`);
    }
    for (const vocabulary of this.vocabularies.all()) {
      if (vocabulary.state === 'PENDING') this.queue.enqueue(`vocabulary:${vocabulary.name}`);
    }
    for (const model of this.models.all()) {
      if (model.status === 'IN_PROGRESS') this.queue.enqueue(`model:${model.name}`);
    }
  }

  /** Resolves once every queued job, vocabulary and model is done (tests wait on it). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }

  // ---- transcription jobs ----

  async startTranscriptionJob(input: Record<string, unknown>, accountId: string): Promise<unknown> {
    const v = new Validator(input);
    const name = v.string('TranscriptionJobName', { required: true, min: 1, max: 200, pattern: NAME });
    const media = v.object('Media', true);
    const mediaFileUri = media?.string('MediaFileUri', { min: 1, max: 2000 });
    const languageCode = v.string('LanguageCode', { values: TRANSCRIBE_LANGUAGES });
    const mediaFormat = v.string('MediaFormat', { values: MEDIA_FORMATS });
    const mediaSampleRateHertz = v.number('MediaSampleRateHertz', { min: 8000, max: 48000 });
    const outputBucketName = v.string('OutputBucketName', { max: 64, pattern: /^[a-z0-9][.a-z0-9-]+$/ });
    const outputKey = v.string('OutputKey', { min: 1, max: 1024, pattern: /^[a-zA-Z0-9-_.!*'()/]{1,1024}$/ });
    v.string('OutputEncryptionKMSKeyId', { min: 1, max: 2048 });
    const settingsV = v.object('Settings');
    settingsV?.boolean('ShowSpeakerLabels');
    settingsV?.number('MaxSpeakerLabels', { min: 2, max: 30 });
    settingsV?.boolean('ChannelIdentification');
    settingsV?.boolean('ShowAlternatives');
    settingsV?.number('MaxAlternatives', { min: 2, max: 10 });
    const vocabularyName = settingsV?.string('VocabularyName', { min: 1, max: 200, pattern: NAME });
    const modelSettings = v.object('ModelSettings');
    const languageModelName = modelSettings?.string('LanguageModelName', { min: 1, max: 200, pattern: NAME });
    const identifyLanguage = v.boolean('IdentifyLanguage');
    const identifyMultipleLanguages = v.boolean('IdentifyMultipleLanguages');
    const languageOptions = v.list('LanguageOptions', { min: 1 }) as string[] | undefined;
    const subtitlesV = v.object('Subtitles');
    const formats = subtitlesV?.list('Formats') as string[] | undefined;
    const outputStartIndex = subtitlesV?.number('OutputStartIndex', { min: 0, max: 1 });
    const tags = v.list('Tags', { min: 1, max: 200 });
    v.check('BadRequestException');

    const settings = input.Settings as Record<string, unknown> | undefined;
    if (!mediaFileUri)
      throw badRequest(
        "1 validation error detected: Value null at 'media.mediaFileUri' failed to satisfy constraint: Member must not be null",
      );
    const identify = identifyLanguage === true || identifyMultipleLanguages === true;
    if (
      [languageCode !== undefined, identifyLanguage === true, identifyMultipleLanguages === true].filter(Boolean)
        .length !== 1
    ) {
      throw badRequest(
        'Either LanguageCode, IdentifyLanguage or IdentifyMultipleLanguages must be set, and only one of them. Check your request and try again.',
      );
    }
    for (const option of languageOptions ?? []) {
      if (!(TRANSCRIBE_LANGUAGES as readonly string[]).includes(option)) {
        throw badRequest(
          `The language option ${String(option)} isn't supported. Check the language options and try again.`,
        );
      }
    }
    if (languageOptions && !identify)
      throw badRequest('LanguageOptions can only be used with language identification.');
    if (settings?.MaxSpeakerLabels !== undefined && settings.ShowSpeakerLabels !== true) {
      throw badRequest('MaxSpeakerLabels can only be set when ShowSpeakerLabels is true.');
    }
    if (settings?.ShowSpeakerLabels === true && settings.MaxSpeakerLabels === undefined) {
      throw badRequest('When ShowSpeakerLabels is true, you must also specify MaxSpeakerLabels.');
    }
    if (settings?.ShowSpeakerLabels === true && settings.ChannelIdentification === true) {
      throw badRequest(
        "You can't use ShowSpeakerLabels and ChannelIdentification in the same request. Remove one and try again.",
      );
    }
    if (settings?.ShowAlternatives === true && settings.MaxAlternatives === undefined) {
      throw badRequest('When ShowAlternatives is true, you must also specify MaxAlternatives.');
    }
    for (const format of formats ?? []) {
      if (format !== 'vtt' && format !== 'srt')
        throw badRequest(`The subtitle format ${String(format)} isn't supported.`);
    }
    if (outputKey !== undefined && outputBucketName === undefined) {
      throw badRequest('OutputKey can only be used together with OutputBucketName.');
    }
    if (!parseS3Uri(mediaFileUri)) {
      throw badRequest(
        "The URI that you provided doesn't point to an S3 object. Make sure that the object exists and try your request again.",
      );
    }
    if (this.jobs.get(name as string))
      throw conflict('The requested job name already exists. Use a different job name.');
    if (languageCode !== undefined && !RECOGNIZED_LANGUAGES.includes(languageCode)) {
      // The service would transcribe it; offline there is a model for US English only.
      throw badRequest(
        `Local mode transcribes ${RECOGNIZED_LANGUAGES.join(', ')} only (PocketSphinx's US English model); ${languageCode} isn't supported.`,
      );
    }
    if (identify && languageOptions && !languageOptions.some((option) => RECOGNIZED_LANGUAGES.includes(option))) {
      throw badRequest(
        `Local mode identifies ${RECOGNIZED_LANGUAGES.join(', ')} only; none of the language options can be transcribed.`,
      );
    }
    const missing = this.options.recognizer.missing();
    if (missing) throw badRequest(missing);
    if (vocabularyName !== undefined) {
      const vocabulary = this.vocabularies.get(vocabularyName);
      if (!vocabulary) throw badRequest(VOCABULARY_NOT_FOUND);
      if (vocabulary.state !== 'READY') {
        throw badRequest(`The vocabulary ${vocabularyName} isn't ready. Wait until its state is READY and try again.`);
      }
      if (languageCode !== undefined && vocabulary.languageCode !== languageCode) {
        throw badRequest("The language of the vocabulary doesn't match the language of the job.");
      }
    }
    if (languageModelName !== undefined) {
      const model = this.models.get(languageModelName);
      if (!model) throw badRequest(MODEL_NOT_FOUND);
      if (model.status !== 'COMPLETED') throw badRequest(`The language model ${languageModelName} isn't ready yet.`);
    }
    let output: JobRecord['output'] = { service: true };
    if (outputBucketName !== undefined) {
      if (!(await this.options.objects.bucketExists(outputBucketName))) {
        throw badRequest(
          "The specified S3 bucket doesn't exist or you don't have access to it. Check the bucket name and try your request again.",
        );
      }
      const key =
        outputKey === undefined ? `${name}.json` : outputKey.endsWith('/') ? `${outputKey}${name}.json` : outputKey;
      output = { bucket: outputBucketName, key };
    }
    // The name may have been taken while the bucket was checked.
    if (this.jobs.get(name as string))
      throw conflict('The requested job name already exists. Use a different job name.');
    const job: JobRecord = {
      name: name as string,
      accountId,
      status: 'QUEUED',
      mediaFileUri,
      ...(mediaFormat !== undefined ? { mediaFormat } : {}),
      ...(mediaSampleRateHertz !== undefined ? { mediaSampleRateHertz } : {}),
      ...(languageCode !== undefined ? { languageCode } : {}),
      ...(identifyLanguage !== undefined ? { identifyLanguage } : {}),
      ...(identifyMultipleLanguages !== undefined ? { identifyMultipleLanguages } : {}),
      ...(languageOptions !== undefined ? { languageOptions } : {}),
      output,
      ...(settings !== undefined ? { settings } : {}),
      ...(languageModelName !== undefined ? { modelSettings: { LanguageModelName: languageModelName } } : {}),
      ...(formats !== undefined && formats.length > 0
        ? { subtitles: { formats: [...new Set(formats)], outputStartIndex: outputStartIndex ?? 0 } }
        : {}),
      ...(tags !== undefined ? { tags } : {}),
      createdMs: this.now(),
    };
    // A job that can start at once is IN_PROGRESS when Start answers, as in the service; later ones wait QUEUED.
    if (this.queue.waiting().length === 0 && !this.isBusy()) {
      job.status = 'IN_PROGRESS';
      job.startedMs = job.createdMs;
    }
    this.jobs.put(job.name, job);
    this.queue.enqueue(`job:${job.name}`);
    return { TranscriptionJob: this.describeJob(job, false) };
  }

  getTranscriptionJob(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const name = v.string('TranscriptionJobName', { required: true, min: 1, max: 200, pattern: NAME });
    v.check('BadRequestException');
    const job = this.jobs.get(name as string);
    if (!job) throw badRequest(JOB_NOT_FOUND);
    return { TranscriptionJob: this.describeJob(job, true) };
  }

  listTranscriptionJobs(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const status = v.string('Status', { values: ['QUEUED', 'IN_PROGRESS', 'FAILED', 'COMPLETED'] });
    const contains = v.string('JobNameContains', { min: 1, max: 200, pattern: NAME });
    const maxResults = v.number('MaxResults', { min: 1, max: 100 });
    const nextToken = v.string('NextToken', { max: 8192 });
    v.check('BadRequestException');
    const jobs = this.jobs
      .all()
      .filter((job) => status === undefined || job.status === status)
      .filter((job) => contains === undefined || job.name.toLowerCase().includes(contains.toLowerCase()))
      .sort((a, b) => b.createdMs - a.createdMs || a.name.localeCompare(b.name));
    const listed = page(
      jobs,
      { maxResults, nextToken, defaultMax: 5, scope: `jobs:${status ?? ''}:${contains ?? ''}` },
      () => badRequest('The NextToken is not valid. Check the token and try your request again.'),
    );
    return {
      ...(status !== undefined ? { Status: status } : {}),
      ...(listed.nextToken !== undefined ? { NextToken: listed.nextToken } : {}),
      TranscriptionJobSummaries: listed.items.map((job) => ({
        TranscriptionJobName: job.name,
        CreationTime: new Date(job.createdMs),
        ...(job.startedMs !== undefined ? { StartTime: new Date(job.startedMs) } : {}),
        ...(job.completedMs !== undefined ? { CompletionTime: new Date(job.completedMs) } : {}),
        ...this.languageFields(job),
        TranscriptionJobStatus: job.status,
        ...(job.failureReason !== undefined ? { FailureReason: job.failureReason } : {}),
        OutputLocationType: 'service' in job.output ? 'SERVICE_BUCKET' : 'CUSTOMER_BUCKET',
        ...(job.modelSettings ? { ModelSettings: job.modelSettings } : {}),
        ...(job.identifyLanguage !== undefined ? { IdentifyLanguage: job.identifyLanguage } : {}),
        ...(job.identifyMultipleLanguages !== undefined
          ? { IdentifyMultipleLanguages: job.identifyMultipleLanguages }
          : {}),
        ...(job.detectedLanguageScore !== undefined ? { IdentifiedLanguageScore: job.detectedLanguageScore } : {}),
      })),
    };
  }

  deleteTranscriptionJob(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const name = v.string('TranscriptionJobName', { required: true, min: 1, max: 200, pattern: NAME });
    v.check('BadRequestException');
    const job = this.jobs.get(name as string);
    if (!job) throw badRequest(JOB_NOT_FOUND);
    this.queue.cancel(`job:${job.name}`);
    this.jobs.delete(job.name);
    // The service deletes what it stored itself; a transcript in the caller's bucket is the caller's.
    this.options.links.remove(`transcripts/${job.name}`);
    return {};
  }

  // ---- vocabularies ----

  createVocabulary(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const name = v.string('VocabularyName', { required: true, min: 1, max: 200, pattern: NAME }) as string;
    const languageCode = v.string('LanguageCode', { required: true, values: TRANSCRIBE_LANGUAGES }) as string;
    const phrases = v.list('Phrases') as string[] | undefined;
    const fileUri = v.string('VocabularyFileUri', { min: 1, max: 2000 });
    v.list('Tags', { min: 1, max: 200 });
    v.check('BadRequestException');
    if ((phrases === undefined) === (fileUri === undefined)) {
      throw badRequest('Specify either Phrases or VocabularyFileUri, but not both. Check your request and try again.');
    }
    if (fileUri !== undefined && !parseS3Uri(fileUri)) {
      throw badRequest(
        "The URI that you provided doesn't point to an S3 object. Make sure that the object exists and try your request again.",
      );
    }
    for (const phrase of phrases ?? []) {
      if (typeof phrase !== 'string' || phrase.length === 0 || phrase.length > 256 || !/^[^\s]+$/.test(phrase.trim())) {
        throw badRequest(
          `The vocabulary phrase ${JSON.stringify(phrase)} isn't valid: use hyphens between the words of a phrase.`,
        );
      }
    }
    if (this.vocabularies.get(name)) {
      throw conflict('The requested vocabulary name already exists. Use a different vocabulary name.');
    }
    const record: VocabularyRecord = {
      name,
      languageCode,
      state: 'PENDING',
      modifiedMs: this.now(),
      ...(phrases !== undefined ? { phrases } : {}),
      ...(fileUri !== undefined ? { fileUri } : {}),
    };
    this.vocabularies.put(name, record);
    this.queue.enqueue(`vocabulary:${name}`);
    return this.vocabularySummary(record);
  }

  updateVocabulary(input: Record<string, unknown>): unknown {
    const name = new Validator(input).string('VocabularyName', { required: true, min: 1, max: 200, pattern: NAME });
    const existing = this.vocabularies.get(name as string);
    if (!existing) throw notFound(VOCABULARY_NOT_FOUND);
    if (existing.state === 'PENDING')
      throw conflict('The vocabulary is being processed. Try again when it is READY or FAILED.');
    this.vocabularies.delete(existing.name);
    try {
      return this.createVocabulary(input);
    } catch (error) {
      this.vocabularies.put(existing.name, existing);
      throw error;
    }
  }

  getVocabulary(input: Record<string, unknown>, endpoint: string): unknown {
    const v = new Validator(input);
    const name = v.string('VocabularyName', { required: true, min: 1, max: 200, pattern: NAME });
    v.check('BadRequestException');
    const record = this.vocabularies.get(name as string);
    if (!record) throw notFound(VOCABULARY_NOT_FOUND);
    return {
      ...this.vocabularySummary(record),
      ...(record.failureReason !== undefined ? { FailureReason: record.failureReason } : {}),
      ...(record.state === 'READY'
        ? {
            DownloadUri: this.options.links.link(endpoint, `vocabularies/${record.name}.txt`, LINK_SECONDS, this.now()),
          }
        : {}),
    };
  }

  listVocabularies(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const state = v.string('StateEquals', { values: ['PENDING', 'READY', 'FAILED'] });
    const contains = v.string('NameContains', { min: 1, max: 200, pattern: NAME });
    const maxResults = v.number('MaxResults', { min: 1, max: 100 });
    const nextToken = v.string('NextToken', { max: 8192 });
    v.check('BadRequestException');
    const listed = page(
      this.vocabularies
        .all()
        .filter((record) => state === undefined || record.state === state)
        .filter((record) => contains === undefined || record.name.toLowerCase().includes(contains.toLowerCase()))
        .sort((a, b) => b.modifiedMs - a.modifiedMs || a.name.localeCompare(b.name)),
      { maxResults, nextToken, defaultMax: 5, scope: `vocabularies:${state ?? ''}:${contains ?? ''}` },
      () => badRequest('The NextToken is not valid. Check the token and try your request again.'),
    );
    return {
      ...(state !== undefined ? { Status: state } : {}),
      ...(listed.nextToken !== undefined ? { NextToken: listed.nextToken } : {}),
      Vocabularies: listed.items.map((record) => this.vocabularySummary(record)),
    };
  }

  deleteVocabulary(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const name = v.string('VocabularyName', { required: true, min: 1, max: 200, pattern: NAME });
    v.check('BadRequestException');
    if (!this.vocabularies.get(name as string)) throw notFound(VOCABULARY_NOT_FOUND);
    this.queue.cancel(`vocabulary:${name}`);
    this.vocabularies.delete(name as string);
    this.options.links.remove(`vocabularies/${name}.txt`);
    return {};
  }

  // ---- custom language models ----

  createLanguageModel(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const languageCode = v.string('LanguageCode', {
      required: true,
      values: ['en-US', 'hi-IN', 'es-US', 'en-GB', 'en-AU', 'de-DE', 'ja-JP'],
    }) as string;
    const baseModelName = v.string('BaseModelName', { required: true, values: ['NarrowBand', 'WideBand'] }) as string;
    const name = v.string('ModelName', { required: true, min: 1, max: 200, pattern: NAME }) as string;
    const data = v.object('InputDataConfig', true);
    const s3Uri = data?.string('S3Uri', { required: true, min: 1, max: 2000 });
    const tuning = data?.string('TuningDataS3Uri', { min: 1, max: 2000 });
    const role = data?.string('DataAccessRoleArn', { required: true, min: 20, max: 2048 });
    v.list('Tags', { min: 1, max: 200 });
    v.check('BadRequestException');
    if (!parseS3Uri(s3Uri as string))
      throw badRequest("The S3Uri that you provided isn't valid. Check the URI and try again.");
    if (this.models.get(name)) throw conflict('The requested model name already exists. Use a different model name.');
    const record: LanguageModelRecord = {
      name,
      languageCode,
      baseModelName,
      inputDataConfig: {
        S3Uri: s3Uri as string,
        ...(tuning !== undefined ? { TuningDataS3Uri: tuning } : {}),
        DataAccessRoleArn: role as string,
      },
      status: 'IN_PROGRESS',
      createdMs: this.now(),
      modifiedMs: this.now(),
    };
    this.models.put(name, record);
    this.queue.enqueue(`model:${name}`);
    return {
      LanguageCode: languageCode,
      BaseModelName: baseModelName,
      ModelName: name,
      InputDataConfig: record.inputDataConfig,
      ModelStatus: record.status,
    };
  }

  describeLanguageModel(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const name = v.string('ModelName', { required: true, min: 1, max: 200, pattern: NAME });
    v.check('BadRequestException');
    const record = this.models.get(name as string);
    if (!record) throw notFound(MODEL_NOT_FOUND);
    return { LanguageModel: this.modelSummary(record) };
  }

  listLanguageModels(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const status = v.string('StatusEquals', { values: ['IN_PROGRESS', 'FAILED', 'COMPLETED'] });
    const contains = v.string('NameContains', { min: 1, max: 200, pattern: NAME });
    const maxResults = v.number('MaxResults', { min: 1, max: 100 });
    const nextToken = v.string('NextToken', { max: 8192 });
    v.check('BadRequestException');
    const listed = page(
      this.models
        .all()
        .filter((record) => status === undefined || record.status === status)
        .filter((record) => contains === undefined || record.name.toLowerCase().includes(contains.toLowerCase()))
        .sort((a, b) => b.createdMs - a.createdMs || a.name.localeCompare(b.name)),
      { maxResults, nextToken, defaultMax: 5, scope: `models:${status ?? ''}:${contains ?? ''}` },
      () => badRequest('The NextToken is not valid. Check the token and try your request again.'),
    );
    return {
      ...(listed.nextToken !== undefined ? { NextToken: listed.nextToken } : {}),
      Models: listed.items.map((record) => this.modelSummary(record)),
    };
  }

  deleteLanguageModel(input: Record<string, unknown>): unknown {
    const v = new Validator(input);
    const name = v.string('ModelName', { required: true, min: 1, max: 200, pattern: NAME });
    v.check('BadRequestException');
    if (!this.models.get(name as string)) throw badRequest(MODEL_NOT_FOUND);
    this.queue.cancel(`model:${name}`);
    this.models.delete(name as string);
    return {};
  }

  // ---- shapes ----

  private isBusy(): boolean {
    return this.jobs.all().some((job) => this.queue.isRunning(`job:${job.name}`));
  }

  private languageFields(job: JobRecord): Record<string, unknown> {
    const code = job.languageCode ?? job.detectedLanguage;
    return code !== undefined ? { LanguageCode: code } : {};
  }

  private describeJob(job: JobRecord, withResults: boolean): Record<string, unknown> {
    const settings = job.settings ?? {};
    return {
      TranscriptionJobName: job.name,
      TranscriptionJobStatus: job.status,
      ...this.languageFields(job),
      ...(job.detectedSampleRate !== undefined || job.mediaSampleRateHertz !== undefined
        ? { MediaSampleRateHertz: job.mediaSampleRateHertz ?? job.detectedSampleRate }
        : {}),
      ...(job.mediaFormat !== undefined || job.detectedFormat !== undefined
        ? { MediaFormat: job.mediaFormat ?? job.detectedFormat }
        : {}),
      Media: { MediaFileUri: job.mediaFileUri },
      ...(withResults && job.status === 'COMPLETED'
        ? { Transcript: { TranscriptFileUri: this.outputUri(job, 'json') } }
        : {}),
      ...(job.startedMs !== undefined ? { StartTime: new Date(job.startedMs) } : {}),
      CreationTime: new Date(job.createdMs),
      ...(job.completedMs !== undefined ? { CompletionTime: new Date(job.completedMs) } : {}),
      ...(job.failureReason !== undefined ? { FailureReason: job.failureReason } : {}),
      Settings: {
        ChannelIdentification: settings.ChannelIdentification === true,
        ShowAlternatives: settings.ShowAlternatives === true,
        ...settings,
      },
      ...(job.modelSettings ? { ModelSettings: job.modelSettings } : {}),
      ...(job.identifyLanguage !== undefined ? { IdentifyLanguage: job.identifyLanguage } : {}),
      ...(job.identifyMultipleLanguages !== undefined
        ? { IdentifyMultipleLanguages: job.identifyMultipleLanguages }
        : {}),
      ...(job.languageOptions !== undefined ? { LanguageOptions: job.languageOptions } : {}),
      ...(job.detectedLanguageScore !== undefined ? { IdentifiedLanguageScore: job.detectedLanguageScore } : {}),
      ...(job.identifyMultipleLanguages && job.detectedLanguage
        ? { LanguageCodes: [{ LanguageCode: job.detectedLanguage, DurationInSeconds: 0 }] }
        : {}),
      ...(job.subtitles
        ? {
            Subtitles: {
              Formats: job.subtitles.formats,
              OutputStartIndex: job.subtitles.outputStartIndex,
              ...(withResults && job.status === 'COMPLETED'
                ? { SubtitleFileUris: job.subtitles.formats.map((format) => this.outputUri(job, format)) }
                : {}),
            },
          }
        : {}),
      ...(job.tags !== undefined ? { Tags: job.tags } : {}),
    };
  }

  /** Where a job's output is: the caller's bucket, or a pre-signed link into the service's own storage. */
  private outputUri(job: JobRecord, extension: string): string {
    if ('service' in job.output) {
      return this.options.links.link(
        this.options.endpoint(),
        `transcripts/${job.name}/asrOutput.${extension}`,
        LINK_SECONDS,
        this.now(),
      );
    }
    return s3HttpsUrl(this.options.region, this.outputLocation(job.output, extension));
  }

  private outputLocation(output: { bucket: string; key: string }, extension: string): S3Location {
    if (extension === 'json') return output;
    const base = output.key.replace(/\.json$/, '');
    return { bucket: output.bucket, key: `${base}.${extension}` };
  }

  private vocabularySummary(record: VocabularyRecord): Record<string, unknown> {
    return {
      VocabularyName: record.name,
      LanguageCode: record.languageCode,
      VocabularyState: record.state,
      LastModifiedTime: new Date(record.modifiedMs),
    };
  }

  private modelSummary(record: LanguageModelRecord): Record<string, unknown> {
    return {
      ModelName: record.name,
      CreateTime: new Date(record.createdMs),
      LastModifiedTime: new Date(record.modifiedMs),
      LanguageCode: record.languageCode,
      BaseModelName: record.baseModelName,
      ModelStatus: record.status,
      UpgradeAvailability: false,
      ...(record.failureReason !== undefined ? { FailureReason: record.failureReason } : {}),
      InputDataConfig: record.inputDataConfig,
    };
  }

  // ---- the work ----

  private async work(id: string): Promise<void> {
    const [kind, name] = [id.slice(0, id.indexOf(':')), id.slice(id.indexOf(':') + 1)];
    if (kind === 'job') await this.runJob(name);
    else if (kind === 'vocabulary') await this.buildVocabulary(name);
    else if (kind === 'model') await this.trainModel(name);
  }

  private update<T>(store: RecordStore<T>, name: string, change: (record: T) => void): T | undefined {
    const record = store.get(name);
    // Deleted while it ran: nothing to record.
    if (!record) return undefined;
    change(record);
    store.put(name, record);
    return record;
  }

  private async runJob(name: string): Promise<void> {
    const job = this.update(this.jobs, name, (record) => {
      record.status = 'IN_PROGRESS';
      record.startedMs ??= this.now();
    });
    if (!job) return;
    const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'transcribe-'));
    try {
      const result = await this.transcribe(job, workDir);
      const written = this.update(this.jobs, name, (record) => {
        Object.assign(record, result.facts);
      });
      if (!written) return;
      await this.writeOutput(written, 'json', JSON.stringify(result.document), 'application/json');
      if (written.subtitles) {
        for (const format of written.subtitles.formats) {
          const text =
            format === 'vtt'
              ? webVtt(result.tokens, written.subtitles.outputStartIndex)
              : subRip(result.tokens, written.subtitles.outputStartIndex);
          await this.writeOutput(written, format, text, format === 'vtt' ? 'text/vtt' : 'application/x-subrip');
        }
      }
      this.update(this.jobs, name, (record) => {
        record.status = 'COMPLETED';
        record.completedMs = this.now();
      });
    } catch (error) {
      this.update(this.jobs, name, (record) => {
        record.status = 'FAILED';
        record.completedMs = this.now();
        record.failureReason = failureReason(error);
      });
      if (!(error instanceof MediaProblem) && !(error instanceof ObjectAccessError)) {
        this.options.log?.(`transcribe: job ${name} failed: ${String(error)}`);
      }
    } finally {
      await fs.rm(workDir, { recursive: true, force: true });
    }
  }

  private async writeOutput(job: JobRecord, extension: string, body: string, contentType: string): Promise<void> {
    if ('service' in job.output) {
      this.options.links.store(`transcripts/${job.name}/asrOutput.${extension}`, body, contentType);
    } else {
      await this.options.objects.write(this.outputLocation(job.output, extension), body, contentType);
    }
  }

  private async transcribe(
    job: JobRecord,
    workDir: string,
  ): Promise<{ document: unknown; tokens: TranscriptToken[]; facts: Partial<JobRecord> }> {
    const location = parseS3Uri(job.mediaFileUri) as S3Location;
    const media = path.join(workDir, 'media');
    await this.options.objects.download(location, media);
    const size = (await fs.stat(media)).size;
    if (size > MAX_MEDIA_BYTES) throw new MediaProblem('The media file is too large. The maximum file size is 2 GB.');
    const audio: AudioFacts = await this.options.recognizer.probe(media);
    const detectedFormat = Object.keys(FFPROBE_FORMATS).find((format) =>
      (FFPROBE_FORMATS[format] as RegExp).test(audio.formatName),
    );
    if (job.mediaFormat !== undefined && detectedFormat !== undefined && !sameFamily(job.mediaFormat, detectedFormat)) {
      throw new MediaProblem(
        "The media format that you specified doesn't match the detected media format. Check the media format and try your request again.",
      );
    }
    if (audio.durationMs > MAX_DURATION_MS) {
      throw new MediaProblem('Invalid file size: file size too large. Maximum audio duration is 4.000000 hours.');
    }
    if (audio.durationMs < 500) {
      throw new MediaProblem('Invalid file size: file size too small. Minimum audio duration is 0.500000 seconds.');
    }
    const shaping = this.shaping(job);
    const settings = job.settings ?? {};
    const languageCode = job.languageCode ?? 'en-US';
    const facts: Partial<JobRecord> = {
      detectedSampleRate: audio.sampleRateHz,
      ...(detectedFormat !== undefined ? { detectedFormat } : {}),
    };
    const results: Record<string, unknown> = {};
    let tokens: TranscriptToken[];
    if (settings.ChannelIdentification === true && audio.channels > 1) {
      const channels: Array<{ label: string; tokens: TranscriptToken[] }> = [];
      for (let channel = 0; channel < audio.channels; channel += 1) {
        const heard = await this.options.recognizer.recognize(media, workDir, channel);
        channels.push({
          label: `ch_${channel}`,
          tokens: shapeTranscript(heard, shaping).map((token) => ({ ...token, channel })),
        });
      }
      tokens = mergeChannels(channels.map((entry) => entry.tokens));
      results.channel_labels = {
        channels: channels.map((entry) => ({
          channel_label: entry.label,
          items: entry.tokens.map((token) => itemJson(token, { channel: entry.label })),
        })),
        number_of_channels: audio.channels,
      };
    } else {
      const heard: HeardWord[] = await this.options.recognizer.recognize(media, workDir);
      tokens = shapeTranscript(heard, shaping);
      if (settings.ShowSpeakerLabels === true) tokens = tokens.map((token) => ({ ...token, speaker: 'spk_0' }));
    }
    const itemsJson = tokens.map((token, index) =>
      itemJson(token, {
        id: index,
        ...(token.speaker ? { speaker: token.speaker } : {}),
        ...(token.channel !== undefined ? { channel: `ch_${token.channel}` } : {}),
        ...(job.identifyMultipleLanguages ? { languageCode } : {}),
      }),
    );
    const identified = job.identifyLanguage === true || job.identifyMultipleLanguages === true;
    if (identified) {
      // One language model is installed: identification can only ever answer US English, with the confidence of
      // the words it heard in it.
      const timed = tokens.filter((token) => token.type === 'pronunciation');
      const score = timed.length === 0 ? 0 : timed.reduce((sum, token) => sum + token.confidence, 0) / timed.length;
      facts.detectedLanguage = languageCode;
      facts.detectedLanguageScore = Number(score.toFixed(4));
      results.language_code = languageCode;
      results.language_identification = [{ score: decimal(score, 4), code: languageCode }];
    }
    const document = {
      jobName: job.name,
      accountId: job.accountId,
      status: 'COMPLETED',
      results: {
        transcripts: [{ transcript: transcriptText(tokens) }],
        ...(settings.ShowSpeakerLabels === true ? { speaker_labels: speakerLabels(tokens) } : {}),
        ...results,
        items: itemsJson,
        audio_segments: audioSegments(tokens),
      },
    };
    return { document, tokens, facts };
  }

  private shaping(job: JobRecord): TextShaping {
    const vocabularyName = job.settings?.VocabularyName as string | undefined;
    const vocabulary = vocabularyName !== undefined ? this.vocabularies.get(vocabularyName)?.entries : undefined;
    const modelName = job.modelSettings?.LanguageModelName;
    const spellings = modelName !== undefined ? this.models.get(modelName)?.spellings : undefined;
    return { ...(vocabulary ? { vocabulary } : {}), ...(spellings ? { spellings } : {}) };
  }

  private async buildVocabulary(name: string): Promise<void> {
    const record = this.vocabularies.get(name);
    if (!record) return;
    try {
      const entries: VocabularyEntry[] = record.phrases
        ? record.phrases.map((phrase) => ({ phrase }))
        : parseVocabularyFile(
            (await this.options.objects.read(parseS3Uri(record.fileUri as string) as S3Location, 50 * 1024)).toString(
              'utf8',
            ),
          );
      const table = [
        'Phrase\tSoundsLike\tIPA\tDisplayAs',
        ...entries.map((entry) => `${entry.phrase}\t${entry.soundsLike ?? ''}\t\t${entry.displayAs ?? ''}`),
      ];
      this.options.links.store(`vocabularies/${name}.txt`, `${table.join('\n')}\n`, 'text/plain');
      this.update(this.vocabularies, name, (current) => {
        current.entries = entries;
        current.state = 'READY';
        current.modifiedMs = this.now();
      });
    } catch (error) {
      this.update(this.vocabularies, name, (current) => {
        current.state = 'FAILED';
        current.modifiedMs = this.now();
        current.failureReason =
          error instanceof ObjectAccessError
            ? "The S3 URI that you provided can't be accessed. Make sure that you have read permission and try your request again."
            : (error as Error).message;
      });
    }
  }

  /**
   * A custom language model here learns how the training text spells words (its casing: `AWS`, `iPhone`,
   * `McDonald`), which it then applies to the recognizer's lower-case words. PocketSphinx's language model is not
   * retrained; see docs/compatibility.md.
   */
  private async trainModel(name: string): Promise<void> {
    const record = this.models.get(name);
    if (!record) return;
    try {
      const counts = new Map<string, Map<string, number>>();
      const prefixes = [record.inputDataConfig.S3Uri, record.inputDataConfig.TuningDataS3Uri].filter(
        (uri): uri is string => uri !== undefined,
      );
      let bytes = 0;
      for (const uri of prefixes) {
        const location = parseS3Uri(uri) as S3Location;
        for (const object of await this.options.objects.list(location.bucket, location.key)) {
          const text = (
            await this.options.objects.read({ bucket: location.bucket, key: object.key }, 2 * 1024 ** 3)
          ).toString('utf8');
          bytes += text.length;
          for (const word of text.match(/[\p{L}][\p{L}\p{N}'-]*/gu) ?? []) {
            const forms = counts.get(word.toLowerCase()) ?? new Map<string, number>();
            forms.set(word, (forms.get(word) ?? 0) + 1);
            counts.set(word.toLowerCase(), forms);
          }
        }
      }
      if (bytes === 0)
        throw new Error('The training data is empty. Upload plain text files under the S3Uri and try again.');
      const spellings: Record<string, string> = {};
      for (const [lower, forms] of counts) {
        const [best] = [...forms.entries()].sort((a, b) => b[1] - a[1]);
        if (best && best[0] !== lower && best[0] !== capitalized(lower)) spellings[lower] = best[0];
      }
      this.update(this.models, name, (current) => {
        current.spellings = spellings;
        current.status = 'COMPLETED';
        current.modifiedMs = this.now();
      });
    } catch (error) {
      this.update(this.models, name, (current) => {
        current.status = 'FAILED';
        current.modifiedMs = this.now();
        current.failureReason =
          error instanceof ObjectAccessError
            ? "The S3 URI that you provided can't be accessed. Make sure the data access role has read permission."
            : (error as Error).message;
      });
    }
  }
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function sameFamily(asked: string, detected: string): boolean {
  const family = (format: string) => (format === 'm4a' ? 'mp4' : format);
  return family(asked) === family(detected);
}

function failureReason(error: unknown): string {
  if (error instanceof MediaProblem) return error.message;
  if (error instanceof ObjectAccessError) {
    return "The S3 URI that you provided can't be accessed. Make sure that you have read permission and try your request again.";
  }
  return 'Internal failure: the local speech recognizer stopped. Check the local mode log and try your request again.';
}

/**
 * A vocabulary file in either of Transcribe's formats: the table (`Phrase`, `SoundsLike`, `IPA`, `DisplayAs`, tab
 * separated, with that header) or the list (one phrase per line).
 */
export function parseVocabularyFile(text: string): VocabularyEntry[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0]?.split('\t').map((cell) => cell.trim());
  if (header?.[0] === 'Phrase') {
    const column = (cells: string[], name: string) => {
      const index = header.indexOf(name);
      const value = index >= 0 ? cells[index]?.trim() : undefined;
      return value === undefined || value === '' ? undefined : value;
    };
    return lines.slice(1).map((line) => {
      const cells = line.split('\t');
      const soundsLike = column(cells, 'SoundsLike');
      const displayAs = column(cells, 'DisplayAs');
      return {
        phrase: column(cells, 'Phrase') ?? '',
        ...(soundsLike !== undefined ? { soundsLike } : {}),
        ...(displayAs !== undefined ? { displayAs } : {}),
      };
    });
  }
  return lines.map((line) => ({ phrase: line.trim() }));
}

function itemJson(
  token: TranscriptToken,
  extra: { id?: number; speaker?: string; channel?: string; languageCode?: string },
): Record<string, unknown> {
  return {
    ...(extra.id !== undefined ? { id: extra.id } : {}),
    type: token.type,
    alternatives: [{ confidence: decimal(token.confidence, 4), content: token.content }],
    ...(token.startMs !== undefined ? { start_time: decimal(token.startMs / 1000) } : {}),
    ...(token.endMs !== undefined ? { end_time: decimal(token.endMs / 1000) } : {}),
    ...(extra.speaker !== undefined ? { speaker_label: extra.speaker } : {}),
    ...(extra.channel !== undefined ? { channel_label: extra.channel } : {}),
    ...(extra.languageCode !== undefined ? { language_code: extra.languageCode } : {}),
  };
}

/** Channels' tokens in one time line, each punctuation mark kept after the word it follows. */
function mergeChannels(channels: TranscriptToken[][]): TranscriptToken[] {
  const groups = channels.flatMap((tokens) => {
    const out: TranscriptToken[][] = [];
    for (const token of tokens) {
      if (token.type === 'punctuation' && out.length > 0) (out.at(-1) as TranscriptToken[]).push(token);
      else out.push([token]);
    }
    return out;
  });
  return groups.sort((a, b) => (a[0]?.startMs ?? 0) - (b[0]?.startMs ?? 0)).flat();
}

function speakerLabels(tokens: readonly TranscriptToken[]): unknown {
  const words = tokens.filter((token) => token.type === 'pronunciation' && token.startMs !== undefined);
  const speakers = new Set(words.map((token) => token.speaker));
  const segments = audioSegments(tokens) as Array<{ start_time: string; end_time: string; items: number[] }>;
  return {
    speakers: speakers.size,
    segments: segments.map((segment) => ({
      start_time: segment.start_time,
      end_time: segment.end_time,
      speaker_label: 'spk_0',
      items: segment.items
        .map((id) => tokens[id] as TranscriptToken)
        .filter((token) => token.type === 'pronunciation')
        .map((token) => ({
          start_time: decimal((token.startMs as number) / 1000),
          end_time: decimal((token.endMs as number) / 1000),
          speaker_label: token.speaker ?? 'spk_0',
        })),
    })),
  };
}

/** The transcript split where sentences end, each segment with its time span and the ids of its items. */
function audioSegments(tokens: readonly TranscriptToken[]): unknown[] {
  const segments: Array<{ id: number; transcript: string; start_time: string; end_time: string; items: number[] }> = [];
  let current: number[] = [];
  const flush = () => {
    const timed = current.map((id) => tokens[id] as TranscriptToken).filter((token) => token.startMs !== undefined);
    if (timed.length > 0) {
      segments.push({
        id: segments.length,
        transcript: transcriptText(current.map((id) => tokens[id] as TranscriptToken)),
        start_time: decimal(((timed[0] as TranscriptToken).startMs as number) / 1000),
        end_time: decimal(((timed.at(-1) as TranscriptToken).endMs as number) / 1000),
        items: current,
      });
    }
    current = [];
  };
  tokens.forEach((token, index) => {
    current.push(index);
    if (token.type === 'punctuation') flush();
  });
  flush();
  return segments;
}
