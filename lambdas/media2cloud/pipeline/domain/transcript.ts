import type { Transcript } from '../../../shared/ai/speech';

/** A run of words said together: a sentence, or what falls between two pauses. */
export interface Phrase {
  readonly text: string;
  /** Milliseconds from the start of the media. */
  readonly begin: number;
  readonly end: number;
}

/** A pause this long ends a phrase. */
const PAUSE_MS = 800;
/** A phrase ends by this length at the latest, so a timecode never spans a whole monologue. */
const MAX_PHRASE_MS = 8000;
/** A pause this long starts a new conversation chapter. */
const CHAPTER_PAUSE_MS = 3000;

/**
 * The transcript as phrases with their times, the unit the original indexes (`transcribe` entries) and sends to
 * Comprehend: a phrase ends at a full stop, question or exclamation mark, a pause, or after 8 s.
 */
export function phrasesOf(transcript: Transcript): Phrase[] {
  const phrases: Phrase[] = [];
  let words: string[] = [];
  let begin = 0;
  let end = 0;
  const flush = () => {
    if (words.length > 0) phrases.push({ text: words.join(' '), begin, end });
    words = [];
  };
  for (const item of transcript.items) {
    if (item.type === 'punctuation') {
      if (words.length > 0) words[words.length - 1] += item.content;
      if (/[.?!]/.test(item.content)) flush();
      continue;
    }
    const start = item.startMs ?? end;
    if (words.length > 0 && (start - end >= PAUSE_MS || start - begin >= MAX_PHRASE_MS)) flush();
    if (words.length === 0) begin = start;
    words.push(item.content);
    end = item.endMs ?? start;
  }
  flush();
  return phrases;
}

/** Chapters of speech (the original's `conversations.json` holds chapters): phrases between long pauses. */
export function conversationChapters(phrases: readonly Phrase[]): { start: number; end: number; text: string }[] {
  const chapters: { start: number; end: number; text: string }[] = [];
  for (const phrase of phrases) {
    const last = chapters[chapters.length - 1];
    if (last && phrase.begin - last.end < CHAPTER_PAUSE_MS) {
      last.end = phrase.end;
      last.text = `${last.text} ${phrase.text}`;
    } else {
      chapters.push({ start: phrase.begin, end: phrase.end, text: phrase.text });
    }
  }
  return chapters;
}
