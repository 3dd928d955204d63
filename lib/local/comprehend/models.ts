import { francAll } from 'franc-min';
import type Compromise from 'compromise';
import type Vader from 'vader-sentiment';
import type WinkNlp from 'wink-nlp';
import type { ItemEntity, ItemToken } from 'wink-nlp';
import type { DominantLanguage, Entity, EntityType, KeyPhrase, Sentiment } from '../../../lambdas/shared/ai/language';

/**
 * The language models behind the Comprehend stand-in, all shipped in npm packages: compromise (people, places,
 * organisations, noun phrases), wink-nlp with its English lite model (dates, times, amounts), VADER (sentiment) and
 * franc-min (language). They are English models: other languages are refused by the caller.
 *
 * None of these libraries reports a probability per entity or phrase, so scores say how an answer was found: a
 * lexicon or grammar match scores higher than a pattern guess (see `SCORES`), and docs/compatibility.md says so.
 */
const SCORES = {
  lexicon: 0.95,
  pattern: 0.85,
  guess: 0.6,
  phrase: 0.9,
} as const;

/**
 * The libraries load on first use: compromise and wink's model take seconds of CPU to load, which every start of local
 * mode (and every test that starts it) would otherwise pay whether or not anything calls Comprehend. Plain `require`
 * because the callers are synchronous, as the service's answers are.
 */
let loaded: { nlp: typeof Compromise; vader: typeof Vader; wink: ReturnType<typeof WinkNlp> } | undefined;
function libraries() {
  if (!loaded) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const winkNlp = require('wink-nlp') as typeof WinkNlp;
    loaded = {
      nlp: require('compromise') as typeof Compromise,
      vader: require('vader-sentiment') as typeof Vader,
      wink: winkNlp(require('wink-eng-lite-web-model')),
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  }
  return loaded;
}

const EVENT_WORDS =
  /\b(Games|Olympics|Cup|Championships?|Festival|Conference|Summit|Expo|War|Election|Marathon|Open|Grand Prix|Awards|Tournament|Fair|Week)\b/;

/** wink-nlp's entity types as Comprehend types them. */
const WINK_TYPES: Record<string, EntityType> = {
  DATE: 'DATE',
  TIME: 'DATE',
  DURATION: 'QUANTITY',
  CARDINAL: 'QUANTITY',
  ORDINAL: 'QUANTITY',
  MONEY: 'QUANTITY',
  PERCENT: 'QUANTITY',
  MEASURE: 'QUANTITY',
  EMAIL: 'OTHER',
  URL: 'OTHER',
  HASHTAG: 'OTHER',
  MENTION: 'OTHER',
};

interface Found {
  readonly type: EntityType;
  readonly begin: number;
  readonly end: number;
  readonly score: number;
}

