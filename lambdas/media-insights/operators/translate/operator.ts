import type { TranslateText } from '../../../shared/ai/translate';
import type { ObjectText } from '../../../shared/media/s3-objects';
import type { OperatorObject } from '../../workflow/domain/types';
import type { DataplanePort } from '../shared/dataplane';
import { complete, errorText, failure, inputMedia, parseOperatorEvent, serviceErrorText } from '../shared/operator';

export const TRANSLATE_ERROR = 'TranslateError';

export interface TranslateDependencies {
  readonly translate: Pick<TranslateText, 'translate'>;
  readonly objects: ObjectText;
  readonly dataplane: DataplanePort;
}

/** The original sends at most about 1000 characters a call (larger requests met throttling). */
const CHUNK_CHARACTERS = 1000;

/** Sentences, split after `.`, `?` or `!` and the spaces that follow (the original uses NLTK's Punkt). */
export function sentences(text: string): string[] {
  return text.split(/(?<=[.?!])\s+/).filter((sentence) => sentence !== '');
}

/**
 * `Translate` (the original's `start_translate`): the transcript of the TranscribeVideo result in `Input.Media.Text`
 * translated from the source language (`TranscribeSourceLanguage` `en-US` → `en`, or `SourceLanguageCode`) to
 * `TargetLanguageCode`, in chunks of whole sentences; `{TranslatedText, SourceLanguageCode, TargetLanguageCode}` is
 * the operator's result and the new `Media.Text`.
 */
export async function runTranslate(event: unknown, deps: TranslateDependencies): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const located = inputMedia(operator, ['Text']);
  if ('missing' in located) throw failure(operator, TRANSLATE_ERROR, `No valid inputs '${located.missing}'`);
  const configuration = operator.Configuration as Record<string, unknown>;
  const transcribed = operator.Input.MetaData['TranscribeSourceLanguage'];
  const source = typeof transcribed === 'string' ? transcribed.split('-')[0] : configuration['SourceLanguageCode'];
  const target = configuration['TargetLanguageCode'];
  if (typeof source !== 'string' || typeof target !== 'string') {
    throw failure(operator, TRANSLATE_ERROR, 'Language codes are not defined');
  }
  let transcript: string;
  try {
    const stored = JSON.parse(
      await deps.objects.readText({ bucket: located.media.S3Bucket, key: located.media.S3Key }),
    ) as { results: { transcripts: { transcript: string }[] } };
    transcript = stored.results.transcripts[0]!.transcript;
  } catch (error) {
    throw failure(operator, TRANSLATE_ERROR, `Unable to read transcription from S3: ${errorText(error)}`);
  }
  if (transcript.length < 1) return complete(operator);

  const chunks: string[] = [];
  let chunk = '';
  for (const sentence of sentences(transcript)) {
    if (sentence.length + chunk.length < CHUNK_CHARACTERS) {
      chunk = `${chunk} ${sentence}`;
    } else {
      chunks.push(chunk);
      chunk = sentence;
    }
  }
  chunks.push(chunk);
  let translated = '';
  for (const text of chunks) {
    try {
      translated = `${translated} ${(await deps.translate.translate(text, source, target)).text}`;
    } catch (error) {
      throw failure(
        operator,
        TRANSLATE_ERROR,
        `Unable to get response from translate: ${serviceErrorText(error, 'TranslateText')}`,
      );
    }
  }
  let stored;
  try {
    stored = await deps.dataplane.storeAssetMetadata({
      assetId: operator.AssetId,
      operatorName: operator.Name,
      workflowId: operator.WorkflowExecutionId,
      results: { TranslatedText: translated, SourceLanguageCode: source, TargetLanguageCode: target },
    });
  } catch {
    throw failure(operator, TRANSLATE_ERROR, `Unable to upload metadata for asset: ${operator.AssetId}`);
  }
  return complete(operator, {
    media: stored.Bucket && stored.Key ? { Text: { S3Bucket: stored.Bucket, S3Key: stored.Key } } : {},
  });
}
