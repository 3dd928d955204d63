import type { PollySpeech } from '../../../shared/ai/polly';
import type { TranslateText } from '../../../shared/ai/translate';
import type { ObjectText, ObjectWriter } from '../../../shared/media/s3-objects';
import type { JsonObject, OperatorObject } from '../../workflow/domain/types';
import { mediaStoragePath, type DataplanePort, type DataplaneReader } from '../shared/dataplane';
import {
  complete,
  errorText,
  executing,
  failure,
  isObject,
  MasExecutionError,
  missingKeyMessage,
  parseOperatorEvent,
  serviceErrorText,
  withStatus,
} from '../shared/operator';
import {
  pollyLanguageCode,
  transcriptToWebCaptions,
  vttToWebCaptions,
  webCaptionsText,
  webCaptionsToSrt,
  webCaptionsToVtt,
  type WebCaption,
} from './webcaptions';

export const WEB_CAPTIONS_ERROR = 'WebCaptionsError';
export const TRANSLATE_ERROR = 'TranslateError';
export const CAPTIONS_ERROR = 'CaptionsError';
export const POLLY_COLLECTION_ERROR = 'PollyCollectionError';

/** The operator whose stored transcript WebCaptions reads, whichever operator ran it. */
const TRANSCRIBE_OPERATOR = 'TranscribeVideo';
const NOT_SUPPORTED = 'not supported';

export interface CaptionsDependencies {
  readonly dataplane: DataplanePort & DataplaneReader;
  readonly objects: ObjectWriter & ObjectText;
  readonly translate: Pick<TranslateText, 'translate'>;
  readonly polly: Pick<PollySpeech, 'voices' | 'startSynthesisTask' | 'getSynthesisTask'>;
  readonly dataplaneBucket: string;
}

/** The data plane names of web captions: `WebCaptions[source]_<language>`, and caption files `Captions_<language>`. */
export const webCaptionsName = (language: string, source = '') => `WebCaptions${source}_${language}`;
export const captionsName = (language: string) => `Captions_${language}`;

/**
 * What every caption operator reads first, as the original's `WebCaptions` class: the source language — the one
 * Transcribe found (`TranscribeSourceLanguage`, `en-US` → `en`), the one an earlier translation started from, or
 * `Configuration.SourceLanguageCode` — and the target languages when configured.
 */
interface CaptionsContext {
  readonly operator: OperatorObject;
  readonly sourceLanguage: string;
  readonly targetLanguages?: string[];
  readonly deps: CaptionsDependencies;
}

function context(event: unknown, deps: CaptionsDependencies): CaptionsContext {
  const operator = parseOperatorEvent(event);
  const metadata = operator.Input.MetaData;
  const configuration = operator.Configuration as Record<string, unknown>;
  let sourceLanguage: string;
  if (typeof metadata['TranscribeSourceLanguage'] === 'string') {
    sourceLanguage = metadata['TranscribeSourceLanguage'].split('-')[0] ?? '';
  } else if (typeof metadata['TranslateSourceLanguage'] === 'string') {
    sourceLanguage = metadata['TranslateSourceLanguage'].split('-')[0] ?? '';
  } else if (typeof configuration['SourceLanguageCode'] === 'string') {
    sourceLanguage = configuration['SourceLanguageCode'];
  } else {
    throw failure(operator, WEB_CAPTIONS_ERROR, "No valid inputs 'SourceLanguageCode'");
  }
  const targets = configuration['TargetLanguageCodes'];
  return {
    operator,
    sourceLanguage,
    ...(Array.isArray(targets) ? { targetLanguages: targets.map(String) } : {}),
    deps,
  };
}

async function storeResults(
  ctx: CaptionsContext,
  operatorName: string,
  results: Record<string, unknown>,
  errorKey: string,
  message: (error: string) => string,
): Promise<void> {
  try {
    await ctx.deps.dataplane.storeAssetMetadata({
      assetId: ctx.operator.AssetId,
      operatorName,
      workflowId: ctx.operator.WorkflowExecutionId,
      results,
    });
  } catch (error) {
    throw failure(ctx.operator, errorKey, message(errorText(error)));
  }
}

