import type { LanguageCode, MediaFormat, StartTranscriptionJobCommandInput } from '@aws-sdk/client-transcribe';
import type { TranscribeSpeech, TranscriptionJob } from '../../../shared/ai/transcribe';
import type { ObjectWriter } from '../../../shared/media/s3-objects';
import type { OperatorObject } from '../../workflow/domain/types';
import { mediaStoragePath, type DataplanePort } from '../shared/dataplane';
import {
  complete,
  errorText,
  executing,
  failure,
  isObject,
  missingKeyMessage,
  parseOperatorEvent,
  serviceErrorText,
  withStatus,
} from '../shared/operator';

export const TRANSCRIBE_ERROR = 'TranscribeError';
/** The key the original reports a refused start under (its only snake_case one). */
export const TRANSCRIBE_START_ERROR = 'transcribe_error';

export interface TranscribeDependencies {
  readonly transcribe: Pick<TranscribeSpeech, 'startTranscriptionJob' | 'getTranscription' | 'transcriptJson'>;
  readonly objects: ObjectWriter;
  readonly dataplane: DataplanePort;
  readonly dataplaneBucket: string;
}

export const Messages = {
  noValidInputs: 'No valid inputs',
  notValidFileType: 'Not a valid file type',
  unhandled: (jobId: string) => `Unhandled error for this job: ${jobId}`,
  uploadFailed: (assetId: string) => `Unable to upload metadata for asset: ${assetId}`,
  unknownStatus: 'Unable to determine status',
};

const MEDIA_FORMATS: ReadonlySet<string> = new Set(['mp3', 'mp4', 'wav', 'flac']);

/** Configuration keys copied into the job's `Settings`, `ModelSettings`, `JobExecutionSettings` and `ContentRedaction`. */
const SETTINGS = [
  'VocabularyName',
  'ShowSpeakerLabels',
  'MaxSpeakerLabels',
  'ChannelIdentification',
  'MaxAlternatives',
  'VocabularyFilterName',
  'VocabularyFilterMethod',
] as const;
const MODEL_SETTINGS = ['LanguageModelName'] as const;
const JOB_EXECUTION_SETTINGS = ['AllowDeferredExecution', 'DataAccessRoleArn'] as const;
const CONTENT_REDACTION = ['RedactionType', 'RedactionOutput'] as const;

function pick(configuration: Record<string, unknown>, names: readonly string[]): Record<string, unknown> | undefined {
  const picked = Object.fromEntries(names.filter((name) => name in configuration).map((n) => [n, configuration[n]]));
  return Object.keys(picked).length > 0 ? picked : undefined;
}

/**
 * The job the original starts: named `transcribe-<execution id>`, on the proxy encode (or the video, or the audio),
 * in `TranscribeLanguage` (`auto`, or `IdentifyLanguage: true`, lets the service identify it among
 * `LanguageOptions`), with the vocabulary, language model, speaker, redaction and execution settings of the
 * configuration passed through.
 */
export function transcriptionRequest(
  operator: OperatorObject,
  media: { bucket: string; key: string; format: string },
): StartTranscriptionJobCommandInput {
  const configuration = operator.Configuration as Record<string, unknown>;
  const languageCode = (configuration['TranscribeLanguage'] as string | undefined) ?? 'auto';
  const identifyLanguage = languageCode === 'auto' || Boolean(configuration['IdentifyLanguage'] ?? false);
  const languageOptions = configuration['LanguageOptions'];
  const settings = pick(configuration, SETTINGS);
  const modelSettings = pick(configuration, MODEL_SETTINGS);
  const jobExecutionSettings = pick(configuration, JOB_EXECUTION_SETTINGS);
  const contentRedaction = pick(configuration, CONTENT_REDACTION);
  return {
    TranscriptionJobName: `transcribe-${operator.WorkflowExecutionId}`,
    Media: { MediaFileUri: `s3://${media.bucket}/${media.key}` },
    MediaFormat: media.format as MediaFormat,
    ...(identifyLanguage ? {} : { LanguageCode: languageCode as LanguageCode }),
    IdentifyLanguage: identifyLanguage,
    ...(settings ? { Settings: settings } : {}),
    ...(modelSettings ? { ModelSettings: modelSettings } : {}),
    ...(jobExecutionSettings ? { JobExecutionSettings: jobExecutionSettings } : {}),
    ...(contentRedaction ? { ContentRedaction: contentRedaction as never } : {}),
    ...(Array.isArray(languageOptions) && languageOptions.length > 0
      ? { LanguageOptions: languageOptions as LanguageCode[] }
      : {}),
  };
}

/** Mediainfo reported no audio track (or did not run): the original then transcribes nothing. */
function isSilent(operator: OperatorObject, absentMeansSilent: boolean): boolean {
  const tracks = operator.Input.MetaData['Mediainfo_num_audio_tracks'];
  return tracks === undefined ? absentMeansSilent : tracks === '0';
}

/**
 * Start of `TranscribeVideo` and `TranscribeAudio` (the original's `start_transcribe`): the first of
 * `ProxyEncode`, `Video` and `Audio`, an `mp3`, `mp4`, `wav` or `flac` file, is sent to Transcribe; `Executing` with
 * `TranscribeJobId`, or `Complete` at once when Mediainfo found no audio track.
 */
