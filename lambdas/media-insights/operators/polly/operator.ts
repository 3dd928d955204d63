import type { ComprehendLanguage } from '../../../shared/ai/comprehend';
import { s3ObjectOfUri } from '../../../shared/ai/jobs';
import type { PollySpeech, SynthesisTask } from '../../../shared/ai/polly';
import type { ObjectText } from '../../../shared/media/s3-objects';
import type { OperatorObject } from '../../workflow/domain/types';
import {
  complete,
  errorText,
  executing,
  failure,
  inputMedia,
  missingKeyMessage,
  parseOperatorEvent,
  serviceErrorText,
} from '../shared/operator';

export const POLLY_ERROR = 'PollyError';

/** The original's voice per language; it speaks no other. */
export const VOICES: Readonly<Record<string, string>> = { en: 'Kendra', ru: 'Maxim', es: 'Lucia', fr: 'Mathieu' };

export interface PollyDependencies {
  readonly polly: Pick<PollySpeech, 'startSynthesisTask' | 'getSynthesisTask'>;
  readonly comprehend: Pick<ComprehendLanguage, 'detectDominantLanguage'>;
  readonly objects: ObjectText;
}

/**
 * Start of `Polly` (the original's `start_polly`): the `TranslatedText` of the Translate result in
 * `Input.Media.Text`, its language found by Comprehend, spoken by that language's voice into
 * `private/assets/<asset>/workflows/<execution>/translation.<task id>.mp3` beside it; `Executing` with `PollyJobId`.
 * (The original's key prefix starts with a `/`, which its monitor then cannot find again; ours does not.)
 */
export async function runPollyStart(event: unknown, deps: PollyDependencies): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const located = inputMedia(operator, ['Text']);
  if ('missing' in located) throw failure(operator, POLLY_ERROR, 'No valid inputs');
  const { S3Bucket: bucket, S3Key: key } = located.media;
  let translation: string;
  try {
    translation = String(
      (JSON.parse(await deps.objects.readText({ bucket, key })) as { TranslatedText: unknown }).TranslatedText,
    );
  } catch (error) {
    throw failure(operator, POLLY_ERROR, `Unable to read translation from S3: ${errorText(error)}`);
  }
  if (translation.length < 1) return complete(operator);
  let languageCode: string | undefined;
  try {
    languageCode = (await deps.comprehend.detectDominantLanguage(translation))[0]?.languageCode;
  } catch (error) {
    throw failure(
      operator,
      POLLY_ERROR,
      `Unable to determine the language with comprehend: ${serviceErrorText(error, 'DetectDominantLanguage')}`,
    );
  }
  const voiceId = languageCode === undefined ? undefined : VOICES[languageCode];
  if (voiceId === undefined) {
    throw failure(operator, POLLY_ERROR, `The only supported languages are: dict_keys(['en', 'ru', 'es', 'fr'])`);
  }
  let task: SynthesisTask;
  try {
    task = await deps.polly.startSynthesisTask(translation, {
      voiceId,
      bucket,
      keyPrefix: `private/assets/${operator.AssetId}/workflows/${operator.WorkflowExecutionId}/translation`,
    });
  } catch (error) {
    throw failure(
      operator,
      POLLY_ERROR,
      `Unable to get response from polly: ${serviceErrorText(error, 'StartSpeechSynthesisTask')}`,
    );
  }
  return executing(operator, {
    metaData: { PollyJobId: task.taskId, WorkflowExecutionId: operator.WorkflowExecutionId, AssetId: operator.AssetId },
  });
}

/** Monitor of `Polly` (the original's `get_polly`): `Complete` with the speech as `Media.Audio`. */
export async function runPollyCheck(event: unknown, deps: PollyDependencies): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const taskId = operator.MetaData['PollyJobId'];
  if (typeof taskId !== 'string') throw failure(operator, POLLY_ERROR, missingKeyMessage('PollyJobId'));
  let task: SynthesisTask;
  try {
    task = await deps.polly.getSynthesisTask(taskId);
  } catch (error) {
    throw failure(
      operator,
      POLLY_ERROR,
      `Unable to get response from polly: ${serviceErrorText(error, 'GetSpeechSynthesisTask')}`,
    );
  }
  if (task.status === 'inProgress' || task.status === 'scheduled') {
    return executing(operator, {
      metaData: { PollyJobId: taskId, AssetId: operator.AssetId, WorkflowExecutionId: operator.WorkflowExecutionId },
    });
  }
  const audio = task.status === 'completed' ? s3ObjectOfUri(task.outputUri ?? '') : undefined;
  if (!audio) throw failure(operator, POLLY_ERROR, `Polly returned as failed: ${String(task.statusReason)}`);
  return complete(operator, {
    media: { Audio: { S3Bucket: audio.bucket, S3Key: audio.key } },
    metaData: { PollyJobId: taskId },
  });
}