async function readWebCaptions(ctx: CaptionsContext, language: string, errorKey: string): Promise<WebCaption[]> {
  const name = webCaptionsName(language);
  try {
    const page = await ctx.deps.dataplane.retrieveAssetMetadata(ctx.operator.AssetId, name);
    const captions = (page.results as { WebCaptions?: unknown } | undefined)?.WebCaptions;
    if (!Array.isArray(captions)) throw new Error(`${name} holds no WebCaptions`);
    return captions as WebCaption[];
  } catch (error) {
    throw failure(ctx.operator, errorKey, `Unable to read ${name}: ${errorText(error)}`);
  }
}

function storeWebCaptions(ctx: CaptionsContext, captions: WebCaption[], language: string, source = '') {
  const name = webCaptionsName(language, source);
  return storeResults(
    ctx,
    name,
    { WebCaptions: captions },
    WEB_CAPTIONS_ERROR,
    (error) => `Unable to store captions ${name} ${error}`,
  );
}

function executionFile(ctx: CaptionsContext, name: string) {
  const folder = mediaStoragePath(ctx.deps.dataplaneBucket, ctx.operator.AssetId, ctx.operator.WorkflowExecutionId);
  return { bucket: folder.bucket, key: `${folder.key}${name}` };
}

/**
 * `WebCaptions` (the original's `web_captions`): the stored TranscribeVideo transcript (every page) broken into
 * caption lines, stored as `WebCaptionsTranscribeVideo_<lang>` (what the machine heard) and `WebCaptions_<lang>`
 * (the current captions: those, or the WebVTT file of `Configuration.ExistingSubtitlesObject` `{Bucket, Key}`).
 */
export async function runWebCaptions(event: unknown, deps: CaptionsDependencies): Promise<OperatorObject> {
  const ctx = context(event, deps);
  const transcripts: unknown[] = [];
  try {
    let page = await deps.dataplane.retrieveAssetMetadata(ctx.operator.AssetId, TRANSCRIBE_OPERATOR);
    transcripts.push(page.results);
    while (page.cursor !== undefined) {
      page = await deps.dataplane.retrieveAssetMetadata(ctx.operator.AssetId, TRANSCRIBE_OPERATOR, page.cursor);
      transcripts.push(page.results);
    }
  } catch (error) {
    throw failure(ctx.operator, WEB_CAPTIONS_ERROR, `Unable to read the transcript: ${errorText(error)}`);
  }
  let captions = transcriptToWebCaptions(transcripts);
  await storeWebCaptions(ctx, captions, ctx.sourceLanguage, TRANSCRIBE_OPERATOR);

  const existing = (ctx.operator.Configuration as Record<string, unknown>)['ExistingSubtitlesObject'];
  if (existing !== undefined) {
    const object = existing as { Bucket?: unknown; Key?: unknown };
    try {
      captions = vttToWebCaptions(
        await deps.objects.readText({ bucket: String(object.Bucket), key: String(object.Key) }),
      );
    } catch (error) {
      throw failure(ctx.operator, WEB_CAPTIONS_ERROR, `Unable read VTT file. ${errorText(error)}`);
    }
  }
  await storeWebCaptions(ctx, captions, ctx.sourceLanguage);
  return complete(ctx.operator);
}

/**
 * `CreateSRTCaptions`/`WebToSRTCaptions` and `CreateVTTCaptions`/`WebToVTTCaptions` (the original's `create_srt`,
 * `create_vtt`): for each of `TargetLanguageCodes` and the source language, `WebCaptions_<lang>` written as
 * `Captions_<lang>.srt|.vtt` in the execution's folder; the list of files is the operator's result
 * (`CaptionsCollection`).
 */
