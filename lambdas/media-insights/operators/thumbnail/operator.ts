import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MediaMap, MediaObject, OperatorObject } from '../../workflow/domain/types';
import {
  complete,
  errorText,
  executing,
  failure,
  inputMedia,
  MasExecutionError,
  missingKeyMessage,
  objectLocation,
  parseOperatorEvent,
} from '../shared/operator';
import type { ObjectFiles } from '../../../shared/media/s3-objects';
import type { ThumbnailEncoder } from './ffmpeg';
import { thumbnailOutputs, thumbnailPosition } from './outputs';

export const THUMBNAIL_ERROR = 'ThumbnailError';

export const Messages = {
  badPosition: (value: unknown) =>
    `ThumbnailPosition must be a whole number of seconds, 0 or more; got ${JSON.stringify(value)}`,
  noVideo: (input: string) => `${input} has no video track`,
  noFrame: (input: string) => `Unable to capture a frame of ${input}`,
  outputMissing: (object: MediaObject) => `Output s3://${object.S3Bucket}/${object.S3Key} does not exist`,
};

export interface ThumbnailDependencies {
  readonly objects: ObjectFiles;
  readonly encoder: ThumbnailEncoder;
  /** Where the outputs go: the data plane bucket. */
  readonly dataplaneBucket: string;
  /** A folder for the downloaded source and the outputs; the function's `/tmp` when deployed. */
  readonly scratchRoot?: string;
}

/**
 * Start of the `Thumbnail` operation. The original starts a MediaConvert job here and its monitor collects the
 * results; we do the whole job here with ffmpeg — a thumbnail at `ThumbnailPosition` seconds (0 s when the video is
 * shorter), the audio track on its own, and a proxy encode — and answer `Executing` with the outputs attached, so the
 * operation keeps the original's Async shape and its monitor only confirms the outputs are in place.
 */
export async function runThumbnailStart(event: unknown, deps: ThumbnailDependencies): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const located = inputMedia(operator, ['Video']);
  if ('missing' in located) throw failure(operator, THUMBNAIL_ERROR, missingKeyMessage(located.missing));
  const configured = operator.Configuration['ThumbnailPosition'];
  const position = thumbnailPosition(configured);
  if (position === undefined) throw failure(operator, THUMBNAIL_ERROR, Messages.badPosition(configured));

  const source = located.media;
  const inputFile = `s3://${source.S3Bucket}/${source.S3Key}`;
  const outputs = thumbnailOutputs(deps.dataplaneBucket, operator.AssetId, operator.WorkflowExecutionId, source.S3Key);
  const scratch = await mkdtemp(path.join(deps.scratchRoot ?? os.tmpdir(), 'thumbnail-'));
  const file = (name: string) => path.join(scratch, name);
  const sourceFile = file(`source${path.extname(source.S3Key)}`);
  let media: MediaMap;
  try {
    await deps.objects.download(objectLocation(source), sourceFile);
    const probe = await deps.encoder.probe(sourceFile);
    if (!probe.hasVideo) throw failure(operator, THUMBNAIL_ERROR, Messages.noVideo(inputFile));

    if (!(await deps.encoder.frame(sourceFile, 0, file('thumbnail-0.jpg')))) {
      throw failure(operator, THUMBNAIL_ERROR, Messages.noFrame(inputFile));
    }
    const uploads: [MediaObject, string, string][] = [[outputs.thumbnail(0), file('thumbnail-0.jpg'), 'image/jpeg']];
    let thumbnail = outputs.thumbnail(0);
    const fitsVideo = probe.durationSeconds === undefined || position < probe.durationSeconds;
    if (position > 0 && fitsVideo && (await deps.encoder.frame(sourceFile, position, file('thumbnail-1.jpg')))) {
      thumbnail = outputs.thumbnail(1);
      uploads.push([thumbnail, file('thumbnail-1.jpg'), 'image/jpeg']);
    }

    await deps.encoder.transcode(sourceFile, file('proxy.mp4'), probe.hasAudio ? file('audio.mp4') : undefined);
    uploads.push([outputs.proxy, file('proxy.mp4'), 'video/mp4']);
    media = { Thumbnail: thumbnail, ProxyEncode: outputs.proxy };
    if (probe.hasAudio) {
      uploads.push([outputs.audio, file('audio.mp4'), 'audio/mp4']);
      media['Audio'] = outputs.audio;
    }
    for (const [object, localFile, contentType] of uploads) {
      await deps.objects.upload(objectLocation(object), localFile, contentType);
    }
  } catch (error) {
    if (error instanceof MasExecutionError) throw error;
    // ffmpeg names the file it failed on; the scratch copy means nothing outside this function, its source does.
    throw failure(operator, THUMBNAIL_ERROR, errorText(error).replaceAll(sourceFile, inputFile));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  return executing(operator, {
    media,
    metaData: {
      MediaconvertInputFile: inputFile,
      AssetId: operator.AssetId,
      WorkflowExecutionId: operator.WorkflowExecutionId,
    },
  });
}

/** Monitor of the `Thumbnail` operation: `Complete` once every output the start reported is in the bucket. */
export async function runThumbnailCheck(
  event: unknown,
  deps: Pick<ThumbnailDependencies, 'objects'>,
): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  for (const type of ['Thumbnail', 'ProxyEncode']) {
    if (!Object.hasOwn(operator.Media, type)) throw failure(operator, THUMBNAIL_ERROR, missingKeyMessage(type));
  }
  for (const type of ['Thumbnail', 'ProxyEncode', 'Audio']) {
    const object = operator.Media[type];
    if (object === undefined) continue;
    let present: boolean;
    try {
      present = await deps.objects.exists(objectLocation(object));
    } catch (error) {
      throw failure(operator, THUMBNAIL_ERROR, errorText(error));
    }
    if (!present) throw failure(operator, THUMBNAIL_ERROR, Messages.outputMissing(object));
  }
  return complete(operator);
}
