import type { SearchDocument } from '../../../lambdas/media2cloud/search/document';
import type { SearchHitField, SearchResponse } from '../../../lambdas/media2cloud/search/response';

/**
 * The search conformance table: one corpus and the answers every engine must give for it. Queries are written as a
 * user types them (the runner base64-encodes them like a client); `params` are the other query-string parameters.
 */

export const KEYNOTE = '00000000-0000-4000-8000-000000000001';
export const PODCAST = '00000000-0000-4000-8000-000000000002';
export const CONCERT_PHOTO = '00000000-0000-4000-8000-000000000003';
export const ANNUAL_REPORT = '00000000-0000-4000-8000-000000000004';
export const NATURE_FILM = '00000000-0000-4000-8000-000000000005';
/** Mentions `andy` only in its S3 key, which matches but is never reported. */
export const FOLDER_CLIP = '00000000-0000-4000-8000-000000000006';
export const WARHOL_INTERVIEW = '00000000-0000-4000-8000-000000000007';
export const RIVER_NEWS = '00000000-0000-4000-8000-000000000008';

export const LONG_PAGE =
  'This letter reviews a year of steady growth across every region and every team. In his closing remarks ' +
  'Andy Jassy thanked the customers who trusted us with their most important workloads, and the builders who ' +
  'made it possible.';
export const NEWS_PAGE =
  'Local news: the council met on Tuesday to discuss the budget, the new library, the school buses, and the river.';

const stored = (uuid: string, basename: string, key = `media/${basename}`) => ({
  uuid,
  basename,
  key,
  bucket: 'ingest-bucket',
  timestamp: 1_712_450_000_000 + Number.parseInt(uuid.slice(-4), 16),
});

export const CORPUS: readonly SearchDocument[] = [
  {
    ...stored(KEYNOTE, 'reinvent_keynote.mp4'),
    type: 'video',
    title: [{ name: 're:Invent keynote' }],
    celeb: [
      {
        name: 'Andy Jassy',
        timecodes: [
          { begin: 834001, end: 834901 },
          { begin: 900000, end: 901500 },
        ],
      },
    ],
    subtitle: [
      { name: 'Executive Producer Andy Jassy', timecodes: [{ begin: 1000, end: 2000 }] },
      { name: 'Welcome to the cloud', timecodes: [{ begin: 3000, end: 4000 }] },
    ],
    label: [{ name: 'Stage', timecodes: [{ begin: 0, end: 60000 }] }],
  },
  {
    ...stored(PODCAST, 'andy_podcast.mp3'),
    type: 'audio',
    title: [{ name: 'Morning Show' }],
    artist: [{ name: 'Andy Smith' }],
    transcribe: [
      { name: 'Today we talk about Zürich and coffee', timecodes: [{ begin: 0, end: 5000 }] },
      { name: 'Jassy joined later', timecodes: [{ begin: 5000, end: 9000 }] },
    ],
  },
  {
    ...stored(CONCERT_PHOTO, 'beyonce.jpg'),
    type: 'image',
    title: [{ name: 'Beyoncé on stage' }],
    keywords: [{ name: 'concert' }, { name: 'Stage' }],
    celeb: [{ name: 'Beyoncé Knowles' }],
    label: [{ name: 'Person' }, { name: 'Microphone' }],
    attributes: { photographer: 'Jane Doe', location: 'Zürich' },
  },
  {
    ...stored(ANNUAL_REPORT, 'annual_report.pdf'),
    type: 'document',
    title: [{ name: 'Annual Report' }],
    pagetext: [
      { name: 'Our cloud revenue grew this year.', page: 0 },
      { name: LONG_PAGE, page: 1 },
    ],
  },
  {
    ...stored(NATURE_FILM, 'nature.mp4'),
    type: 'video',
    description: [{ name: 'A documentary about a river under a grey cloud' }],
    subtitle: [
      { name: 'Down the river', timecodes: [{ begin: 0, end: 2000 }] },
      { name: 'mountain high', timecodes: [{ begin: 2000, end: 4000 }] },
      { name: 'The river bends toward the river mouth', timecodes: [{ begin: 4000, end: 8000 }] },
    ],
  },
  {
    ...stored(FOLDER_CLIP, 'clip.mp4', 'andy/clip.mp4'),
    type: 'video',
    title: [{ name: 'Untitled' }],
  },
  {
    ...stored(WARHOL_INTERVIEW, 'warhol.mp3'),
    type: 'audio',
    title: [{ name: 'Andy Warhol interview' }],
    transcribe: [{ name: 'Pop art and fame', timecodes: [{ begin: 0, end: 3000 }] }],
  },
  {
    ...stored(RIVER_NEWS, 'news.pdf'),
    type: 'document',
    pagetext: [{ name: NEWS_PAGE, page: 0 }],
  },
];

