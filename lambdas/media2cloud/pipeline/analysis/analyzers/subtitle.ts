import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SearchEntry } from '../../../search/document';
import { TextAnalysisTypes } from '../../domain/ai-options';
import { analysisMetadataKey, analysisVttKey } from '../../domain/layout';
import { StateStatus } from '../../domain/statuses';
import { CAPTIONS_OUTPUT_TYPE } from '../../media/captions';
import { parseSubtitles, plainText, toWebVtt, type Cue } from '../../media/subtitles';
import {
  TEXT_SUBTITLE_CODECS,
  extractSubtitleArguments,
  parseSubtitleProbe,
  probeSubtitleArguments,
} from '../../media/transcode';
import { runMediaTool } from '../../media/tools';
import type { Analyzer, AnalyzerContext, AnalyzerDependencies, AnalyzerOutcome } from '../analyzer';

const ID = TextAnalysisTypes.Subtitle;
const SIDECAR = /\.(vtt|srt)$/i;
/** Sidecars larger than this are not subtitles. */
const MAX_SIDECAR_BYTES = 20 * 1024 * 1024;
const URL_LIFETIME_SECONDS = 3600;

export interface SubtitleTrack {
  readonly name: string;
  readonly source: 'embedded' | 'sidecar' | 'captions';
  /**
   * The sidecar's key in the ingest bucket, the stream index of an embedded track, or the key in the proxy bucket
   * of the WebVTT ingest made of the video's CEA-608/708 captions.
   */
  readonly origin: string | number;
  readonly language?: string;
  readonly title?: string;
  readonly cues: readonly Cue[];
}

/**
 * Subtitles and captions as timecoded text: the text subtitle tracks of the file (ffmpeg converts each to WebVTT,
 * reading the upload over a presigned URL with range requests) and the `.vtt`/`.srt` files uploaded next to it
 * (`movie.vtt`, `movie.en.srt`...), and the CEA-608/708 captions embedded in the video, which ingest turned into a
 * WebVTT proxy (`media/captions.ts`). Each track is kept as `vtt/subtitle/<track>.vtt`, all cues in
 * `metadata/subtitle/subtitle.json`, and every cue becomes a `subtitle` search entry with its begin and end.
 */
export const subtitleAnalyzer: Analyzer = {
  id: ID,
  service: 'none',
  options: [ID],
  mediaTypes: ['video', 'audio'],
  available: true,
  category: (asset) => asset.type,
  async run(context, deps): Promise<AnalyzerOutcome> {
    const startTime = deps.now();
    const tracks = [
      ...(await embeddedTracks(context, deps)),
      ...(await captionTracks(context, deps)),
      ...(await sidecarTracks(context, deps)),
    ].filter((track) => track.cues.length > 0);
    const { asset } = context;
    const { bucket, prefix } = asset.destination;
    if (tracks.length === 0) {
      await deps.search.update(asset.uuid, { subtitle: [] });
      return { status: StateStatus.NoData, output: { startTime, endTime: deps.now() } };
    }
    const summaries = [];
    for (const track of tracks) {
      const vtt = analysisVttKey(prefix, ID, track.name);
      await deps.objects.putText({ bucket, key: vtt }, toWebVtt(track.cues), 'text/vtt');
      summaries.push({
        name: track.name,
        source: track.source,
        origin: track.origin,
        ...(track.language ? { language: track.language } : {}),
        ...(track.title ? { title: track.title } : {}),
        vtt,
        numCues: track.cues.length,
      });
    }
    const metadata = analysisMetadataKey(prefix, ID);
    const cues = tracks.map((track) => ({
      track: track.name,
      ...(track.language ? { language: track.language } : {}),
      cues: track.cues.map((cue) => ({ begin: cue.begin, end: cue.end, text: plainText(cue.text) })),
    }));
    await deps.objects.putText({ bucket, key: metadata }, JSON.stringify(cues, null, 2), 'application/json');
    await deps.search.update(asset.uuid, { subtitle: searchEntries(tracks) });
    return {
      status: StateStatus.Completed,
      output: {
        tracks: summaries,
        metadata,
        numCues: summaries.reduce((total, track) => total + track.numCues, 0),
        startTime,
        endTime: deps.now(),
      },
      indexed: ['subtitle'],
    };
  },
};