export async function runTranscribeStart(event: unknown, deps: TranscribeDependencies): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const type = ['ProxyEncode', 'Video', 'Audio'].find((candidate) => Object.hasOwn(operator.Input.Media, candidate));
  const location: unknown = type === undefined ? undefined : operator.Input.Media[type];
  if (!isObject(location) || typeof location['S3Bucket'] !== 'string' || typeof location['S3Key'] !== 'string') {
    throw failure(operator, TRANSCRIBE_ERROR, Messages.noValidInputs);
  }
  const { S3Bucket: bucket, S3Key: key } = location as { S3Bucket: string; S3Key: string };
  const format = key.split('.').pop() ?? '';
  if (!MEDIA_FORMATS.has(format)) throw failure(operator, TRANSCRIBE_ERROR, Messages.notValidFileType);
  const request = transcriptionRequest(operator, { bucket, key, format });
  // As the original: a missing track count means no audio.
  if (isSilent(operator, true)) return complete(operator);

  const jobId = request.TranscriptionJobName as string;
  let job: TranscriptionJob;
  try {
    job = await deps.transcribe.startTranscriptionJob(request);
  } catch (error) {
    throw failure(operator, TRANSCRIBE_START_ERROR, serviceErrorText(error, 'StartTranscriptionJob'));
  }
  const withJob = withStatus(operator, operator.Status, { metaData: { TranscribeJobId: jobId } });
  if (job.status === 'FAILED') throw failure(withJob, TRANSCRIBE_ERROR, job.failureReason ?? Messages.unhandled(jobId));
  // The service answers IN_PROGRESS, or QUEUED when the account's concurrent jobs are taken.
  if (job.status !== 'IN_PROGRESS' && job.status !== 'QUEUED' && job.status !== 'COMPLETED') {
    throw failure(withJob, TRANSCRIBE_ERROR, Messages.unhandled(jobId));
  }
  return executing(operator, {
    metaData: { TranscribeJobId: jobId, AssetId: operator.AssetId, WorkflowExecutionId: operator.WorkflowExecutionId },
  });
}

/**
 * Monitor of `TranscribeVideo` and `TranscribeAudio` (the original's `get_transcribe`): once the job completed, its
 * transcript JSON — with `TextTranscriptUri` added, where its plain text is written — is the operator's data plane
 * result and `Media.Text`; the language is passed on as `TranscribeSourceLanguage`.
 */
export async function runTranscribeCheck(event: unknown, deps: TranscribeDependencies): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  if (isSilent(operator, false)) return complete(operator);
  const jobId = operator.MetaData['TranscribeJobId'];
  if (typeof jobId !== 'string') throw failure(operator, TRANSCRIBE_ERROR, missingKeyMessage('TranscribeJobId'));
  const withJob = withStatus(operator, operator.Status, { metaData: { TranscribeJobId: jobId } });
  let job: TranscriptionJob;
  try {
    job = await deps.transcribe.getTranscription(jobId);
  } catch (error) {
    throw failure(withJob, TRANSCRIBE_ERROR, serviceErrorText(error, 'GetTranscriptionJob'));
  }
  if (job.status === 'IN_PROGRESS' || job.status === 'QUEUED') {
    return executing(operator, {
      metaData: {
        TranscribeJobId: jobId,
        AssetId: operator.AssetId,
        WorkflowExecutionId: operator.WorkflowExecutionId,
      },
    });
  }
  if (job.status === 'FAILED') throw failure(withJob, TRANSCRIBE_ERROR, String(job.failureReason));
  if (job.status !== 'COMPLETED' || job.transcriptUri === undefined) {
    throw failure(operator, TRANSCRIBE_ERROR, Messages.unknownStatus);
  }

  let transcript: Record<string, unknown>;
  const folder = mediaStoragePath(deps.dataplaneBucket, operator.AssetId, operator.WorkflowExecutionId);
  const textObject = { bucket: folder.bucket, key: `${folder.key}transcript.txt` };
  try {
    transcript = (await deps.transcribe.transcriptJson(job.transcriptUri)) as Record<string, unknown>;
    const results = (transcript['results'] ?? {}) as { transcripts?: { transcript?: string }[] };
    const text = (results.transcripts ?? []).map((entry) => entry.transcript ?? '').join('');
    await deps.objects.writeText(textObject, text);
  } catch (error) {
    throw failure(withJob, TRANSCRIBE_ERROR, errorText(error));
  }
  transcript['TextTranscriptUri'] = { S3Bucket: textObject.bucket, S3Key: textObject.key };
  let stored;
  try {
    stored = await deps.dataplane.storeAssetMetadata({
      assetId: operator.AssetId,
      operatorName: operator.Name,
      workflowId: operator.WorkflowExecutionId,
      results: transcript,
    });
  } catch {
    throw failure(withJob, TRANSCRIBE_ERROR, Messages.uploadFailed(operator.AssetId));
  }
  return complete(operator, {
    media: stored.Bucket && stored.Key ? { Text: { S3Bucket: stored.Bucket, S3Key: stored.Key } } : {},
    metaData: { TranscribeJobId: jobId, TranscribeSourceLanguage: job.languageCode ?? '' },
  });
}