export async function runCreateCaptions(
  event: unknown,
  deps: CaptionsDependencies,
  format: 'srt' | 'vtt',
): Promise<OperatorObject> {
  const ctx = context(event, deps);
  if (ctx.targetLanguages === undefined) {
    throw failure(ctx.operator, WEB_CAPTIONS_ERROR, missingKeyMessage('TargetLanguageCodes'));
  }
  const languages = ctx.targetLanguages.includes(ctx.sourceLanguage)
    ? ctx.targetLanguages
    : [...ctx.targetLanguages, ctx.sourceLanguage];
  const collection: JsonObject[] = [];
  for (const language of languages) {
    const captions = await readWebCaptions(ctx, language, WEB_CAPTIONS_ERROR);
    const file = executionFile(ctx, `${captionsName(language)}.${format}`);
    try {
      const text = format === 'srt' ? webCaptionsToSrt(captions) : webCaptionsToVtt(captions);
      await deps.objects.writeText(file, text, format === 'srt' ? 'application/x-subrip' : 'text/vtt');
    } catch (error) {
      throw failure(ctx.operator, WEB_CAPTIONS_ERROR, errorText(error));
    }
    collection.push({
      OperatorName: captionsName(language),
      Results: { S3Bucket: file.bucket, S3Key: file.key },
      WorkflowId: ctx.operator.WorkflowExecutionId,
      LanguageCode: language,
    });
  }
  await storeResults(
    ctx,
    ctx.operator.Name,
    { CaptionsCollection: collection },
    WEB_CAPTIONS_ERROR,
    (error) => `Unable to store captions collection metadata ${error}`,
  );
  return complete(ctx.operator);
}

/** The first configured `{Name, TargetLanguageCodes}` terminology that covers the language, as the original picks. */
function terminologyFor(configured: unknown, language: string): string[] {
  if (!Array.isArray(configured)) return [];
  const match = configured.find(
    (item) =>
      isObject(item) && Array.isArray(item['TargetLanguageCodes']) && item['TargetLanguageCodes'].includes(language),
  ) as { Name?: unknown } | undefined;
  return typeof match?.Name === 'string' ? [match.Name] : [];
}

/**
 * Start of `TranslateWebCaptions` (the original's `start_translate_webcaptions`): `WebCaptions_<source>` into each
 * of `TargetLanguageCodes` but the source, with the first `TerminologyNames` entry that covers the language. The
 * original runs a batch translation job per language over the captions joined with `<span>` markers; this
 * translates line by line with TranslateText (the same results, no data access role, no job start-up minutes) and
 * stores what the original's monitor stores: `WebCaptions_<lang>` and `WebCaptionsTranslate_<lang>` (lines with
 * their `sourceCaption`), the text as `translation_<lang>.txt`, and the operator's `CaptionsCollection`. The
 * monitor then completes the operation. `ParallelDataNames` apply to batch jobs only and are not used.
 */