/** One search entry per cue, its lines joined, markup dropped; cues without words are left out. */
export function searchEntries(tracks: readonly SubtitleTrack[]): SearchEntry[] {
  return tracks.flatMap((track) =>
    track.cues
      .map((cue) => ({ name: plainText(cue.text), timecodes: [{ begin: cue.begin, end: cue.end }] }))
      .filter((entry) => entry.name.length > 0),
  );
}

async function embeddedTracks(context: AnalyzerContext, deps: AnalyzerDependencies): Promise<SubtitleTrack[]> {
  const { asset } = context;
  const url = await deps.objects.presignGet({ bucket: asset.bucket, key: asset.key }, URL_LIFETIME_SECONDS);
  const probe = await runMediaTool(
    deps.tools.ffprobe,
    probeSubtitleArguments(url),
    `ffprobe could not read ${asset.key}`,
  );
  const streams = parseSubtitleProbe(probe).filter((stream) => TEXT_SUBTITLE_CODECS.has(stream.codec));
  if (streams.length === 0) return [];
  return deps.scratch(async (directory) => {
    const files = streams.map((stream) => ({ index: stream.index, file: path.join(directory, `${stream.index}.vtt`) }));
    await runMediaTool(
      deps.tools.ffmpeg,
      extractSubtitleArguments(url, files),
      `ffmpeg could not extract the subtitles of ${asset.key}`,
    );
    const tracks: SubtitleTrack[] = [];
    for (const [i, stream] of streams.entries()) {
      const text = await readFile(files[i]!.file, 'utf8').catch(() => '');
      tracks.push({
        name: ['track', String(stream.index), stream.language].filter(Boolean).join('-'),
        source: 'embedded',
        origin: stream.index,
        ...(stream.language ? { language: stream.language } : {}),
        ...(stream.title ? { title: stream.title } : {}),
        cues: parseSubtitles(text),
      });
    }
    return tracks;
  });
}

/** The WebVTT proxies ingest made of the video's embedded captions (`transcode/aiml/<basename>.vtt`). */
async function captionTracks(context: AnalyzerContext, deps: AnalyzerDependencies): Promise<SubtitleTrack[]> {
  const { asset } = context;
  const sidecars = (asset.proxies ?? []).filter(
    (proxy) => proxy.outputType === CAPTIONS_OUTPUT_TYPE && proxy.mime === 'text/vtt',
  );
  const tracks: SubtitleTrack[] = [];
  for (const [index, proxy] of sidecars.entries()) {
    const text = await deps.objects.getText({ bucket: asset.destination.bucket, key: proxy.key });
    if (text === undefined) continue;
    tracks.push({
      name: index === 0 ? 'captions-cc1' : `captions-cc1-${index + 1}`,
      source: 'captions',
      origin: proxy.key,
      cues: parseSubtitles(text),
    });
  }
  return tracks;
}

/** `.vtt`/`.srt` objects next to the upload whose name starts with the upload's name (`movie.vtt`, `movie.en.srt`). */
async function sidecarTracks(context: AnalyzerContext, deps: AnalyzerDependencies): Promise<SubtitleTrack[]> {
  const { asset } = context;
  const parsed = path.posix.parse(asset.key);
  const stem = parsed.dir ? `${parsed.dir}/${parsed.name}.` : `${parsed.name}.`;
  const candidates = (await deps.objects.list(asset.bucket, stem)).filter(
    (object) => SIDECAR.test(object.key) && object.key !== asset.key && object.size <= MAX_SIDECAR_BYTES,
  );
  const tracks: SubtitleTrack[] = [];
  for (const object of candidates) {
    const text = await deps.objects.getText({ bucket: asset.bucket, key: object.key });
    if (text === undefined) continue;
    const name = path.posix.basename(object.key).replace(/[^a-zA-Z0-9_.-]/g, '_');
    const language = /\.([a-z]{2,3}(?:-[A-Za-z]{2,4})?)\.(?:vtt|srt)$/i.exec(object.key)?.[1];
    tracks.push({
      name: `sidecar-${name.replace(/\.(vtt|srt)$/i, '_$1')}`,
      source: 'sidecar',
      origin: object.key,
      ...(language ? { language } : {}),
      cues: parseSubtitles(text),
    });
  }
  return tracks;
}
