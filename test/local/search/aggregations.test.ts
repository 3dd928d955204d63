import { readAggregations, runAggregations } from '../../../lib/local/search/aggregations';
import { IllegalArgumentError, ParsingError, SearchPhaseExecutionError } from '../../../lib/local/search/errors';

const DOCUMENTS = [
  {
    uuid: 'a',
    type: 'video',
    duration: 2000.7,
    timestamp: 1_700_000_000_000,
    celeb: [
      { name: 'Werner Vogels', timecodes: [{ begin: 0, end: 10 }] },
      { name: 'Andy Jassy', timecodes: [{ begin: 20, end: 30 }] },
    ],
    label: [{ name: 'Person' }, { name: 'Person' }],
    transcribe: [{ name: 'hello world' }],
    keywords: [{ name: 'keynote' }, { name: 'x'.repeat(257) }],
    attributes: { venue: 'Las Vegas' },
  },
  {
    uuid: 'b',
    type: 'video',
    duration: 2000.2,
    celeb: [{ name: 'Andy Jassy' }],
    label: [{ name: 'Person' }, { name: 'Microphone' }],
    keywords: [{ name: 'keynote' }],
  },
  { uuid: 'c', type: 'image', celeb: [{ name: 'andy jassy' }], label: [{ name: 'Ärmel' }, { name: 'Zebra' }] },
  { uuid: 'd', type: 'audio' },
];

/** One `terms` aggregation named `counts` over the documents above. */
function terms(spec: Record<string, unknown>) {
  return runAggregations(readAggregations({ counts: { terms: spec } }), DOCUMENTS).counts;
}

describe('local search terms aggregation', () => {
  it('orders buckets by document count, then by key in byte order, counting a document once per value', () => {
    // Act
    const labels = terms({ field: 'label.name.keyword' });

    // Assess
    expect(labels).toEqual({
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: 0,
      buckets: [
        { key: 'Person', doc_count: 2 },
        { key: 'Microphone', doc_count: 1 },
        { key: 'Zebra', doc_count: 1 },
        { key: 'Ärmel', doc_count: 1 },
      ],
    });
  });

  it('keeps size buckets and counts the rest in sum_other_doc_count, keys compared case-sensitively', () => {
    // Act
    const celebs = terms({ field: 'celeb.name.keyword', size: 2 });

    // Assess
    expect(celebs).toEqual({
      doc_count_error_upper_bound: 0,
      // `andy jassy` is another keyword.
      sum_other_doc_count: 1,
      buckets: [
        { key: 'Andy Jassy', doc_count: 2 },
        { key: 'Werner Vogels', doc_count: 1 },
      ],
    });
  });

  it('returns 10 buckets unless asked otherwise, and honours min_doc_count', () => {
    // Prepare
    const many = Array.from({ length: 12 }, (_, n) => ({ uuid: `u${n}`, type: 'video', group: `g${n % 11}` }));

    // Act
    const defaults = runAggregations(readAggregations({ g: { terms: { field: 'group' } } }), many).g as any;
    const twice = runAggregations(readAggregations({ g: { terms: { field: 'group', min_doc_count: 2 } } }), many)
      .g as any;

    // Assess
    expect(defaults.buckets).toHaveLength(10);
    expect(defaults.buckets[0]).toEqual({ key: 'g0', doc_count: 2 });
    expect(defaults.sum_other_doc_count).toBe(1);
    expect(twice.buckets).toEqual([{ key: 'g0', doc_count: 2 }]);
  });

  it('answers no buckets for a field no document has, or a keyword sub-field the mapping does not give', () => {
    // Act
    const missing = terms({ field: 'facematch.name.keyword' });
    const textOnly = terms({ field: 'transcribe.name.keyword' });

    // Assess
    expect(missing).toEqual({ doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [] });
    expect(textOnly).toEqual({ doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [] });
  });

  it('refuses a text field as OpenSearch does, with the shard failure as root cause', () => {
    // Act
    const text = () => terms({ field: 'celeb.name' });
    const dynamicText = () => terms({ field: 'attributes.venue' });

    // Assess
    expect(text).toThrow(SearchPhaseExecutionError);
    expect(text).toThrow('all shards failed');
    expect(dynamicText).toThrow(SearchPhaseExecutionError);
  });

  it('counts dynamically mapped strings through their keyword sub-field, skipping values over 256 characters', () => {
    // Act
    const keywords = terms({ field: 'keywords.name.keyword' });
    const venues = terms({ field: 'attributes.venue.keyword' });

    // Assess
    expect(keywords).toMatchObject({ sum_other_doc_count: 0, buckets: [{ key: 'keynote', doc_count: 2 }] });
    expect(venues).toMatchObject({ buckets: [{ key: 'Las Vegas', doc_count: 1 }] });
  });

  it('keys numeric fields by number, without the fraction for long, with key_as_string for dates', () => {
    // Act
    const durations = terms({ field: 'duration' });
    const timestamps = terms({ field: 'timestamp' });

    // Assess
    expect(durations).toMatchObject({ buckets: [{ key: 2000, doc_count: 2 }] });
    expect(timestamps).toMatchObject({
      buckets: [{ key: 1_700_000_000_000, key_as_string: '1700000000000', doc_count: 1 }],
    });
  });

  it.each<[string, unknown, new (...args: never[]) => Error]>([
    ['a size of 0', { counts: { terms: { field: 'type', size: 0 } } }, IllegalArgumentError],
    ['no field', { counts: { terms: { size: 3 } } }, IllegalArgumentError],
    ['an option the local endpoint does not run', { counts: { terms: { field: 'type', order: {} } } }, ParsingError],
    ['another aggregation type', { counts: { nested: { path: 'celeb' } } }, ParsingError],
    ['a sub-aggregation', { counts: { terms: { field: 'type' }, aggs: {} } }, ParsingError],
  ])('refuses %s', (_name, aggs, error) => {
    // Act
    const read = () => readAggregations(aggs);

    // Assess
    expect(read).toThrow(error);
  });
});
