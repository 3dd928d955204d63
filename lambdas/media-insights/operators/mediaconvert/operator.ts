import type { JobSettings } from '@aws-sdk/client-mediaconvert';
import type { MediaConvertTranscoder } from '../../../shared/ai/mediaconvert';
import type { TranscodeJob } from '../../../shared/ai/transcode';
import type { OperatorObject } from '../../workflow/domain/types';
import { mediaStoragePath } from '../shared/dataplane';
import {
  complete,
  executing,
  failure,
  inputMedia,
  missingKeyMessage,
  parseOperatorEvent,
  serviceErrorText,
  withStatus,
} from '../shared/operator';

export const MEDIACONVERT_ERROR = 'MediaconvertError';

export interface MediaconvertDependencies {
  readonly mediaconvert: Pick<MediaConvertTranscoder, 'submit' | 'get'>;
  /** The role MediaConvert reads the input and writes the audio track with. */
  readonly role: string;
  readonly dataplaneBucket: string;
}

/**
 * The original's job: the input's first audio selector as AAC 2.0 at 96 kbit/s, 48 kHz, in an MP4 named
 * `<input name>_audio.mp4` in the execution's folder of the data plane bucket.
 */
export function audioExtractSettings(fileInput: string, destination: string): JobSettings {
  return {
    OutputGroups: [
      {
        Name: 'File Group',
        Outputs: [
          {
            ContainerSettings: {
              Container: 'MP4',
              Mp4Settings: { CslgAtom: 'INCLUDE', FreeSpaceBox: 'EXCLUDE', MoovPlacement: 'PROGRESSIVE_DOWNLOAD' },
            },
            AudioDescriptions: [
              {
                AudioTypeControl: 'FOLLOW_INPUT',
                AudioSourceName: 'Audio Selector 1',
                CodecSettings: {
                  Codec: 'AAC',
                  AacSettings: {
                    AudioDescriptionBroadcasterMix: 'NORMAL',
                    Bitrate: 96000,
                    RateControlMode: 'CBR',
                    CodecProfile: 'LC',
                    CodingMode: 'CODING_MODE_2_0',
                    RawFormat: 'NONE',
                    SampleRate: 48000,
                    Specification: 'MPEG4',
                  },
                },
                LanguageCodeControl: 'FOLLOW_INPUT',
              },
            ],
            Extension: 'mp4',
            NameModifier: '_audio',
          },
        ],
        OutputGroupSettings: { Type: 'FILE_GROUP_SETTINGS', FileGroupSettings: { Destination: destination } },
      },
    ],
    AdAvailOffset: 0,
    Inputs: [
      {
        AudioSelectors: { 'Audio Selector 1': { Offset: 0, DefaultSelection: 'DEFAULT', ProgramSelection: 1 } },
        VideoSelector: { ColorSpace: 'FOLLOW' },
        FilterEnable: 'AUTO',
        PsiControl: 'USE_PSI',
        FilterStrength: 0,
        DeblockFilter: 'DISABLED',
        DenoiseFilter: 'DISABLED',
        TimecodeSource: 'EMBEDDED',
        FileInput: fileInput,
      },
    ],
  };
}

/**
 * Start of `Mediaconvert` (the original's `start_media_convert`): submits the audio extract of `Input.Media.Video`
 * and answers `Executing` with the job's id for the monitor.
 */
export async function runMediaconvertStart(event: unknown, deps: MediaconvertDependencies): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const located = inputMedia(operator, ['Video']);
  if ('missing' in located) throw failure(operator, MEDIACONVERT_ERROR, missingKeyMessage(located.missing));
  const { S3Bucket: bucket, S3Key: key } = located.media;
  const folder = mediaStoragePath(deps.dataplaneBucket, operator.AssetId, operator.WorkflowExecutionId);
  let job: TranscodeJob;
  try {
    job = await deps.mediaconvert.submit({
      role: deps.role,
      settings: audioExtractSettings(`s3://${bucket}/${key}`, `s3://${folder.bucket}/${folder.key}`),
    });
  } catch (error) {
    throw failure(operator, MEDIACONVERT_ERROR, serviceErrorText(error, 'CreateJob'));
  }
  return executing(operator, {
    metaData: {
      MediaconvertJobId: job.id,
      MediaconvertInputFile: key,
      AssetId: operator.AssetId,
      WorkflowExecutionId: operator.WorkflowExecutionId,
    },
  });
}

/**
 * Monitor of `Mediaconvert` (the original's `get_media_convert`): `Executing` while the job runs, then `Complete`
 * with the audio track as `Media.Audio`. A job still `SUBMITTED` counts as running (the original failed on it).
 */
export async function runMediaconvertCheck(
  event: unknown,
  deps: Pick<MediaconvertDependencies, 'mediaconvert'>,
): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const metadata = operator.MetaData;
  for (const key of ['MediaconvertJobId', 'MediaconvertInputFile']) {
    if (typeof metadata[key] !== 'string') throw failure(operator, MEDIACONVERT_ERROR, missingKeyMessage(key));
  }
  const jobId = metadata['MediaconvertJobId'] as string;
  const fail = (message: string) =>
    failure(
      withStatus(operator, operator.Status, { metaData: { MediaconvertJobId: jobId } }),
      MEDIACONVERT_ERROR,
      message,
    );
  let job: TranscodeJob;
  try {
    job = await deps.mediaconvert.get(jobId);
  } catch (error) {
    throw fail(serviceErrorText(error, 'GetJob'));
  }
  if (job.status === 'SUBMITTED' || job.status === 'PROGRESSING') {
    return executing(operator, {
      metaData: {
        MediaconvertJobId: jobId,
        MediaconvertInputFile: metadata['MediaconvertInputFile'] as string,
        AssetId: operator.AssetId,
        WorkflowExecutionId: operator.WorkflowExecutionId,
      },
    });
  }
  const audio = job.outputs[0]?.location;
  if (job.status !== 'COMPLETE' || !audio) {
    throw fail(
      `Unhandled exception, unable to get status from mediaconvert: job ${jobId} is ${job.status}` +
        (job.errorMessage ? ` (${job.errorMessage})` : ''),
    );
  }
  return complete(operator, {
    media: { Audio: { S3Bucket: audio.bucket, S3Key: audio.key } },
    metaData: { MediaconvertJobId: jobId },
  });
}
