/**
 * The FTS5 tokenizer of the local index. `remove_diacritics 2` folds accents and case; marks are token characters
 * so that scripts written with combining vowel signs (Devanagari, Thai...) keep whole words.
 */
export const FTS_TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'";

/** The characters `FTS_TOKENIZER` keeps inside a token; everything else separates tokens. */
const TOKEN_CHARACTERS = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/**
 * The words the original's default analyzer (`standard` tokenizer, `lowercase`, `stop`) removes: Lucene's English
 * stop set. A query word from this list matches nothing there, so the local compiler drops it too.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be but by for if in into is it no not of on or such that the their then there these ' +
    'they this to was will with'
  ).split(' '),
);

/**
 * Private-use characters the local index reserves: one separates the entries of a field inside its FTS5 column
 * (a token no query can produce, so phrases never run from one entry into the next, like Lucene's position gap
 * between array values), two mark highlights. Removed from all indexed and query text.
 */
export const ENTRY_SEPARATOR = '\uE000';
export const MARK_OPEN = '\uE001';
export const MARK_CLOSE = '\uE002';
export const ENTRY_JOINER = `\n${ENTRY_SEPARATOR}\n`;

export function withoutReservedCharacters(text: string): string {
  return text.replace(/[\uE000-\uE002]/g, ' ');
}

export function tokens(text: string): string[] {
  return withoutReservedCharacters(text).normalize('NFC').match(TOKEN_CHARACTERS) ?? [];
}

export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token.toLowerCase());
}

/** Where each token of `text` starts and ends (UTF-16 offsets). */
export function tokenRanges(text: string): Array<{ start: number; end: number }> {
  return [...text.matchAll(TOKEN_CHARACTERS)].map((match) => ({
    start: match.index ?? 0,
    end: (match.index ?? 0) + match[0].length,
  }));
}
