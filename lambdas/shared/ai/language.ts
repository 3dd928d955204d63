/**
 * What language services find in text. Offsets are in characters of the analysed text; scores are 0 to 1, as the
 * language services report them.
 */

export type EntityType =
  'PERSON' | 'LOCATION' | 'ORGANIZATION' | 'COMMERCIAL_ITEM' | 'EVENT' | 'DATE' | 'QUANTITY' | 'TITLE' | 'OTHER';

/** A named thing in the text. */
export interface Entity {
  readonly text: string;
  readonly type: EntityType;
  readonly score: number;
  readonly beginOffset: number;
  readonly endOffset: number;
}

/** A noun phrase that says what the text is about. */
export interface KeyPhrase {
  readonly text: string;
  readonly score: number;
  readonly beginOffset: number;
  readonly endOffset: number;
}

export type SentimentLabel = 'POSITIVE' | 'NEGATIVE' | 'NEUTRAL' | 'MIXED';

/** The text's overall sentiment and the score of each one. */
export interface Sentiment {
  readonly sentiment: SentimentLabel;
  readonly scores: Readonly<Record<Lowercase<SentimentLabel>, number>>;
}

/** A language the text is written in, most likely first when there are several. */
export interface DominantLanguage {
  /** BCP 47 (`en`, `fr`, `zh-TW`). */
  readonly languageCode: string;
  readonly score: number;
}

/** Text in another language. */
export interface Translation {
  /** The source language, as given or as detected. */
  readonly sourceLanguageCode: string;
  readonly targetLanguageCode: string;
  readonly text: string;
}
