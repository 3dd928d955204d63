import { HIGHLIGHT_FRAGMENT_SIZE, HIGHLIGHT_POST_TAG, HIGHLIGHT_PRE_TAG } from '../response';
import { MARK_CLOSE, MARK_OPEN, tokenRanges } from './analysis';

interface Span {
  readonly start: number;
  readonly end: number;
}

/** Characters kept before the first match of a fragment, so a match deep in a long text is read in context. */
const LEADING_CONTEXT = 20;

export function isMarked(text: string): boolean {
  return text.includes(MARK_OPEN);
}

/**
 * Turns one value as FTS5's `highlight()` marked it into OpenSearch-style highlight fragments. OpenSearch wraps
 * each matched word in its own `<em>` (a phrase comes back as `<em>Andy</em> <em>Jassy</em>`) where FTS5 marks a
 * phrase as one span; and it returns a value up to the fragment size whole, a longer one as fragments around its
 * matches.
 */
export function toFragments(marked: string): string[] {
  const { text, spans } = parseMarks(marked);
  if (spans.length === 0) return [];
  if (text.length <= HIGHLIGHT_FRAGMENT_SIZE) return [render(text, spans, 0, text.length).trim()];

  const fragments: string[] = [];
  let next = 0;
  while (next < spans.length) {
    const first = spans[next];
    let start = fragmentStart(text, first.start, LEADING_CONTEXT);
    const end = fragmentEnd(text, start, first.end);
    if (end === text.length) {
      // A match near the end borrows the unused room for more context before it.
      start = Math.min(start, fragmentStart(text, first.start, HIGHLIGHT_FRAGMENT_SIZE - (end - first.start)));
    }
    let last = next;
    while (last + 1 < spans.length && spans[last + 1].end <= end) last += 1;
    fragments.push(render(text, spans.slice(next, last + 1), start, end).trim());
    next = last + 1;
  }
  return fragments;
}

const OPEN_CODE = MARK_OPEN.charCodeAt(0);
const CLOSE_CODE = MARK_CLOSE.charCodeAt(0);

/** The text without its marks, and the words the marks enclose; the text between marks is copied a run at a time. */
function parseMarks(marked: string): { text: string; spans: Span[] } {
  let text = '';
  const spans: Span[] = [];
  let open = -1;
  let run = 0;
  for (let position = 0; position < marked.length; position += 1) {
    const code = marked.charCodeAt(position);
    if (code !== OPEN_CODE && code !== CLOSE_CODE) continue;
    text += marked.slice(run, position);
    run = position + 1;
    if (code === OPEN_CODE) {
      open = text.length;
    } else {
      if (open >= 0) spans.push(...splitIntoWords(text, open, text.length));
      open = -1;
    }
  }
  return { text: text + marked.slice(run), spans };
}

function splitIntoWords(text: string, start: number, end: number): Span[] {
  return tokenRanges(text.slice(start, end)).map((range) => ({ start: start + range.start, end: start + range.end }));
}

/** Where a fragment starts: at a word boundary at most `context` characters before the match. */
function fragmentStart(text: string, matchStart: number, context: number): number {
  const earliest = matchStart - context;
  if (earliest <= 0) return 0;
  const space = text.slice(earliest, matchStart).search(/\s/);
  return space < 0 ? matchStart : earliest + space + 1;
}

function fragmentEnd(text: string, start: number, matchEnd: number): number {
  const limit = start + HIGHLIGHT_FRAGMENT_SIZE;
  if (limit >= text.length) return text.length;
  if (matchEnd >= limit) return matchEnd;
  const lastSpace = text.slice(matchEnd, limit + 1).search(/\s\S*$/);
  return lastSpace < 0 ? limit : matchEnd + lastSpace;
}

function render(text: string, spans: readonly Span[], start: number, end: number): string {
  let html = '';
  let cursor = start;
  for (const span of spans) {
    html += text.slice(cursor, span.start) + HIGHLIGHT_PRE_TAG + text.slice(span.start, span.end) + HIGHLIGHT_POST_TAG;
    cursor = span.end;
  }
  return html + text.slice(cursor, end);
}
