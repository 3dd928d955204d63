import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { probeMedia, type ProbeReport } from '../../../lambdas/shared/media/ffmpeg';
import { runTool } from '../../../lambdas/shared/media/tools';
import { installHint, type Extras } from '../ai-support/extras';

/** A word pocketsphinx heard, with when and how sure (the posterior probability of the word, 0 to 1). */
export interface HeardWord {
  readonly word: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly confidence: number;
  /** The word ends an utterance: the recognizer heard a pause long enough to close it. */
  readonly endsUtterance: boolean;
}

export interface AudioFacts {
  readonly durationMs: number;
  readonly channels: number;
  readonly sampleRateHz: number;
  /** ffprobe's container names, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  readonly formatName: string;
}

/** A reason the media cannot be transcribed, in the words Transcribe's `FailureReason` uses. */
export class MediaProblem extends Error {}

/** Debian's acoustic model, language model and dictionary for US English (package pocketsphinx-en-us). */
const EN_US_MODEL = {
  hmm: 'usr/share/pocketsphinx/model/en-us/en-us',
  lm: 'usr/share/pocketsphinx/model/en-us/en-us.lm.bin',
  dict: 'usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
};

export const SPEECH_PACKAGES = ['pocketsphinx', 'pocketsphinx-en-us'] as const;

/**
 * Speech recognition with CMU PocketSphinx (Debian's `pocketsphinx` and its US English model), the one offline
 * recognizer a package registry reachable here ships with a model. Media is decoded by ffmpeg to 16 kHz mono PCM,
 * the rate the model was trained at; `-time yes` gives each word's start, end and posterior probability.
 */
export class SpeechRecognizer {
  constructor(
    private readonly extras: Extras,
    private readonly tools: { readonly ffmpeg: string; readonly ffprobe: string },
  ) {}

  /** Why recognition cannot run here, or `undefined` when it can. */
  missing(): string | undefined {
    const command = this.extras.command('pocketsphinx_continuous');
    const model = Object.values(EN_US_MODEL).every((file) => this.extras.data(file) !== undefined);
    if (command && model) return undefined;
    const absent = [...(command ? [] : ['pocketsphinx']), ...(model ? [] : ['pocketsphinx-en-us'])];
    return `Speech recognition in local mode needs ${absent.join(' and ')}: ${installHint(SPEECH_PACKAGES)}.`;
  }

  async probe(file: string): Promise<AudioFacts> {
    let report: ProbeReport;
    try {
      report = await probeMedia(this.tools.ffprobe, file);
    } catch {
      throw new MediaProblem('Failed to parse audio file.');
    }
    const audio = report.streams?.find((stream) => stream.codec_type === 'audio') as
      (NonNullable<ProbeReport['streams']>[number] & { channels?: number; sample_rate?: string }) | undefined;
    if (!audio) throw new MediaProblem('The media file does not contain an audio stream.');
    const duration = Number(report.format?.duration ?? audio.duration ?? 0);
    return {
      durationMs: Math.round(duration * 1000),
      channels: audio.channels ?? 1,
      sampleRateHz: Number(audio.sample_rate ?? 0),
      formatName: report.format?.format_name ?? '',
    };
  }

  /**
   * The words of one channel (or of all channels mixed down when `channel` is undefined), in time order.
   * `workDir` holds the decoded audio; the caller removes it.
   */
  async recognize(media: string, workDir: string, channel?: number): Promise<HeardWord[]> {
    const missing = this.missing();
    if (missing) throw new Error(missing);
    // Raw PCM: pocketsphinx_continuous misreads a WAV header with more chunks than `fmt ` and `data` (ffmpeg's).
    const pcm = path.join(workDir, `speech-${channel ?? 'mix'}.raw`);
    const pick = channel === undefined ? [] : ['-af', `pan=mono|c0=c${channel}`];
    await runTool(this.tools.ffmpeg, [
      '-nostdin',
      '-v',
      'error',
      '-y',
      '-i',
      media,
      '-vn',
      ...pick,
      '-ac',
      '1',
      '-ar',
      '16000',
      '-f',
      's16le',
      pcm,
    ]);
    const model = (file: string) => this.extras.data(file) as string;
    const output = await runTool(this.extras.command('pocketsphinx_continuous') as string, [
      '-infile',
      pcm,
      '-hmm',
      model(EN_US_MODEL.hmm),
      '-lm',
      model(EN_US_MODEL.lm),
      '-dict',
      model(EN_US_MODEL.dict),
      '-time',
      'yes',
      '-logfn',
      '/dev/null',
    ]);
    await fs.rm(pcm, { force: true });
    return parsePocketsphinx(output);
  }
}

const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;

/**
 * `pocketsphinx_continuous -time yes` prints, per utterance, the hypothesis and then one line per segment:
 * `word start end posterior` (seconds from the start of the file). `<s>`, `</s>`, `<sil>`, fillers (`[NOISE]`,
 * `++UH++`) are not words; `word(2)` is the second pronunciation of `word`.
 */
export function parsePocketsphinx(output: string): HeardWord[] {
  const words: Array<HeardWord & { endsUtterance: boolean }> = [];
  for (const line of output.split('\n')) {
    const match = WORD_LINE.exec(line.trim());
    if (!match) continue;
    const token = match[1] as string;
    if (token === '</s>') {
      const last = words.at(-1);
      if (last) words[words.length - 1] = { ...last, endsUtterance: true };
      continue;
    }
    if (/^(<.*>|\[.*\]|\+\+.*\+\+)$/.test(token)) continue;
    words.push({
      word: token.replace(/\(\d+\)$/, ''),
      startMs: Math.round(Number(match[2]) * 1000),
      endMs: Math.round(Number(match[3]) * 1000),
      confidence: Math.min(1, Math.max(0, Number(match[4]))),
      endsUtterance: false,
    });
  }
  return words;
}
