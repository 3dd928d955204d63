import type { HeardWord } from './recognizer';

/** A pause at least this long between two words ends a sentence (the recognizer gives no punctuation). */
export const SENTENCE_PAUSE_MS = 450;

/** A word or punctuation mark of the transcript, before it is written in Transcribe's JSON. */
export interface TranscriptToken {
  readonly type: 'pronunciation' | 'punctuation';
  readonly content: string;
  readonly startMs?: number;
  readonly endMs?: number;
  readonly confidence: number;
  readonly channel?: number;
  readonly speaker?: string;
}

/** A custom vocabulary entry as Transcribe's table format has it. */
export interface VocabularyEntry {
  readonly phrase: string;
  readonly soundsLike?: string;
  readonly displayAs?: string;
}

/** What shapes the words into text: custom vocabularies, and a custom language model's spellings. */
export interface TextShaping {
  readonly vocabulary?: readonly VocabularyEntry[];
  /** Lower-cased word → the spelling the training text uses most (`aws` → `AWS`, `iphone` → `iPhone`). */
  readonly spellings?: Readonly<Record<string, string>>;
}

/**
 * The recognizer's lower-case words made into a transcript as Transcribe writes one: sentences end where the
 * speaker paused (a period, the next word capitalized), `i` is `I`, a custom language model's spellings apply, and
 * custom vocabulary phrases replace the words they are spelled with (`DisplayAs` joins them into one item).
 */
export function shapeTranscript(words: readonly HeardWord[], shaping: TextShaping = {}): TranscriptToken[] {
  const tokens: TranscriptToken[] = [];
  const matched = applyVocabulary(words, shaping.vocabulary ?? []);
  let sentenceStart = true;
  matched.forEach((item, index) => {
    let content = item.content;
    if (!item.fromVocabulary) {
      content = shaping.spellings?.[content] ?? content;
      if (content === 'i' || content.startsWith("i'")) content = `I${content.slice(1)}`;
    }
    if (sentenceStart) content = content.charAt(0).toUpperCase() + content.slice(1);
    tokens.push({
      type: 'pronunciation',
      content,
      startMs: item.startMs,
      endMs: item.endMs,
      confidence: item.confidence,
    });
    const next = matched[index + 1];
    const ends = !next || item.endsUtterance || next.startMs - item.endMs >= SENTENCE_PAUSE_MS;
    if (ends) tokens.push({ type: 'punctuation', content: '.', confidence: 0 });
    sentenceStart = ends;
  });
  return tokens;
}

/** Text of the tokens as Transcribe joins them: words spaced, punctuation attached to the word before. */
export function transcriptText(tokens: readonly TranscriptToken[]): string {
  return tokens.reduce((text, token) => {
    if (token.type === 'punctuation') return text + token.content;
    return text === '' ? token.content : `${text} ${token.content}`;
  }, '');
}

interface Shaped {
  readonly content: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly confidence: number;
  readonly endsUtterance: boolean;
  readonly fromVocabulary: boolean;
}

/**
 * Finds each vocabulary phrase where the recognizer heard its words (the phrase's hyphenated parts, or its
 * `SoundsLike` parts), longest phrases first, and writes them as the vocabulary says.
 */
function applyVocabulary(words: readonly HeardWord[], vocabulary: readonly VocabularyEntry[]): Shaped[] {
  const patterns = vocabulary
    .flatMap((entry) => {
      const spoken = [entry.phrase, ...(entry.soundsLike ? [entry.soundsLike] : [])];
      return spoken.map((form) => ({
        entry,
        parts: form
          .toLowerCase()
          .split(/[-\s]+/)
          .filter((part) => part !== ''),
      }));
    })
    .filter((pattern) => pattern.parts.length > 0)
    .sort((a, b) => b.parts.length - a.parts.length);
  const out: Shaped[] = [];
  for (let index = 0; index < words.length;) {
    const pattern = patterns.find((candidate) =>
      candidate.parts.every(
        (part, offset) => words[index + offset]?.word.toLowerCase().replace(/\./g, '') === part.replace(/\./g, ''),
      ),
    );
    if (!pattern) {
      const word = words[index] as HeardWord;
      out.push({ ...word, content: word.word, fromVocabulary: false });
      index += 1;
      continue;
    }
    const span = words.slice(index, index + pattern.parts.length);
    const first = span[0] as HeardWord;
    const last = span.at(-1) as HeardWord;
    if (pattern.entry.displayAs) {
      out.push({
        content: pattern.entry.displayAs,
        startMs: first.startMs,
        endMs: last.endMs,
        confidence: Math.min(...span.map((word) => word.confidence)),
        endsUtterance: last.endsUtterance,
        fromVocabulary: true,
      });
    } else {
      const written = pattern.entry.phrase.split('-');
      span.forEach((word, offset) => {
        const content = written.length === span.length ? (written[offset] as string) : word.word;
        out.push({ ...word, content, fromVocabulary: true });
      });
    }
    index += pattern.parts.length;
  }
  return out;
}

/** Seconds as Transcribe writes times and scores in its JSON: a decimal string, at least one decimal place. */
export function decimal(value: number, places = 3): string {
  const text = String(Number(value.toFixed(places)));
  return text.includes('.') ? text : `${text}.0`;
}

/** One caption of a subtitle file: a few words shown together. */
interface Cue {
  readonly startMs: number;
  readonly endMs: number;
  readonly text: string;
}

const MAX_CUE_WORDS = 10;
const MAX_CUE_MS = 5000;

function cues(tokens: readonly TranscriptToken[]): Cue[] {
  const out: Cue[] = [];
  let current: TranscriptToken[] = [];
  const flush = () => {
    const timed = current.filter((token) => token.startMs !== undefined);
    if (timed.length > 0) {
      out.push({
        startMs: (timed[0] as TranscriptToken).startMs as number,
        endMs: (timed.at(-1) as TranscriptToken).endMs as number,
        text: transcriptText(current),
      });
    }
    current = [];
  };
  for (const token of tokens) {
    if (token.type === 'pronunciation' && current.length > 0) {
      const first = current.find((candidate) => candidate.startMs !== undefined);
      const words = current.filter((candidate) => candidate.type === 'pronunciation').length;
      if (words >= MAX_CUE_WORDS || (first && (token.endMs ?? 0) - (first.startMs ?? 0) > MAX_CUE_MS)) flush();
    }
    current.push(token);
    if (token.type === 'punctuation') flush();
  }
  flush();
  return out;
}

function clock(ms: number, separator: '.' | ','): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}${separator}${pad(ms % 1000, 3)}`;
}

/** WebVTT captions of the transcript, numbered from `startIndex` as Transcribe's `OutputStartIndex` says. */
export function webVtt(tokens: readonly TranscriptToken[], startIndex: number): string {
  const body = cues(tokens)
    .map(
      (cue, index) => `${index + startIndex}\n${clock(cue.startMs, '.')} --> ${clock(cue.endMs, '.')}\n${cue.text}\n`,
    )
    .join('\n');
  return `WEBVTT\n\n${body}`;
}

/** SubRip captions of the transcript. */
export function subRip(tokens: readonly TranscriptToken[], startIndex: number): string {
  return cues(tokens)
    .map(
      (cue, index) => `${index + startIndex}\n${clock(cue.startMs, ',')} --> ${clock(cue.endMs, ',')}\n${cue.text}\n`,
    )
    .join('\n');
}