export interface ConformanceCase {
  /** The behaviour the case proves. */
  readonly name: string;
  readonly query: string;
  readonly params?: Readonly<Record<string, string>>;
  /** The `{uuid}` of `/search/{uuid}`. */
  readonly uuid?: string;
  readonly expected: {
    readonly term?: string;
    readonly totalHits: number;
    readonly nextToken?: number;
    /** The ids of the reported hits; in this order when `ordered`, else in any order. */
    readonly ids?: readonly string[];
    /** How many hits are reported, where which ones depends on scoring. */
    readonly hitCount?: number;
    readonly ordered?: boolean;
    /** The complete `fields` of the listed hits. */
    readonly fields?: Readonly<Record<string, Readonly<Record<string, SearchHitField>>>>;
  };
}

export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  {
    name: 'a quoted phrase matches the words side by side, highlighting each word and returning the timecodes',
    query: '"Andy Jassy"',
    expected: {
      term: '"Andy Jassy"',
      totalHits: 2,
      nextToken: 2,
      ids: [KEYNOTE, ANNUAL_REPORT],
      fields: {
        [KEYNOTE]: {
          subtitle: {
            highlights: ['Executive Producer <em>Andy</em> <em>Jassy</em>'],
            hits: [{ name: 'Executive Producer Andy Jassy', timecodes: [{ begin: 1000, end: 2000 }] }],
          },
          celeb: {
            highlights: ['<em>Andy</em> <em>Jassy</em>'],
            hits: [
              {
                name: 'Andy Jassy',
                timecodes: [
                  { begin: 834001, end: 834901 },
                  { begin: 900000, end: 901500 },
                ],
              },
            ],
          },
        },
        [ANNUAL_REPORT]: {
          pagetext: {
            highlights: [
              'closing remarks <em>Andy</em> <em>Jassy</em> thanked the customers who trusted us with their most important workloads,',
            ],
            hits: [{ name: LONG_PAGE, page: 1 }],
          },
        },
      },
    },
  },
  {
    name: 'unquoted words are OR-ed, and a match only in the S3 key is counted but not reported',
    query: 'Andy Jassy',
    expected: { totalHits: 5, ids: [KEYNOTE, PODCAST, ANNUAL_REPORT, WARHOL_INTERVIEW] },
  },
  {
    name: 'AND requires both words anywhere in the asset, across fields',
    query: 'andy AND jassy',
    expected: { totalHits: 3, ids: [KEYNOTE, PODCAST, ANNUAL_REPORT] },
  },
  {
    name: 'operators are recognised in any case and echoed upper-cased in the term',
    query: 'andy aNd jassy',
    expected: { term: 'andy AND jassy', totalHits: 3, ids: [KEYNOTE, PODCAST, ANNUAL_REPORT] },
  },
  {
    name: 'NOT excludes assets containing the word anywhere',
    query: 'andy not jassy',
    expected: { term: 'andy NOT jassy', totalHits: 2, ids: [WARHOL_INTERVIEW] },
  },
  {
    name: 'OR matches either word',
    query: 'beyonce Or river',
    expected: { term: 'beyonce OR river', totalHits: 3, ids: [CONCERT_PHOTO, NATURE_FILM, RIVER_NEWS] },
  },
  {
    name: 'a clause OR-ed after an AND pair is optional, as in Lucene',
    query: 'andy AND jassy OR beyonce',
    expected: { totalHits: 3, ids: [KEYNOTE, PODCAST, ANNUAL_REPORT] },
  },
  {
    name: 'parentheses group clauses and NOT applies to the word after it',
    query: '(beyonce OR river) AND NOT stage',
    expected: { totalHits: 2, ids: [NATURE_FILM, RIVER_NEWS] },
  },
  {
    name: 'matching ignores case and accents, and highlights keep the stored spelling',
    query: 'ZURICH',
    expected: {
      totalHits: 2,
      ids: [PODCAST, CONCERT_PHOTO],
      fields: {
        [PODCAST]: {
          transcribe: {
            highlights: ['Today we talk about <em>Zürich</em> and coffee'],
            hits: [{ name: 'Today we talk about Zürich and coffee', timecodes: [{ begin: 0, end: 5000 }] }],
          },
        },
        [CONCERT_PHOTO]: {
          attributes: { highlights: ['<em>Zürich</em>'], hits: [{ location: 'Zürich' }] },
        },
      },
    },
  },
  {
    name: 'an unaccented query finds accented text in every field kind, reporting a string field as its value',
    query: 'beyonce',
    expected: {
      totalHits: 1,
      ids: [CONCERT_PHOTO],
      fields: {
        [CONCERT_PHOTO]: {
          basename: { highlights: ['<em>beyonce</em>.jpg'], hits: ['beyonce.jpg'] },
          title: { highlights: ['<em>Beyoncé</em> on stage'], hits: [{ name: 'Beyoncé on stage' }] },
          celeb: { highlights: ['<em>Beyoncé</em> Knowles'], hits: [{ name: 'Beyoncé Knowles' }] },
        },
      },
    },
  },
  {
    name: 'every matching entry of a field is a hit with its own timecodes',
    query: 'river',
    expected: {
      totalHits: 2,
      ids: [NATURE_FILM, RIVER_NEWS],
      ordered: true,
      fields: {
        [NATURE_FILM]: {
          description: {
            highlights: ['A documentary about a <em>river</em> under a grey cloud'],
            hits: [{ name: 'A documentary about a river under a grey cloud' }],
          },
          subtitle: {
            highlights: ['Down the <em>river</em>', 'The <em>river</em> bends toward the <em>river</em> mouth'],
            hits: [
              { name: 'Down the river', timecodes: [{ begin: 0, end: 2000 }] },
              { name: 'The river bends toward the river mouth', timecodes: [{ begin: 4000, end: 8000 }] },
            ],
          },
        },
        [RIVER_NEWS]: {
          pagetext: {
            highlights: [
              'the council met on Tuesday to discuss the budget, the new library, the school buses, and the <em>river</em>.',
            ],
            hits: [{ name: NEWS_PAGE, page: 0 }],
          },
        },
      },
    },
  },
  {
    name: 'a phrase never spans two entries of a field',
    query: '"river mountain"',
    expected: { totalHits: 0, nextToken: 0, ids: [] },
  },
  {
    name: 'a trailing * matches words by prefix',
    query: 'moun*',
    expected: {
      totalHits: 1,
      ids: [NATURE_FILM],
      fields: {
        [NATURE_FILM]: {
          subtitle: {
            highlights: ['<em>mountain</em> high'],
            hits: [{ name: 'mountain high', timecodes: [{ begin: 2000, end: 4000 }] }],
          },
        },
      },
    },
  },
  {
    name: 'a stop word alone matches nothing, as with the original analyzer',
    query: 'the',
    expected: { totalHits: 0, nextToken: 0, ids: [] },
  },
  {
    name: 'a stop word next to other words is ignored',
    query: 'the river',
    expected: { totalHits: 2, ids: [NATURE_FILM, RIVER_NEWS] },
  },
  {
    name: 'an attribute match reports the attribute as {name: value}',
    query: 'jane',
    expected: {
      totalHits: 1,
      ids: [CONCERT_PHOTO],
      fields: {
        [CONCERT_PHOTO]: { attributes: { highlights: ['<em>Jane</em> Doe'], hits: [{ photographer: 'Jane Doe' }] } },
      },
    },
  },
  {
    name: 'a basename is matched word by word across underscores',
    query: 'podcast',
    expected: {
      totalHits: 1,
      ids: [PODCAST],
      fields: { [PODCAST]: { basename: { highlights: ['andy_<em>podcast</em>.mp3'], hits: ['andy_podcast.mp3'] } } },
    },
  },
  {
    name: 'a match only in the ignored bucket field counts every asset but reports none',
    query: 'ingest',
    expected: { totalHits: 8, nextToken: 8, ids: [] },
  },
  {
    name: 'a media type name matches the ignored type field: every such asset counts, none is reported',
    query: 'video',
    expected: { totalHits: 3, nextToken: 3, ids: [] },
  },
  {
    name: 'a media type name matches nothing once that type is excluded',
    query: 'video',
    params: { video: 'false' },
    expected: { totalHits: 0, nextToken: 0, ids: [] },
  },
  {
    name: 'a query that is only a negation counts the other assets but has nothing to highlight',
    query: 'NOT andy',
    expected: { totalHits: 3, nextToken: 3, ids: [] },
  },
  {
    name: 'media types set to false are excluded',
    query: 'andy',
    params: { video: 'false', document: 'false' },
    expected: { totalHits: 2, ids: [PODCAST, WARHOL_INTERVIEW] },
  },
  {
    name: 'only the exact value false excludes a media type',
    query: 'andy',
    params: { video: 'FALSE', document: '0', image: 'no' },
    expected: { totalHits: 5, ids: [KEYNOTE, PODCAST, ANNUAL_REPORT, WARHOL_INTERVIEW] },
  },
  {
    name: 'excluding every media type matches nothing',
    query: 'andy',
    params: { video: 'false', audio: 'false', image: 'false', document: 'false' },
    expected: { totalHits: 0, nextToken: 0, ids: [] },
  },
  {
    name: '/search/{uuid} searches one asset',
    query: 'andy',
    uuid: PODCAST,
    expected: { totalHits: 1, ids: [PODCAST] },
  },
  {
    name: '/search/{uuid} of an unknown asset finds nothing',
    query: 'andy',
    uuid: '00000000-0000-4000-8000-0000000000ff',
    expected: { totalHits: 0, nextToken: 0, ids: [] },
  },
  {
    name: '/search/{uuid} applies a negation to that asset only',
    query: 'NOT beyonce',
    uuid: PODCAST,
    expected: { totalHits: 1, nextToken: 1, ids: [] },
  },
  {
    name: '/search/{uuid} finds nothing when that asset does not match',
    query: 'beyonce',
    uuid: PODCAST,
    expected: { totalHits: 0, ids: [] },
  },
  {
    name: 'a full page points nextToken at the next page',
    query: 'cloud',
    params: { pageSize: '2' },
    expected: { totalHits: 3, nextToken: 2, hitCount: 2 },
  },
  {
    name: 'a short last page sets nextToken to totalHits',
    query: 'cloud',
    params: { pageSize: '2', token: '2' },
    expected: { totalHits: 3, nextToken: 3, hitCount: 1 },
  },
  {
    name: 'a token past the end returns no hits and nextToken totalHits',
    query: 'cloud',
    params: { token: '10' },
    expected: { totalHits: 3, nextToken: 3, ids: [] },
  },
];

/** Asserts a search response against a case's expectations (`fields` overrides what the engine's mapping changes). */
export function expectConformance(
  response: SearchResponse,
  expected: ConformanceCase['expected'],
  fields: ConformanceCase['expected']['fields'] = expected.fields,
): void {
  expect(response.totalHits).toBe(expected.totalHits);
  if (expected.term !== undefined) expect(response.term).toBe(expected.term);
  if (expected.nextToken !== undefined) expect(response.nextToken).toBe(expected.nextToken);
  const ids = response.hits.map((hit) => hit.id);
  if (expected.ids !== undefined) {
    expect(expected.ordered ? ids : [...ids].sort()).toEqual(
      expected.ordered ? expected.ids : [...expected.ids].sort(),
    );
  }
  if (expected.hitCount !== undefined) expect(ids).toHaveLength(expected.hitCount);
  for (const [id, hitFields] of Object.entries(fields ?? {})) {
    expect(response.hits.find((hit) => hit.id === id)?.fields).toEqual(hitFields);
  }
}
