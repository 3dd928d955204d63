import { ffmpegPath, run, timecode, type ProbedVideo } from './media';

/**
 * Shot and technical-cue segments, measured by ffmpeg in one pass over the video:
 * - shots: cuts where the scene-change score (`select=gt(scene,T)`) passes a threshold;
 * - black frames: `blackdetect`, and where the video has sound, only while `silencedetect` hears silence (the
 *   service's black-frame cue is black and silent, as ad-break slots are);
 * - colour bars: a frozen stretch (`freezedetect`) whose picture is vertical bars of flat, saturated colours;
 * - content: what remains between the cues.
 * Credits, studio logos and slates need models that do not ship in a package; they are not reported.
 */

export interface SegmentOptions {
  readonly shots: boolean;
  readonly technicalCues: boolean;
  /** Shots below it are left out, 50–100. @default 80 */
  readonly shotMinConfidence: number;
  readonly cueMinConfidence: number;
  /** A pixel is black at or below this share of the luma range. @default 0.2 */
  readonly blackMaxPixelThreshold: number;
  /** A frame is black when at least this percentage of its pixels is. @default 99 */
  readonly blackMinCoveragePercentage: number;
}

export interface WireSegment {
  Type: 'SHOT' | 'TECHNICAL_CUE';
  StartTimestampMillis: number;
  EndTimestampMillis: number;
  DurationMillis: number;
  StartTimecodeSMPTE: string;
  EndTimecodeSMPTE: string;
  DurationSMPTE: string;
  StartFrameNumber: number;
  EndFrameNumber: number;
  DurationFrames: number;
  ShotSegment?: { Index: number; Confidence: number };
  TechnicalCueSegment?: { Type: string; Confidence: number };
}

/**
 * ffmpeg's scene score is not a probability. Confidence is a linear rescale of it that puts ffmpeg's customary cut
 * threshold, 0.3, at Rekognition's default minimum confidence, 80: confidence = 80 + 50·(score − 0.3), at most 100.
 * A caller's MinSegmentConfidence is turned back into the score threshold the same way.
 */
export function shotConfidence(score: number): number {
  return Math.min(100, Math.max(0, 80 + 50 * (score - 0.3)));
}

export function sceneThreshold(minConfidence: number): number {
  return Math.min(0.95, Math.max(0.05, 0.3 + (minConfidence - 80) / 50));
}

interface Interval {
  start: number;
  end: number;
}

export interface Measured {
  readonly cuts: readonly { time: number; score: number }[];
  readonly black: readonly Interval[];
  readonly silence: readonly Interval[];
  readonly frozen: readonly Interval[];
}

/** Reads what the detection filters logged (times in seconds). */
export function parseDetections(log: string, durationSeconds: number): Measured {
  const cuts: { time: number; score: number }[] = [];
  const black: Interval[] = [];
  const silence: Interval[] = [];
  const frozen: Interval[] = [];
  let pendingCut: number | undefined;
  let silenceStart: number | undefined;
  let freezeStart: number | undefined;
  for (const line of log.split('\n')) {
    let match = /pts_time:([\d.]+)/.exec(line);
    if (match && line.includes('Parsed_metadata')) pendingCut = Number(match[1]);
    match = /lavfi\.scene_score=([\d.]+)/.exec(line);
    if (match && pendingCut !== undefined) {
      cuts.push({ time: pendingCut, score: Number(match[1]) });
      pendingCut = undefined;
    }
    match = /black_start:([\d.]+) black_end:([\d.]+)/.exec(line);
    if (match) black.push({ start: Number(match[1]), end: Number(match[2]) });
    match = /silence_start: (-?[\d.]+)/.exec(line);
    if (match) silenceStart = Math.max(0, Number(match[1]));
    match = /silence_end: ([\d.]+)/.exec(line);
    if (match && silenceStart !== undefined) {
      silence.push({ start: silenceStart, end: Number(match[1]) });
      silenceStart = undefined;
    }
    match = /freeze_start: ([\d.]+)/.exec(line);
    if (match) freezeStart = Number(match[1]);
    match = /freeze_end: ([\d.]+)/.exec(line);
    if (match && freezeStart !== undefined) {
      frozen.push({ start: freezeStart, end: Number(match[1]) });
      freezeStart = undefined;
    }
  }
  // A stretch still open when the video ends lasts to its end.
  if (silenceStart !== undefined) silence.push({ start: silenceStart, end: durationSeconds });
  if (freezeStart !== undefined) frozen.push({ start: freezeStart, end: durationSeconds });
  return { cuts, black, silence, frozen };
}

function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const start = Math.max(x.start, y.start);
      const end = Math.min(x.end, y.end);
      if (end - start > 0.05) out.push({ start, end });
    }
  }
  return out;
}

/**
 * Vertical bars of flat, distinct, saturated colours over the top of a small RGB picture (SMPTE and EBU bars are
 * seven bars over their top two thirds). Two pixels at each bar's edge are left out: scaling blurs them.
 */
