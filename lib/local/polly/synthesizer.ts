import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTool } from '../../../lambdas/shared/media/tools';
import { installHint, type Extras } from '../ai-support/extras';

export const SYNTHESIS_PACKAGES = ['espeak-ng'] as const;

export type AudioFormat = 'mp3' | 'ogg_vorbis' | 'pcm';

/** A sentence or word of the input and when it is spoken; offsets are UTF-8 bytes of the input, as Polly's. */
export interface SpeechMark {
  readonly time: number;
  readonly type: 'sentence' | 'word' | 'ssml';
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

/** A piece of the input to speak: its text and where it is in the input (characters). */
interface Span {
  readonly text: string;
  readonly begin: number;
  readonly end: number;
}

const ESPEAK_RATE_HZ = 22050;

/**
 * Speech synthesis with espeak-ng (Debian's `espeak-ng`, an optional extra), encoded by ffmpeg to Polly's formats.
 * Each sentence is rendered on its own, so sentence marks are exact; word marks share a sentence's time by the
 * words' phoneme counts (espeak-ng's CLI reports no word times).
 */
export class SpeechSynthesizer {
  constructor(
    private readonly extras: Extras,
    private readonly ffmpeg: string,
  ) {}

  missing(): string | undefined {
    if (this.extras.command('espeak-ng')) return undefined;
    return `Speech synthesis in local mode needs espeak-ng: ${installHint(SYNTHESIS_PACKAGES)}.`;
  }

