import type { ObjectLocation } from '../media/s3-objects';

/** A word or a punctuation mark of a transcript. */
export interface TranscriptItem {
  readonly type: 'pronunciation' | 'punctuation';
  readonly content: string;
  /** When the word is spoken; punctuation has no time of its own. @default - punctuation */
  readonly startMs?: number;
  /** @default - punctuation */
  readonly endMs?: number;
  /** How sure the service is of the word, 0 to 1, as speech services report it. */
  readonly confidence: number;
  /** The speaker label (`spk_0`) when speakers were told apart. @default - not told apart */
  readonly speaker?: string;
  /** The item's language when the media mixes languages. @default - the transcript's */
  readonly languageCode?: string;
}

/** What was said in an audio track, word by word. */
export interface Transcript {
  /** BCP 47 (`en-US`), identified or as asked for. */
  readonly languageCode: string;
  /** How sure the service is of the language when it identified it, 0 to 1. @default - the language was given */
  readonly languageConfidence?: number;
  /** The whole text, punctuated. */
  readonly text: string;
  readonly items: readonly TranscriptItem[];
}

/** Speech synthesised from text, stored as an audio object. */
export interface SynthesizedSpeech {
  readonly voiceId: string;
  readonly languageCode: string;
  readonly format: 'mp3' | 'ogg_vorbis' | 'pcm';
  readonly sampleRateHz: number;
  readonly audio: ObjectLocation;
  /** When each word or sentence starts in the audio, for captions that follow it. @default - none */
  readonly marks?: readonly { readonly type: 'word' | 'sentence'; readonly timeMs: number; readonly value: string }[];
}
