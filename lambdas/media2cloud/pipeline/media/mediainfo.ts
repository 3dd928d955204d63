import { mediaAnalyzer } from '../../../shared/media/mediainfo';
import type { RandomAccess } from '../ports';

/** MediaInfoLib's JSON report: `{creatingLibrary, media: {track: [{"@type": "General", ...}, ...]}}`. */
export interface MediainfoReport {
  readonly creatingLibrary?: unknown;
  readonly media?: { readonly track?: readonly MediainfoTrack[] } | null;
}

export type MediainfoTrack = { readonly '@type': string } & Readonly<Record<string, unknown>>;

/** Describes a file MediaInfoLib reads piece by piece (ranged reads), so the file never has to be in memory. */
export type MediaDescriber = (access: RandomAccess) => Promise<MediainfoReport>;

const analyzeJson = mediaAnalyzer({ format: 'JSON' });

/** MediaInfoLib (the WASM build of mediainfo.js, see `shared/media/mediainfo.ts`), reading by ranges. */
export const describeMedia: MediaDescriber = async (access) => {
  const report = await analyzeJson(access.size, (offset, length) =>
    access.read(offset, Math.min(length, access.size - offset)),
  );
  return JSON.parse(report) as MediainfoReport;
};

export interface TrackSummary {
  readonly format?: string;
  readonly codecId?: string;
  readonly duration?: number;
  readonly bitRate?: number;
  readonly width?: number;
  readonly height?: number;
  readonly frameRate?: number;
  readonly channels?: number;
  readonly samplingRate?: number;
  readonly language?: string;
  readonly streamOrder?: number;
  readonly title?: string;
}

/**
 * What later steps need of the report (the original's `miniData`): the container, and the video, audio and text
 * tracks, durations in seconds as MediaInfoLib gives them.
 */
export interface MediainfoSummary {
  readonly container: TrackSummary & { readonly fileSize?: number };
  readonly video: readonly TrackSummary[];
  readonly audio: readonly TrackSummary[];
  readonly text: readonly TrackSummary[];
  /** An embedded cover picture (ID3 APIC, MP4 `covr`): its MIME type. */
  readonly coverMime?: string;
  /** CEA-608/708 captions in the video's pictures, as ffprobe found them (`run-mediainfo.ts`). */
  readonly closedCaptions?: boolean;
}

export function summarize(report: MediainfoReport): MediainfoSummary {
  const tracks = report.media?.track ?? [];
  const of = (type: string) => tracks.filter((track) => track['@type'] === type).map(trackSummary);
  const general = tracks.find((track) => track['@type'] === 'General');
  const coverMime = text(general?.Cover_Mime) ?? (text(general?.Cover) === 'Yes' ? 'image/jpeg' : undefined);
  return {
    container: { ...(general ? trackSummary(general) : {}), fileSize: number(general?.FileSize) },
    video: of('Video'),
    audio: of('Audio'),
    text: of('Text'),
    ...(coverMime ? { coverMime } : {}),
  };
}

function trackSummary(track: MediainfoTrack): TrackSummary {
  const summary: Record<string, unknown> = {
    format: text(track.Format),
    codecId: text(track.CodecID),
    duration: number(track.Duration),
    bitRate: number(track.BitRate ?? track.OverallBitRate),
    width: number(track.Width),
    height: number(track.Height),
    frameRate: number(track.FrameRate ?? track.FrameRate_Nominal),
    channels: number(track.Channels),
    samplingRate: number(track.SamplingRate),
    language: text(track.Language),
    streamOrder: number(track.StreamOrder),
    title: text(track.Title),
  };
  return Object.fromEntries(Object.entries(summary).filter(([, value]) => value !== undefined)) as TrackSummary;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function number(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const parsed = Number(String(value).split(' / ')[0]);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** The General track's descriptive tags (ID3, MP4 `ilst`, Matroska tags...), by MediaInfoLib's field names. */
export function generalTags(report: MediainfoReport): Readonly<Record<string, string>> {
  const general = report.media?.track?.find((track) => track['@type'] === 'General');
  if (!general) return {};
  return Object.fromEntries(
    Object.entries(general).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
