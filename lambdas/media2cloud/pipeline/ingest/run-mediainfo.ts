import { errorText, IngestError, MediaProcessingError } from '../domain/errors';
import { mediainfoKey } from '../domain/layout';
import type { MediaType, ObjectLocation } from '../domain/records';
import { parseIngestState, type IngestState } from '../domain/state';
import { objectAccess } from '../media/access';
import { probeEmbeddedCaptions } from '../media/captions';
import { summarize, type MediainfoReport } from '../media/mediainfo';
import type { PipelineDependencies } from '../ports';

export type RunMediainfoDependencies = Pick<PipelineDependencies, 'records' | 'objects' | 'describeMedia' | 'tools'>;

const URL_LIFETIME_SECONDS = 3600;

/**
 * `Run mediainfo` (video and audio): MediaInfoLib reads the upload by ranged GETs; its report goes to
 * `mediainfo/mediainfo.json`, duration and frame rate to the record. A "video" without a video track is an audio
 * asset (the original's `fixity-completed` re-types it); a file with neither track is not media. For a video,
 * ffprobe looks for CEA-608/708 captions in its first pictures (over a presigned URL, by ranges), which MediaInfo
 * does not always report: the transcode job then makes them a WebVTT proxy.
 */
export async function runMediainfo(event: unknown, deps: RunMediainfoDependencies): Promise<IngestState> {
  const state = parseIngestState(event);
  const { input } = state;
  const source: ObjectLocation = { bucket: input.bucket, key: input.key };
  const head = await deps.objects.head(source);
  if (!head) throw new IngestError(`s3://${source.bucket}/${source.key} does not exist`);

  let report: MediainfoReport;
  try {
    report = await deps.describeMedia(objectAccess(deps.objects, source, head.size));
  } catch (error) {
    throw new MediaProcessingError(`MediaInfo could not read ${source.key}: ${errorText(error)}`);
  }
  const described = summarize(report);
  if (described.video.length === 0 && described.audio.length === 0) {
    throw new MediaProcessingError(
      `${source.key} has no video or audio track MediaInfo can read: it is not a media file, or it is corrupt`,
    );
  }
  const type: MediaType = input.type === 'video' && described.video.length === 0 ? 'audio' : input.type;
  const summary =
    type === 'video'
      ? {
          ...described,
          closedCaptions: await probeEmbeddedCaptions(
            deps.tools.ffprobe,
            await deps.objects.presignGet(source, URL_LIFETIME_SECONDS),
          ),
        }
      : described;
  const output = mediainfoKey(input.destination.prefix);
  await deps.objects.putText(
    { bucket: input.destination.bucket, key: output },
    JSON.stringify(report, null, 2),
    'application/json',
  );

  const duration = Math.round(
    (summary.container.duration ?? summary.video[0]?.duration ?? summary.audio[0]?.duration ?? 0) * 1000,
  );
  const framerate = type === 'video' ? (summary.video[0]?.frameRate ?? summary.container.frameRate) : undefined;
  await deps.records.update(state.uuid, {
    set: { mediainfo: [output], duration, ...(framerate === undefined ? {} : { framerate }), type },
  });
  return {
    ...state,
    input: { ...input, type, duration, ...(framerate === undefined ? {} : { framerate }) },
    data: { ...state.data, mediainfo: { ...summary, output } },
  };
}