/** Trims trailing punctuation and spaces a library left on a span. */
function trimSpan(text: string, begin: number, end: number): [number, number] {
  while (end > begin && /[\s.,;:!?)"'\]]/.test(text.charAt(end - 1))) end -= 1;
  while (begin < end && /[\s("'[]/.test(text.charAt(begin))) begin += 1;
  return [begin, end];
}

/** Character offsets of wink-nlp's entities (it reports token ranges): its tokens are found in order in the text. */
function winkEntities(text: string): Found[] {
  const { wink } = libraries();
  const its = wink.its;
  const doc = wink.readDoc(text);
  const starts: number[] = [];
  const ends: number[] = [];
  let cursor = 0;
  doc.tokens().each((token: ItemToken) => {
    const value = token.out();
    const at = text.indexOf(value, cursor);
    const begin = at >= 0 ? at : cursor;
    starts.push(begin);
    ends.push(begin + value.length);
    cursor = begin + value.length;
  });
  const found: Found[] = [];
  doc.entities().each((entity: ItemEntity) => {
    const type = WINK_TYPES[entity.out(its.type) as string];
    const [first, last] = entity.out(its.span) as unknown as [number, number];
    if (!type || starts[first] === undefined || ends[last] === undefined) return;
    const [begin, end] = trimSpan(text, starts[first] as number, ends[last] as number);
    if (end > begin) found.push({ type, begin, end, score: SCORES.pattern });
  });
  return found;
}

function compromiseEntities(text: string): Found[] {
  const doc = libraries().nlp(text);
  const found: Found[] = [];
  const add = (view: { json(options: object): unknown }, type: EntityType, score: number) => {
    for (const match of view.json({ offset: true }) as Array<{ offset: { start: number; length: number } }>) {
      const [begin, end] = trimSpan(text, match.offset.start, match.offset.start + match.offset.length);
      if (end > begin) found.push({ type, begin, end, score });
    }
  };
  add(doc.people(), 'PERSON', SCORES.lexicon);
  add(doc.places(), 'LOCATION', SCORES.lexicon);
  add(doc.organizations(), 'ORGANIZATION', SCORES.lexicon);
  // A proper name followed by a model number is a product ("Boeing 747", "iPhone 15").
  add(
    doc.match('#ProperNoun+ #Value+').filter((match) => !match.has('#Date')),
    'COMMERCIAL_ITEM',
    SCORES.pattern,
  );
  for (const match of text.matchAll(/\b[a-z]+[A-Z][a-zA-Z]*(?:\s+\d+[a-zA-Z]*)?/g)) {
    // A camel-cased brand is a product name too ("iPhone 15", "eBay"), which compromise leaves untagged.
    found.push({
      type: 'COMMERCIAL_ITEM',
      begin: match.index,
      end: match.index + match[0].length,
      score: SCORES.guess,
    });
  }
  // Quoted capitalised text is a work's title ("Star Wars", "The Old Man and the Sea").
  add(doc.quotations().match('^#TitleCase .+'), 'TITLE', SCORES.pattern);
  const proper = doc.match('(the|The)? #ProperNoun+ (of|and)? #ProperNoun*');
  for (const match of proper.json({ offset: true }) as Array<{
    text: string;
    offset: { start: number; length: number };
  }>) {
    const [begin, end] = trimSpan(text, match.offset.start, match.offset.start + match.offset.length);
    const span = text.slice(begin, end);
    if (EVENT_WORDS.test(span)) found.push({ type: 'EVENT', begin, end, score: SCORES.pattern });
    else found.push({ type: 'OTHER', begin, end, score: SCORES.guess });
  }
  return found;
}

/** Which finding wins where two overlap: the more specific type, then the higher score, then the longer span. */
const PRIORITY: Record<EntityType, number> = {
  COMMERCIAL_ITEM: 7,
  EVENT: 6,
  TITLE: 6,
  PERSON: 5,
  ORGANIZATION: 5,
  LOCATION: 5,
  DATE: 4,
  QUANTITY: 3,
  OTHER: 0,
};

/** Named entities as Comprehend types them, in text order, with character offsets. */
export function detectEntities(text: string): Entity[] {
  const candidates = [...compromiseEntities(text), ...winkEntities(text)].sort(
    (a, b) => PRIORITY[b.type] - PRIORITY[a.type] || b.score - a.score || b.end - b.begin - (a.end - a.begin),
  );
  const kept: Found[] = [];
  for (const candidate of candidates) {
    if (kept.some((other) => candidate.begin < other.end && other.begin < candidate.end)) continue;
    kept.push(candidate);
  }
  return kept
    .sort((a, b) => a.begin - b.begin)
    .map((found) => ({
      text: text.slice(found.begin, found.end),
      type: found.type,
      score: found.score,
      beginOffset: found.begin,
      endOffset: found.end,
    }));
}

/**
 * Noun phrases: compromise's noun chunks, split where a preposition starts a new phrase ("a tall building | in the
 * city"), the preposition dropped, as Comprehend's phrases are.
 */
export function detectKeyPhrases(text: string): KeyPhrase[] {
  const phrases: KeyPhrase[] = [];
  libraries()
    .nlp(text)
    .chunks()
    .forEach((chunk) => {
      if (!chunk.has('#Noun') || chunk.has('#Verb')) return;
      chunk.splitBefore('#Preposition').forEach((part) => {
        const phrase = part.not('^#Preposition');
        if (!phrase.has('#Noun') || phrase.has('^#Pronoun$')) return;
        for (const match of phrase.json({ offset: true }) as Array<{ offset: { start: number; length: number } }>) {
          const [begin, end] = trimSpan(text, match.offset.start, match.offset.start + match.offset.length);
          if (end > begin) {
            phrases.push({ text: text.slice(begin, end), score: SCORES.phrase, beginOffset: begin, endOffset: end });
          }
        }
      });
    });
  return phrases;
}

/**
 * VADER's proportions of positive, negative and neutral words as Comprehend's four scores: text with both strong
 * positive and strong negative parts is MIXED in proportion to the weaker of the two; the scores sum to 1.
 */
export function detectSentiment(text: string): Sentiment {
  const polarity = libraries().vader.SentimentIntensityAnalyzer.polarity_scores(text);
  const mixedRaw = polarity.pos >= 0.1 && polarity.neg >= 0.1 ? 4 * Math.min(polarity.pos, polarity.neg) : 0;
  // VADER's neutral share counts every word without sentiment; its compound score says how strong the rest is.
  const strength = Math.abs(polarity.compound);
  const positiveRaw = polarity.compound > 0 ? polarity.pos * (0.5 + strength) : polarity.pos * 0.5;
  const negativeRaw = polarity.compound < 0 ? polarity.neg * (0.5 + strength) : polarity.neg * 0.5;
  const neutralRaw = polarity.neu * (1 - strength);
  const total = positiveRaw + negativeRaw + neutralRaw + mixedRaw || 1;
  const scores = {
    positive: positiveRaw / total,
    negative: negativeRaw / total,
    neutral: neutralRaw / total,
    mixed: mixedRaw / total,
  };
  const [label] = (Object.entries(scores) as Array<[keyof typeof scores, number]>).sort((a, b) => b[1] - a[1])[0] ?? [
    'neutral',
  ];
  return { sentiment: label.toUpperCase() as Sentiment['sentiment'], scores };
}

/** franc's ISO 639-3 codes as the ISO 639-1 (or BCP 47) codes Comprehend reports. */
const LANGUAGE_CODES: Record<string, string> = {
  eng: 'en', spa: 'es', fra: 'fr', deu: 'de', ita: 'it', por: 'pt', nld: 'nl', rus: 'ru', ukr: 'uk', pol: 'pl',
  ces: 'cs', slk: 'sk', slv: 'sl', hrv: 'hr', srp: 'sr', bos: 'bs', bul: 'bg', ron: 'ro', hun: 'hu', fin: 'fi',
  swe: 'sv', dan: 'da', nob: 'no', nno: 'nn', ell: 'el', tur: 'tr', arb: 'ar', heb: 'he', pes: 'fa', urd: 'ur',
  hin: 'hi', ben: 'bn', tam: 'ta', tel: 'te', mar: 'mr', guj: 'gu', kan: 'kn', mal: 'ml', pan: 'pa', cmn: 'zh',
  jpn: 'ja', kor: 'ko', vie: 'vi', tha: 'th', ind: 'id', zlm: 'ms', tgl: 'tl', swh: 'sw', amh: 'am', hau: 'ha',
  yor: 'yo', ibo: 'ig', som: 'so', azj: 'az', uzn: 'uz', kaz: 'kk', bel: 'be', lit: 'lt', lav: 'lv', ekk: 'et',
  cat: 'ca', glg: 'gl', eus: 'eu', afr: 'af', zul: 'zu', xho: 'xh', nep: 'ne', sin: 'si', mya: 'my', khm: 'km',
  kat: 'ka', hye: 'hy', aka: 'ak', run: 'rn', kin: 'rw', mlg: 'mg', nya: 'ny', sna: 'sn', ceb: 'ceb', ilo: 'ilo',
  hat: 'ht', jav: 'jv', sun: 'su', mad: 'mad', tuk: 'tk', uig: 'ug', ory: 'or', bho: 'bho', mai: 'mai', mag: 'mag',
}; // prettier-ignore

/**
 * The languages of the text, most likely first. franc's distances become shares (each raised to a power that
 * spreads them apart, then normalised), so one clear language scores near 1 and close calls share the score.
 */
export function detectDominantLanguage(text: string): DominantLanguage[] {
  const ranked = francAll(text, { minLength: 3 }).filter(([code]) => code !== 'und');
  const weighted = ranked
    .map(([code, value]) => ({ code: LANGUAGE_CODES[code], weight: value ** 40 }))
    .filter((entry): entry is { code: string; weight: number } => entry.code !== undefined);
  const total = weighted.reduce((sum, entry) => sum + entry.weight, 0);
  if (total === 0) return [];
  return weighted
    .map((entry) => ({ languageCode: entry.code, score: entry.weight / total }))
    .filter((entry) => entry.score >= 0.05)
    .slice(0, 5);
}