export function looksLikeColorBars(rgb: Uint8Array, width: number, height: number): boolean {
  const bars = 7;
  const rows = Math.floor(height * 0.6);
  const colours: [number, number, number][] = [];
  for (let bar = 0; bar < bars; bar++) {
    const x0 = Math.floor((bar * width) / bars) + 2;
    const x1 = Math.floor(((bar + 1) * width) / bars) - 2;
    const sum = [0, 0, 0];
    const squares = [0, 0, 0];
    let n = 0;
    for (let y = 0; y < rows; y++) {
      for (let x = x0; x < x1; x++) {
        for (let c = 0; c < 3; c++) {
          const v = rgb[(y * width + x) * 3 + c] as number;
          sum[c]! += v;
          squares[c]! += v * v;
        }
        n++;
      }
    }
    if (n === 0) return false;
    const meanColour = sum.map((s) => s / n) as [number, number, number];
    const spread = Math.max(...squares.map((s, c) => Math.sqrt(Math.max(0, s / n - (meanColour[c] as number) ** 2))));
    if (spread > 20) return false;
    colours.push(meanColour);
  }
  const saturated = colours.filter((c) => Math.max(...c) - Math.min(...c) > 80).length;
  const distinct = colours.every(
    (c, i) => i === 0 || Math.max(...c.map((v, k) => Math.abs(v - (colours[i - 1]![k] as number)))) > 40,
  );
  return saturated >= 4 && distinct;
}

async function frameAt(file: string, seconds: number): Promise<Uint8Array> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(
      ffmpegPath(),
      [
        '-v',
        'error',
        '-ss',
        String(seconds),
        '-i',
        file,
        '-frames:v',
        '1',
        '-vf',
        'scale=64:36',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        'pipe:1',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', () => resolve(new Uint8Array(Buffer.concat(chunks))));
  });
}

/** Runs the detection pass and builds the segments, in time order (shots and cues interleaved). */
export async function detectSegments(
  file: string,
  probed: ProbedVideo,
  options: SegmentOptions,
  signal?: AbortSignal,
): Promise<WireSegment[]> {
  const duration = probed.video.DurationMillis / 1000;
  const threshold = sceneThreshold(options.shotMinConfidence);
  const video = [
    'scale=320:-2',
    `blackdetect=d=0.1:pix_th=${options.blackMaxPixelThreshold}:pic_th=${options.blackMinCoveragePercentage / 100}`,
    'freezedetect=n=-60dB:d=1',
    `select='gt(scene\\,${threshold})'`,
    'metadata=print:key=lavfi.scene_score',
  ].join(',');
  const args = ['-hide_banner', '-nostats', '-i', file, '-vf', video];
  if (probed.audio.length > 0) args.push('-af', 'silencedetect=n=-50dB:d=0.1');
  args.push('-f', 'null', '-');
  const { stderr } = await run(ffmpegPath(), args, signal);
  const measured = parseDetections(stderr, duration);

  const rate = probed.video.FrameRate || 25;
  const segment = (type: WireSegment['Type'], start: number, end: number): WireSegment => {
    const startFrame = Math.round(start * rate);
    const endFrame = Math.max(startFrame, Math.round(end * rate) - 1);
    const startMs = Math.round((startFrame / rate) * 1000);
    const endMs = Math.round((endFrame / rate) * 1000);
    const frames = endFrame - startFrame + 1;
    return {
      Type: type,
      StartTimestampMillis: startMs,
      EndTimestampMillis: endMs,
      DurationMillis: Math.round((frames / rate) * 1000),
      StartTimecodeSMPTE: timecode(startMs, rate),
      EndTimecodeSMPTE: timecode(endMs, rate),
      DurationSMPTE: timecode(Math.round((frames / rate) * 1000), rate),
      StartFrameNumber: startFrame,
      EndFrameNumber: endFrame,
      DurationFrames: frames,
    };
  };

  const segments: WireSegment[] = [];
  if (options.shots) {
    const cuts = measured.cuts.filter((cut) => cut.time > 0 && cut.time < duration);
    const bounds = [{ time: 0, score: 1 }, ...cuts];
    bounds.forEach((bound, index) => {
      const end = bounds[index + 1]?.time ?? duration;
      const confidence = index === 0 ? 100 : shotConfidence(bound.score);
      if (confidence < options.shotMinConfidence) return;
      segments.push({ ...segment('SHOT', bound.time, end), ShotSegment: { Index: index, Confidence: confidence } });
    });
  }
  if (options.technicalCues) {
    const cues: { type: string; start: number; end: number }[] = [];
    const black = probed.audio.length > 0 ? intersect(measured.black, measured.silence) : measured.black;
    for (const interval of black) cues.push({ type: 'BlackFrames', ...interval });
    for (const interval of measured.frozen) {
      const picture = await frameAt(file, (interval.start + interval.end) / 2);
      if (picture.length === 64 * 36 * 3 && looksLikeColorBars(picture, 64, 36))
        cues.push({ type: 'ColorBars', ...interval });
    }
    cues.sort((a, b) => a.start - b.start);
    let cursor = 0;
    const withContent: typeof cues = [];
    for (const cue of cues) {
      if (cue.start - cursor > 0.05) withContent.push({ type: 'Content', start: cursor, end: cue.start });
      withContent.push(cue);
      cursor = Math.max(cursor, cue.end);
    }
    if (duration - cursor > 0.05) withContent.push({ type: 'Content', start: cursor, end: duration });
    for (const cue of withContent) {
      // The cues are measured, not guessed: a detected stretch is reported as certain.
      if (100 < options.cueMinConfidence) continue;
      segments.push({
        ...segment('TECHNICAL_CUE', cue.start, cue.end),
        TechnicalCueSegment: { Type: cue.type, Confidence: 100 },
      });
    }
  }
  return segments.sort((a, b) => a.StartTimestampMillis - b.StartTimestampMillis || (a.Type < b.Type ? -1 : 1));
}
