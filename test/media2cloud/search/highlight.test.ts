import { MARK_CLOSE, MARK_OPEN } from '../../../lambdas/media2cloud/search/local/analysis';
import { toFragments } from '../../../lambdas/media2cloud/search/local/highlight';

const mark = (text: string) => `${MARK_OPEN}${text}${MARK_CLOSE}`;

describe('toFragments', () => {
  it('returns a short value whole, with each word of a marked phrase in its own <em>', () => {
    // Prepare
    const marked = `Executive Producer ${mark('Andy Jassy')}`;

    // Act
    const fragments = toFragments(marked);

    // Assess
    expect(fragments).toEqual(['Executive Producer <em>Andy</em> <em>Jassy</em>']);
  });

  it('returns nothing for a value without a match', () => {
    // Prepare, Act, Assess
    expect(toFragments('nothing here')).toEqual([]);
  });

  it('cuts a long value into fragments of about 100 characters around its matches, on word boundaries', () => {
    // Prepare
    const filler = 'lorem ipsum dolor sit amet '.repeat(8);
    const marked = `${mark('First')} ${filler}then ${mark('second')} match`;

    // Act
    const fragments = toFragments(marked);

    // Assess
    expect(fragments).toHaveLength(2);
    expect(fragments[0].startsWith('<em>First</em> lorem ipsum')).toBe(true);
    expect(fragments[1].endsWith('then <em>second</em> match')).toBe(true);
    for (const fragment of fragments) {
      expect(fragment.replace(/<\/?em>/g, '').length).toBeLessThanOrEqual(100);
      expect(fragment).toBe(fragment.trim());
    }
  });

  it('keeps matches that fall in the same window in one fragment', () => {
    // Prepare
    const marked = `${mark('one')} and ${mark('two')} ${'x'.repeat(120)}`;

    // Act
    const fragments = toFragments(marked);

    // Assess
    expect(fragments).toEqual(['<em>one</em> and <em>two</em>']);
  });
});