  /** The voice's speech for `text` (plain text, or SSML), in `format` at `sampleRate`, with its marks. */
  async synthesize(options: {
    readonly text: string;
    readonly ssml: boolean;
    readonly voice: string;
    readonly format: AudioFormat;
    readonly sampleRate: number;
  }): Promise<{ audio: Buffer; marks: SpeechMark[] }> {
    const missing = this.missing();
    if (missing) throw new Error(missing);
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'polly-'));
    try {
      const spoken = options.ssml
        ? ssmlText(options.text)
        : { text: options.text, map: identity(options.text.length), marks: [] };
      const sentences = splitSentences(spoken.text);
      const marks: SpeechMark[] = [];
      const pieces: Buffer[] = [];
      let samples = 0;
      for (const [index, sentence] of sentences.entries()) {
        const wav = path.join(directory, `s${index}.wav`);
        await runTool(this.extras.command('espeak-ng') as string, [
          '-v',
          options.voice,
          '-w',
          wav,
          '--',
          sentence.text,
        ]);
        const pcm = pcmOfWav(await fs.readFile(wav));
        const startMs = Math.round((samples / ESPEAK_RATE_HZ) * 1000);
        const durationMs = Math.round((pcm.length / 2 / ESPEAK_RATE_HZ) * 1000);
        const original = (at: number) => spoken.map[at] ?? options.text.length;
        const bytes = (at: number) => Buffer.byteLength(options.text.slice(0, at));
        marks.push({
          time: startMs,
          type: 'sentence',
          start: bytes(original(sentence.begin)),
          end: bytes(original(sentence.end - 1) + 1),
          value: options.text.slice(original(sentence.begin), original(sentence.end - 1) + 1),
        });
        const words = [...sentence.text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)];
        const weights = await this.phonemeWeights(
          options.voice,
          words.map((word) => word[0]),
        );
        const total = weights.reduce((sum, weight) => sum + weight, 0) || 1;
        // espeak-ng leads and trails a sentence with silence; words share the time between.
        const speaking = Math.max(0, durationMs - 2 * leadingSilenceMs(pcm));
        let offset = startMs + leadingSilenceMs(pcm);
        words.forEach((word, wordIndex) => {
          const begin = sentence.begin + (word.index as number);
          const end = begin + word[0].length;
          marks.push({
            time: Math.round(offset),
            type: 'word',
            start: bytes(original(begin)),
            end: bytes(original(end - 1) + 1),
            value: options.text.slice(original(begin), original(end - 1) + 1),
          });
          offset += (speaking * (weights[wordIndex] ?? 1)) / total;
        });
        pieces.push(pcm);
        samples += pcm.length / 2;
      }
      for (const mark of spoken.marks ?? []) {
        const next = marks.find(
          (candidate) =>
            candidate.type === 'word' && candidate.start >= Buffer.byteLength(options.text.slice(0, mark.at)),
        );
        marks.push({
          time: next?.time ?? Math.round((samples / ESPEAK_RATE_HZ) * 1000),
          type: 'ssml',
          start: Buffer.byteLength(options.text.slice(0, mark.at)),
          end: Buffer.byteLength(options.text.slice(0, mark.end)),
          value: mark.name,
        });
      }
      marks.sort((a, b) => a.time - b.time || a.start - b.start);
      const raw = path.join(directory, 'speech.raw');
      await fs.writeFile(raw, Buffer.concat(pieces));
      const audio = await this.encode(raw, directory, options.format, options.sampleRate);
      return { audio, marks };
    } finally {
      await fs.rm(directory, { recursive: true, force: true });
    }
  }

  private async phonemeWeights(voice: string, words: readonly string[]): Promise<number[]> {
    if (words.length === 0) return [];
    const output = await runTool(this.extras.command('espeak-ng') as string, [
      '-q',
      '-x',
      '-v',
      voice,
      '--',
      words.join(' , '),
    ]);
    const phonemes = output.split(/[\s,]+/).filter((part) => part !== '' && part !== '_:');
    // One phoneme word per input word when espeak-ng kept them apart; otherwise letters are the weight.
    return phonemes.length === words.length
      ? phonemes.map((part) => part.replace(/['",%=_:]/g, '').length || 1)
      : words.map((word) => word.length);
  }

  private async encode(raw: string, directory: string, format: AudioFormat, sampleRate: number): Promise<Buffer> {
    const input = [
      '-nostdin',
      '-v',
      'error',
      '-y',
      '-f',
      's16le',
      '-ar',
      String(ESPEAK_RATE_HZ),
      '-ac',
      '1',
      '-i',
      raw,
    ];
    const output = path.join(directory, `speech.${format === 'pcm' ? 'pcm' : format === 'mp3' ? 'mp3' : 'ogg'}`);
    const codec =
      format === 'pcm'
        ? ['-f', 's16le', '-c:a', 'pcm_s16le']
        : format === 'mp3'
          ? ['-f', 'mp3', '-c:a', 'libmp3lame', '-b:a', '48k']
          : ['-f', 'ogg', '-c:a', 'libvorbis', '-q:a', '4'];
    await runTool(this.ffmpeg, [...input, '-ar', String(sampleRate), ...codec, output]);
    return fs.readFile(output);
  }
}

/** The PCM samples of espeak-ng's WAV (16-bit mono), found by its `data` chunk. */
function pcmOfWav(wav: Buffer): Buffer {
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    let size = wav.readUInt32LE(offset + 4);
    if (id === 'data') {
      // espeak-ng writing to a file it cannot seek leaves the size at its maximum; the data runs to the end.
      if (size === 0 || offset + 8 + size > wav.length) size = wav.length - offset - 8;
      return wav.subarray(offset + 8, offset + 8 + size);
    }
    offset += 8 + size + (size % 2);
  }
  return Buffer.alloc(0);
}

/** How long the samples stay near silence at the start. */
function leadingSilenceMs(pcm: Buffer): number {
  for (let index = 0; index + 1 < pcm.length; index += 2) {
    if (Math.abs(pcm.readInt16LE(index)) > 500) return Math.round((index / 2 / ESPEAK_RATE_HZ) * 1000);
  }
  return 0;
}

function identity(length: number): number[] {
  return Array.from({ length }, (_, index) => index);
}

/** Sentences of the text, where a sentence ends with `.`, `!` or `?` followed by a space or the end. */
function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  const pattern = /[^.!?]+(?:[.!?]+(?=\s|$)|$)/gu;
  for (const match of text.matchAll(pattern)) {
    const leading = match[0].length - match[0].trimStart().length;
    const body = match[0].trim();
    if (!/[\p{L}\p{N}]/u.test(body)) continue;
    const begin = (match.index as number) + leading;
    spans.push({ text: body, begin, end: begin + body.length });
  }
  return spans;
}

/**
 * The text SSML speaks and where each of its characters is in the SSML (for marks' offsets), with its `<mark>`s.
 * Tags are dropped, entities decoded; a `<break>` or paragraph ends a sentence's words but not its text.
 */
function ssmlText(ssml: string): {
  text: string;
  map: number[];
  marks: Array<{ name: string; at: number; end: number }>;
} {
  let text = '';
  const map: number[] = [];
  const marks: Array<{ name: string; at: number; end: number }> = [];
  const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
  for (let index = 0; index < ssml.length;) {
    if (ssml.charAt(index) === '<') {
      const close = ssml.indexOf('>', index);
      const tag = ssml.slice(index, close + 1);
      const mark = /^<mark\s+name\s*=\s*["']([^"']*)["']/.exec(tag);
      if (mark) marks.push({ name: mark[1] as string, at: index, end: close + 1 });
      if (/^<\/?(p|s|break)\b/.test(tag)) {
        text += ' ';
        map.push(index);
      }
      index = close < 0 ? ssml.length : close + 1;
      continue;
    }
    const entity = Object.keys(entities).find((name) => ssml.startsWith(name, index));
    if (entity) {
      text += entities[entity];
      map.push(index);
      index += entity.length;
      continue;
    }
    text += ssml.charAt(index);
    map.push(index);
    index += 1;
  }
  return { text, map, marks };
}
