import { logger } from '../../shared/logger';
import type { OperatorObject } from '../../workflow/domain/types';
import type { DataplanePort } from '../shared/dataplane';
import {
  complete,
  errorText,
  failure,
  inputMedia,
  missingKeyMessage,
  objectLocation,
  parseOperatorEvent,
  withStatus,
} from '../shared/operator';
import type { RangedObjectReader } from '../../../shared/media/s3-objects';
import type { MediaAnalyzer } from '../../../shared/media/mediainfo';
import { pymediainfoDocument, type PymediainfoDocument } from './pymediainfo';

/** The original writes this key for `Mediainfo` and `MediainfoImage` alike (the function is shared). */
export const MEDIAINFO_ERROR = 'MediainfoError';

export const Messages = {
  /** original. */
  notMedia: 'File does not contain valid video, audio, image, or text content',
  /** original prefix; the original appends `str(e)`. */
  noResults: (cause: string) => `Unable to get Mediainfo results. ${cause}`,
  /** original. */
  uploadFailed: (assetId: string) => `Unable to upload metadata for asset: ${assetId}`,
};

/** Track types that make a file media; a file MediaInfoLib only describes in general terms is refused. */
const CONTENT_TRACKS: ReadonlySet<string> = new Set(['Video', 'Audio', 'Image', 'Text']);

/** The original looks at `Video`, then `Image`; we look at the operation's own media type first and accept audio. */
const MEDIA_PREFERENCE = ['Video', 'Image', 'Audio'] as const;

export interface MediainfoDependencies {
  readonly objects: RangedObjectReader;
  readonly analyze: MediaAnalyzer;
  readonly dataplane: DataplanePort;
}

/**
 * `Mediainfo` / `MediainfoImage`: describes the stage's media with MediaInfoLib, stores the description as this
 * operation's metadata in the data plane, and passes the number of audio tracks on to later operators (the
 * original's Transcribe operators skip media without audio by it).
 */
export async function runMediainfo(event: unknown, deps: MediainfoDependencies): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const configured = String(operator.Configuration.MediaType ?? '');
  const preference = MEDIA_PREFERENCE.some((type) => type === configured)
    ? [configured, ...MEDIA_PREFERENCE.filter((type) => type !== configured)]
    : MEDIA_PREFERENCE;
  const located = inputMedia(operator, preference);
  if ('missing' in located) throw failure(operator, MEDIAINFO_ERROR, missingKeyMessage(located.missing));

  let document: PymediainfoDocument;
  try {
    const media = objectLocation(located.media);
    const size = await deps.objects.size(media);
    const report = await deps.analyze(size, (offset, length) => deps.objects.readRange(media, offset, length));
    document = pymediainfoDocument(report);
  } catch (error) {
    throw failure(operator, MEDIAINFO_ERROR, Messages.noResults(errorText(error)));
  }
  if (!document.tracks.some((track) => CONTENT_TRACKS.has(track.track_type))) {
    // The original raises this inside its own `try`, which re-labels it; we keep its prefix and say what it meant.
    throw failure(operator, MEDIAINFO_ERROR, Messages.noResults(Messages.notMedia));
  }

  const audioTracks = document.tracks.filter((track) => track.track_type === 'Audio').length;
  const described = withStatus(operator, operator.Status, {
    metaData: {
      Mediainfo_num_audio_tracks: String(audioTracks),
      AssetId: operator.AssetId,
      WorkflowExecutionId: operator.WorkflowExecutionId,
    },
  });
  try {
    await deps.dataplane.storeAssetMetadata({
      assetId: operator.AssetId,
      operatorName: operator.Name,
      workflowId: operator.WorkflowExecutionId,
      results: document as unknown as Record<string, unknown>,
    });
  } catch (error) {
    logger.error('Storing the operator metadata failed', { operator: operator.Name, assetId: operator.AssetId, error });
    throw failure(described, MEDIAINFO_ERROR, Messages.uploadFailed(operator.AssetId));
  }
  return complete(described);
}
