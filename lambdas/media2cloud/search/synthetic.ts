import type { MediaType, SearchDocument, SearchEntry } from './document';
import { MEDIA_TYPES } from './document';
import type { LocalSearchIndex } from './local/local-search-index';

/**
 * Deterministic synthetic documents for benchmarks: every field kind filled the way the pipeline will fill it
 * (subtitle cues and transcript segments with timecodes, PDF pages, detected celebrities and labels), from a small
 * vocabulary so that queries hit a realistic share of the corpus.
 */

const WORDS = (
  'ocean mountain river forest desert city harbor bridge tower garden island valley canyon glacier meadow ' +
  'storm sunrise sunset thunder rain snow wind fog lightning rainbow ' +
  'concert interview keynote launch product customer cloud server network camera drone studio stage crowd ' +
  'music guitar piano drum violin voice song dance film episode trailer documentary news weather sport ' +
  'football tennis marathon race goal match team coach player fan ' +
  'château café résumé naïve façade piñata jalapeño smörgåsbord crème brûlée'
).split(' ');

const PEOPLE = ['Andy Jassy', 'Werner Vogels', 'Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Beyoncé Knowles'];
const LABELS = ['Person', 'Car', 'Dog', 'Tree', 'Building', 'Boat', 'Guitar', 'Microphone', 'Crowd', 'Sky'];

/** Queries (plain text, before `encodeSearchQuery`) that exercise each kind of clause against these documents. */
export const SYNTHETIC_QUERIES: readonly string[] = [
  'ocean',
  '"andy jassy"',
  'concert OR keynote',
  'storm AND rain',
  'music NOT guitar',
  'cafe',
  'moun*',
  '(river OR harbor) AND bridge',
];

/** The n-th synthetic document: the same n and seed always give the same document. */
export function syntheticDocument(n: number, seed = 1): SearchDocument {
  const random = generator(seed * 1_000_003 + n);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const sentence = (words: number) => Array.from({ length: words }, () => pick(WORDS)).join(' ');
  const type: MediaType = MEDIA_TYPES[n % MEDIA_TYPES.length];
  const uuid = `${hex(seed, 8)}-0000-4000-8000-${hex(n, 12)}`;
  const title = sentence(3);
  const base: SearchDocument = {
    uuid,
    type,
    basename: title.replace(/ /g, '_'),
    key: `synthetic/${uuid}/${title.replace(/ /g, '_')}`,
    bucket: 'synthetic-ingest',
    timestamp: 1_700_000_000_000 + n * 1000,
    overallStatus: 'COMPLETED',
    attributes: { collection: pick(WORDS) },
    title: [{ name: title }],
    keywords: Array.from({ length: 3 }, () => ({ name: pick(WORDS) })),
    description: [{ name: sentence(25) }],
  };
  if (type === 'document') {
    return { ...base, pagetext: Array.from({ length: 5 }, (_, page) => ({ name: sentence(120), page })) };
  }
  const cues = (count: number, words: number): SearchEntry[] =>
    Array.from({ length: count }, (_, cue) => ({
      name: sentence(words),
      timecodes: [{ begin: cue * 4000, end: cue * 4000 + 3500 }],
    }));
  const people: SearchEntry[] = [...new Set([pick(PEOPLE), pick(PEOPLE)])].map((name) => ({
    name,
    timecodes: [{ begin: Math.floor(random() * 60_000), end: Math.floor(random() * 60_000) + 60_000 }],
  }));
  const labels: SearchEntry[] = [...new Set([pick(LABELS), pick(LABELS), pick(LABELS)])].map((name) => ({ name }));
  if (type === 'image') return { ...base, label: labels, celeb: people.map(({ name }) => ({ name })) };
  if (type === 'audio') return { ...base, artist: [{ name: pick(PEOPLE) }], transcribe: cues(40, 8) };
  return { ...base, subtitle: cues(40, 8), transcribe: cues(40, 8), celeb: people, label: labels };
}

export function* syntheticDocuments(count: number, seed = 1): Generator<SearchDocument> {
  for (let n = 0; n < count; n += 1) yield syntheticDocument(n, seed);
}

/** Indexes `count` synthetic documents in one transaction; returns how many were written. */
export function bulkIndexSynthetic(index: LocalSearchIndex, count: number, seed = 1): number {
  return index.indexAll(syntheticDocuments(count, seed));
}

/** A small, fast, seedable generator (mulberry32): benchmarks must index the same corpus on every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(value: number, width: number): string {
  return (value >>> 0).toString(16).padStart(width, '0').slice(-width);
}
