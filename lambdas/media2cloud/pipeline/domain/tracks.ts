import type { SearchEntry } from '../../search/document';

/** One thing seen or heard at one time: a label in a frame, a face, a line of text, a celebrity. */
export interface TimedFinding {
  /** What the track is named by: the label, the celebrity, the text, `face`... */
  readonly name: string;
  /** Milliseconds from the start of the media. */
  readonly timestampMs: number;
  /** Percent, as Rekognition reports it. */
  readonly confidence: number;
}

/** A stretch of the media in which the same thing is seen without a break (the original's timeline items). */
export interface Timeline {
  readonly name: string;
  readonly begin: number;
  readonly end: number;
  /** The highest confidence it was seen with in the stretch. */
  readonly confidence: number;
  /** How many detections the stretch merges. */
  readonly count: number;
  readonly cueText: string;
}

/** The per-name time series the original's web portal charts: detections per sample time. */
export interface TimeseriesTrack {
  readonly label: string;
  /** The media's duration in milliseconds. */
  readonly duration: number;
  /** Milliseconds in which it is seen. */
  readonly appearance: number;
  readonly data: readonly { readonly x: number; readonly y: number; readonly c: number }[];
}

/** The longest gap the original allows inside one stretch: its 2 s maximum sampling interval, plus a fifth. */
export const MAX_SAMPLING_MS = 2000;

/**
 * The sampling interval of a set of detections: the largest step between distinct timestamps, at most 2 s, as the
 * original computes it to decide when two sightings belong to one stretch.
 */
export function samplingInterval(findings: readonly TimedFinding[]): number {
  const times = [...new Set(findings.map((finding) => finding.timestampMs))].sort((a, b) => a - b);
  let max = 0;
  for (let i = 1; i < times.length; i += 1) max = Math.max(max, times[i]! - times[i - 1]!);
  return Math.min(max || MAX_SAMPLING_MS, MAX_SAMPLING_MS);
}

/**
 * Stretches per name: sightings of the same name closer than 1.2 sampling intervals are one stretch, which lasts
 * until one interval after its last sighting (a sighting stands for the frames until the next sample).
 */
export function timelinesByName(findings: readonly TimedFinding[]): Map<string, Timeline[]> {
  const sampling = samplingInterval(findings);
  const threshold = Math.round(sampling * 1.2);
  const byName = new Map<string, TimedFinding[]>();
  for (const finding of findings) {
    if (!finding.name) continue;
    byName.set(finding.name, [...(byName.get(finding.name) ?? []), finding]);
  }
  const result = new Map<string, Timeline[]>();
  for (const [name, sightings] of byName) {
    const sorted = [...sightings].sort((a, b) => a.timestampMs - b.timestampMs);
    const timelines: Timeline[] = [];
    let current: { begin: number; last: number; confidence: number; count: number } | undefined;
    const close = () => {
      if (current) {
        timelines.push({
          name,
          begin: current.begin,
          end: current.last + sampling,
          confidence: round(current.confidence),
          count: current.count,
          cueText: name,
        });
      }
    };
    for (const sighting of sorted) {
      if (current && sighting.timestampMs - current.last <= threshold) {
        current.last = sighting.timestampMs;
        current.confidence = Math.max(current.confidence, sighting.confidence);
        current.count += 1;
      } else {
        close();
        current = {
          begin: sighting.timestampMs,
          last: sighting.timestampMs,
          confidence: sighting.confidence,
          count: 1,
        };
      }
    }
    close();
    result.set(name, timelines);
  }
  return result;
}

/** Detections per sample time of one name, with the media's duration and how long the name is seen. */
export function timeseriesOf(
  name: string,
  findings: readonly TimedFinding[],
  timelines: readonly Timeline[],
  durationMs: number,
): TimeseriesTrack {
  const byTime = new Map<number, { y: number; c: number }>();
  for (const finding of findings) {
    if (finding.name !== name) continue;
    const point = byTime.get(finding.timestampMs) ?? { y: 0, c: 0 };
    byTime.set(finding.timestampMs, { y: point.y + 1, c: Math.max(point.c, round(finding.confidence)) });
  }
  return {
    label: name,
    duration: durationMs || 1,
    appearance: timelines.reduce((total, timeline) => total + (timeline.end - timeline.begin), 0),
    data: [...byTime.entries()].sort(([a], [b]) => a - b).map(([x, point]) => ({ x, ...point })),
  };
}

/** The search entries of a set of timelines: one per name, with every stretch it is seen in. */
export function timedEntries(timelines: ReadonlyMap<string, readonly Timeline[]>): SearchEntry[] {
  return [...timelines].map(([name, stretches]) => ({
    name,
    timecodes: stretches.map((stretch) => ({ begin: stretch.begin, end: stretch.end })),
  }));
}

/** The original's file name for a track: lower case, blanks as `_`, slashes as `-`. */
export function trackBasename(name: string): string {
  const base = name
    .toLowerCase()
    .replace(/\s/g, '_')
    .replace(/\//g, '-')
    .replace(/[^a-z0-9_.!*'()-]/g, '_');
  return base.length > 0 ? base.slice(0, 200) : '_';
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
