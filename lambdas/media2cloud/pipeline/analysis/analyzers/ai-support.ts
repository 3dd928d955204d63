import * as path from 'node:path';
import type { SearchEntry } from '../../../search/document';
import { analysisTrackPrefix, basenameOf } from '../../domain/layout';
import type { ProxyEntry } from '../../domain/records';
import {
  timedEntries,
  timelinesByName,
  timeseriesOf,
  trackBasename,
  type TimedFinding,
  type Timeline,
} from '../../domain/tracks';
import { toWebVtt } from '../../media/subtitles';
import type { AnalysisAsset, AnalyzerDependencies } from '../analyzer';

/** The analysis proxy of the asset (`transcode/aiml/<basename>.mp4` / `.m4a`, `transcode/proxy/<basename>.jpg`). */
export function proxyOf(asset: AnalysisAsset, outputType: ProxyEntry['outputType'], type: string): string | undefined {
  const basename = basenameOf(asset.key);
  const candidates = (asset.proxies ?? []).filter((proxy) => proxy.outputType === outputType && proxy.type === type);
  return (
    candidates.find((proxy) => path.posix.parse(proxy.key).name === basename)?.key ??
    candidates.find((proxy) => !/\.\d{7}\.jpg$/.test(proxy.key))?.key
  );
}

export async function putJson(
  deps: Pick<AnalyzerDependencies, 'objects'>,
  bucket: string,
  key: string,
  value: unknown,
): Promise<void> {
  await deps.objects.putText({ bucket, key }, JSON.stringify(value), 'application/json');
}

/** Where a feature's tracks went, and what to index. */
export interface WrittenTracks {
  readonly metadata: string;
  readonly timeseries: string;
  readonly vtt: string;
  readonly timelines: ReadonlyMap<string, readonly Timeline[]>;
  readonly entries: SearchEntry[];
}

/**
 * The original's tracks of a video feature, one file per name: `metadata/<feature>/<name>.json` (its stretches),
 * `timeseries/<feature>/<name>.json` (detections per sample) and `vtt/<feature>/<name>.vtt` (a cue per stretch).
 */
export async function writeTracks(
  deps: Pick<AnalyzerDependencies, 'objects'>,
  asset: AnalysisAsset,
  feature: string,
  findings: readonly TimedFinding[],
): Promise<WrittenTracks> {
  const { bucket, prefix } = asset.destination;
  const metadata = analysisTrackPrefix(prefix, 'metadata', feature);
  const timeseries = analysisTrackPrefix(prefix, 'timeseries', feature);
  const vtt = analysisTrackPrefix(prefix, 'vtt', feature);
  const timelines = timelinesByName(findings);
  const durationMs = Math.round(asset.duration ?? 0);
  for (const [name, stretches] of timelines) {
    const file = trackBasename(name);
    await putJson(deps, bucket, `${metadata}${file}.json`, stretches);
    await putJson(deps, bucket, `${timeseries}${file}.json`, timeseriesOf(name, findings, stretches, durationMs));
    await deps.objects.putText(
      { bucket, key: `${vtt}${file}.vtt` },
      toWebVtt(stretches.map((stretch) => ({ begin: stretch.begin, end: stretch.end, text: stretch.cueText }))),
      'text/vtt',
    );
  }
  return { metadata, timeseries, vtt, timelines, entries: timedEntries(timelines) };
}

/** Untimed entries (a still image, a page): one per distinct name. */
export function namedEntries(names: readonly string[]): SearchEntry[] {
  return [...new Set(names.filter((name) => name.length > 0))].map((name) => ({ name }));
}

/** A job name or token the services accept: `[0-9a-zA-Z._-]`, at most `max` characters. */
export function safeName(text: string, max: number): string {
  return text.replace(/[^0-9a-zA-Z._-]/g, '').slice(0, max);
}