export async function runStartTranslateWebCaptions(
  event: unknown,
  deps: CaptionsDependencies,
): Promise<OperatorObject> {
  const ctx = context(event, deps);
  const { operator, sourceLanguage } = ctx;
  if (ctx.targetLanguages === undefined) throw failure(operator, TRANSLATE_ERROR, 'Language codes are not defined');
  const terminologies = (operator.Configuration as Record<string, unknown>)['TerminologyNames'];
  const source = await readWebCaptions(ctx, sourceLanguage, TRANSLATE_ERROR);
  const collection: JsonObject[] = [];
  for (const target of ctx.targetLanguages.filter((language) => language !== sourceLanguage)) {
    const translated: WebCaption[] = [];
    try {
      for (const line of source) {
        const text =
          line.caption.trim() === ''
            ? line.caption
            : (
                await deps.translate.translate(
                  line.caption,
                  sourceLanguage,
                  target,
                  terminologyFor(terminologies, target),
                )
              ).text;
        translated.push({ start: line.start, end: line.end, caption: text, sourceCaption: line.caption });
      }
    } catch (error) {
      throw failure(
        operator,
        TRANSLATE_ERROR,
        `Unable to start translation WebCaptions job: ${serviceErrorText(error, 'TranslateText')}`,
      );
    }
    await storeWebCaptions(ctx, translated, target);
    await storeWebCaptions(ctx, translated, target, 'Translate');
    const file = executionFile(ctx, `translation_${target}.txt`);
    try {
      await deps.objects.writeText(file, translated.map((line) => line.caption).join(' '));
    } catch (error) {
      throw failure(
        operator,
        CAPTIONS_ERROR,
        `Unable to construct path to translate output in S3: ${errorText(error)}`,
      );
    }
    collection.push({
      OperatorName: `TranslateWebCaptions_${target}`,
      TranslationText: { S3Bucket: file.bucket, S3Key: file.key },
      WorkflowId: operator.WorkflowExecutionId,
      TargetLanguageCode: target,
    });
  }
  await storeResults(
    ctx,
    operator.Name,
    { CaptionsCollection: collection },
    WEB_CAPTIONS_ERROR,
    (error) => `Unable to store captions collection metadata ${error}`,
  );
  return executing(operator, {
    metaData: {
      TranslateSourceLanguage: sourceLanguage,
      AssetId: operator.AssetId,
      WorkflowExecutionId: operator.WorkflowExecutionId,
    },
  });
}

/** Monitor of `TranslateWebCaptions`: the start stored every translation, so the operation is complete. */
export async function runCheckTranslateWebCaptions(
  event: unknown,
  deps: CaptionsDependencies,
): Promise<OperatorObject> {
  return complete(context(event, deps).operator);
}

interface PollyCaption extends JsonObject {
  TargetLanguageCode: string;
  TranslationText: { S3Bucket: string; S3Key: string };
  VoiceId?: string;
  PollyAudio?: { S3Bucket: string; S3Key: string; Uri?: string };
  PollyTaskId?: string;
  PollyStatus?: string;
  PollyMessage?: string;
}

/**
 * Start of `PollyWebCaptions` (the original's `start_polly_webcaptions`): for each translation in the
 * `TranslateWebCaptions` collection, the text of `WebCaptions_<lang>` spoken by the first Polly voice of the
 * language into `audio_only_<lang>.<task id>.mp3` in the execution's folder; `Executing` with the collection
 * (`PollyCollection`) for the monitor. Languages Polly does not speak are marked `not supported`.
 */
