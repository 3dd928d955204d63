import { createHash } from 'node:crypto';
import { frameCaptureRate } from '../domain/ai-options';
import { IngestError } from '../domain/errors';
import { transcodePrefix } from '../domain/layout';
import { asObject, optionalString, parseIngestState } from '../domain/state';
import { audioJobSettings, videoJobSettings } from '../media/mediaconvert-job';
import type { PipelineDependencies } from '../ports';

export type StartTranscodeDependencies = Pick<PipelineDependencies, 'config' | 'transcoder'>;

/** What the MediaConvert job carries back to the waiting task (`UserMetadata`, strings only). */
export interface TranscodeJobMetadata {
  readonly uuid: string;
  /** The proxy bucket: the rule on the jobs' state changes matches this deployment's jobs by it. */
  readonly bucket: string;
  /** The waiting task's token: the job's state change event releases it. */
  readonly taskToken: string;
  /** `<prefix>transcode/`, the task's result as `data.transcode.output`. */
  readonly output: string;
}

/** What the task's result is once the job completed: `data.transcode` of the ingest state. */
export interface TranscodeResult {
  readonly jobId: string;
  readonly output: string;
}

/**
 * `Start and wait for MediaConvert job` (the original's `start-transcode`, invoked with `.waitForTaskToken`): submits
 * the video or audio ingest job (settings from `media/mediaconvert-job.ts`) with the task token in its `UserMetadata`,
 * and returns. The job's `MediaConvert Job State Change` event ends the task (`transcode-job-ended.ts`), so no
 * function waits for the transcode, however long the media.
 */
export async function startTranscode(event: unknown, deps: StartTranscodeDependencies): Promise<{ jobId: string }> {
  const payload = asObject(event, 'event');
  const token = optionalString(payload.token);
  if (!token) throw new IngestError('missing the task token (invoke with .waitForTaskToken)');
  const state = parseIngestState(payload);
  const { input } = state;
  const mediainfo = state.data.mediainfo;
  if (!mediainfo) throw new IngestError('missing mediainfo');
  const request = {
    source: { bucket: input.bucket, key: input.key },
    destination: input.destination,
    mediainfo,
  };
  let settings;
  if (input.type === 'video') {
    const rate = frameCaptureRate(input.aiOptions, input.framerate);
    settings = videoJobSettings({ ...request, ...(rate ? { frameCaptureRate: rate } : {}) });
  } else if (input.type === 'audio') {
    if (mediainfo.audio.length === 0) throw new IngestError(`${input.key} has no audio track`);
    settings = audioJobSettings(request);
  } else {
    throw new IngestError(`${input.type} is not transcoded by MediaConvert`);
  }
  const userMetadata: TranscodeJobMetadata = {
    uuid: state.uuid,
    bucket: input.destination.bucket,
    taskToken: token,
    output: transcodePrefix(input.destination.prefix),
  };
  const job = await deps.transcoder.submit({
    role: deps.config.mediaConvertRoleArn,
    settings,
    userMetadata: { ...userMetadata },
    // A retried invocation for the same task gets the job the first one created.
    clientRequestToken: createHash('sha256').update(token).digest('hex').slice(0, 64),
  });
  return { jobId: job.id };
}
