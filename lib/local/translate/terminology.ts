import { XMLParser } from 'fast-xml-parser';
import { xmlEscape } from '../protocol/wire';

export type TerminologyFormat = 'CSV' | 'TSV' | 'TMX';

/** A terminology: language codes (the first is the source of a UNI terminology) and one row of terms per entry. */
export interface TermTable {
  readonly languages: string[];
  readonly rows: Array<Array<string | undefined>>;
}

export class TerminologyFormatError extends Error {}

/** One line of CSV, with quoted fields ("a, b", "say ""hi"""). No library here parses a CSV line this small. */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line.charAt(index);
    if (quoted) {
      if (char === '"' && line.charAt(index + 1) === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells.map((value) => value.trim());
}

/** Parses the file of `ImportTerminology` in its format: CSV or TSV with a header of language codes, or TMX. */
export function parseTerminology(data: Buffer, format: TerminologyFormat): TermTable {
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  if (format === 'TMX') return parseTmx(text);
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const split = (line: string) => (format === 'CSV' ? csvCells(line) : line.split('\t').map((cell) => cell.trim()));
  const [header, ...rest] = lines;
  if (!header) throw new TerminologyFormatError('The terminology file is empty.');
  const languages = split(header);
  if (languages.length < 2 || languages.some((code) => !/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/.test(code))) {
    throw new TerminologyFormatError(
      'The first row of the terminology file must list the language codes of its columns, the source language first.',
    );
  }
  return {
    languages,
    rows: rest.map((line) => split(line).map((cell) => (cell === '' ? undefined : cell))),
  };
}

function parseTmx(text: string): TermTable {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    isArray: (name) => ['tu', 'tuv'].includes(name),
  });
  let document: {
    tmx?: { header?: Record<string, string>; body?: { tu?: Array<{ tuv?: Array<Record<string, unknown>> }> } };
  };
  try {
    document = parser.parse(text) as typeof document;
  } catch {
    throw new TerminologyFormatError('The TMX file is not well-formed XML.');
  }
  const units = document.tmx?.body?.tu;
  if (!units) throw new TerminologyFormatError('The TMX file has no <body> with <tu> elements.');
  const source = document.tmx?.header?.['@srclang'];
  const languages: string[] = source && source !== '*all*' ? [source] : [];
  const entries = units.map((unit) => {
    const terms = new Map<string, string>();
    for (const variant of unit.tuv ?? []) {
      const lang = String(variant['@xml:lang'] ?? variant['@lang'] ?? '');
      const seg = variant.seg;
      if (lang && seg !== undefined) {
        terms.set(lang, String(seg));
        if (!languages.includes(lang)) languages.push(lang);
      }
    }
    return terms;
  });
  return { languages, rows: entries.map((terms) => languages.map((lang) => terms.get(lang))) };
}

/** The table in a format `GetTerminology` can return. */
export function formatTerminology(table: TermTable, format: TerminologyFormat): string {
  if (format === 'TMX') {
    const units = table.rows
      .map(
        (row) =>
          `    <tu>\n${row
            .map((term, index) =>
              term === undefined
                ? ''
                : `      <tuv xml:lang="${table.languages[index]}"><seg>${xmlEscape(term)}</seg></tuv>\n`,
            )
            .join('')}    </tu>\n`,
      )
      .join('');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n  <header srclang="${table.languages[0]}" datatype="plaintext" segtype="phrase" adminlang="en" creationtool="mediaplane" creationtoolversion="1" o-tmf="tmx"/>\n  <body>\n${units}  </body>\n</tmx>\n`;
  }
  const cell = (value: string | undefined) =>
    format === 'CSV' && value !== undefined && /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : (value ?? '');
  const separator = format === 'CSV' ? ',' : '\t';
  return [table.languages, ...table.rows].map((row) => row.map(cell).join(separator)).join('\n') + '\n';
}

/** The pairs a terminology gives from `source` to `target` (UNI: only from its first language). */
export function termPairs(
  table: TermTable,
  directionality: 'UNI' | 'MULTI',
  source: string,
  target: string,
): Array<{ sourceText: string; targetText: string }> {
  const from = table.languages.indexOf(source);
  const to = table.languages.indexOf(target);
  if (from < 0 || to < 0 || (directionality === 'UNI' && from !== 0)) return [];
  return table.rows
    .map((row) => ({ sourceText: row[from], targetText: row[to] }))
    .filter((pair): pair is { sourceText: string; targetText: string } => !!pair.sourceText && !!pair.targetText);
}