export async function runStartPollyWebCaptions(event: unknown, deps: CaptionsDependencies): Promise<OperatorObject> {
  const ctx = context(event, deps);
  const { operator } = ctx;
  const fail = (message: string) => failure(operator, POLLY_COLLECTION_ERROR, message);
  let collection: PollyCaption[];
  try {
    const page = await deps.dataplane.retrieveAssetMetadata(operator.AssetId, 'TranslateWebCaptions');
    collection = (page.results as { CaptionsCollection: PollyCaption[] }).CaptionsCollection;
    if (!Array.isArray(collection)) throw new Error('TranslateWebCaptions holds no CaptionsCollection');
  } catch (error) {
    throw fail(`Unable to read the captions collection: ${errorText(error)}`);
  }
  for (const caption of collection) {
    const transcript = webCaptionsText(await readWebCaptions(ctx, caption.TargetLanguageCode, POLLY_COLLECTION_ERROR));
    // As the original: an empty translation ends the whole operation.
    if (transcript.length < 1) return complete(operator);
    const language = pollyLanguageCode(caption.TargetLanguageCode);
    if (language === undefined) {
      caption.PollyStatus = NOT_SUPPORTED;
      caption.PollyMessage = 'WARNING: Language code not supported by the Polly service';
      continue;
    }
    let voices: string[];
    try {
      voices = await deps.polly.voices(language);
    } catch (error) {
      throw fail(`Unable to get response from polly describe_voices: ${serviceErrorText(error, 'DescribeVoices')}`);
    }
    // Polly lists no voice for Hindi though Aditi speaks it (the original's workaround).
    const voiceId = voices[0] ?? (language === 'hi-IN' ? 'Aditi' : undefined);
    if (voiceId === undefined) throw fail(`Unable to get a valid Polly voice for language: ${language}`);
    caption.VoiceId = voiceId;
    const prefix = `private/assets/${operator.AssetId}/workflows/${operator.WorkflowExecutionId}/audio_only_${caption.TargetLanguageCode}`;
    const bucket = caption.TranslationText.S3Bucket;
    try {
      const task = await deps.polly.startSynthesisTask(transcript, { voiceId, bucket, keyPrefix: prefix });
      caption.PollyTaskId = task.taskId;
      caption.PollyStatus = 'started';
      caption.PollyAudio = { S3Bucket: bucket, S3Key: `${prefix}.${task.taskId}.mp3` };
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'TextLengthExceededException') {
        throw fail(`Unable to get response from polly: ${serviceErrorText(error, 'StartSpeechSynthesisTask')}`);
      }
      caption.PollyMessage = 'WARNING: Polly.Client.exceptions.TextLengthExceededException';
      caption.PollyStatus = NOT_SUPPORTED;
    }
  }
  return executing(operator, {
    metaData: {
      PollyCollection: collection,
      WorkflowExecutionId: operator.WorkflowExecutionId,
      AssetId: operator.AssetId,
    },
  });
}

/**
 * Monitor of `PollyWebCaptions` (the original's `check_polly_webcaptions`): once every task ended, the collection
 * with each audio's `Uri` is the operator's result (`CaptionsCollection`); a failed task fails the operation.
 */
export async function runCheckPollyWebCaptions(event: unknown, deps: CaptionsDependencies): Promise<OperatorObject> {
  const ctx = context(event, deps);
  const { operator } = ctx;
  const collection = operator.MetaData['PollyCollection'] as PollyCaption[] | undefined;
  if (!Array.isArray(collection)) {
    throw failure(operator, POLLY_COLLECTION_ERROR, missingKeyMessage('PollyCollection'));
  }
  let finished = 0;
  for (const caption of collection) {
    if (['completed', 'failed', NOT_SUPPORTED].includes(caption.PollyStatus ?? '')) {
      finished += 1;
      continue;
    }
    let task;
    try {
      task = await deps.polly.getSynthesisTask(caption.PollyTaskId ?? '');
    } catch (error) {
      throw failure(
        operator,
        POLLY_COLLECTION_ERROR,
        `Unable to get response from polly: ${serviceErrorText(error, 'GetSpeechSynthesisTask')}`,
      );
    }
    if (task.status === 'completed') {
      finished += 1;
      if (caption.PollyAudio) caption.PollyAudio.Uri = task.outputUri ?? '';
    } else if (task.status !== 'inProgress' && task.status !== 'scheduled') {
      throw failure(operator, POLLY_COLLECTION_ERROR, `Polly returned as failed: ${String(task.statusReason)}`);
    }
  }
  if (finished < collection.length) return executing(operator, { metaData: { PollyCollection: collection } });
  try {
    await deps.dataplane.storeAssetMetadata({
      assetId: operator.AssetId,
      operatorName: operator.Name,
      workflowId: operator.WorkflowExecutionId,
      results: { CaptionsCollection: collection },
    });
  } catch (error) {
    if (error instanceof MasExecutionError) throw error;
    throw failure(
      withStatus(operator, operator.Status, { metaData: { PollyCollection: collection } }),
      WEB_CAPTIONS_ERROR,
      `Unable to store captions collection metadata ${errorText(error)}`,
    );
  }
  return complete(operator, { metaData: { PollyCollection: collection } });
}
