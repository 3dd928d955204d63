import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Database, type Statement } from 'node-sqlite3-wasm';
import { BadRequestError, NotFoundError } from '../../../shared/http/errors';
import {
  ANALYSIS_FIELDS,
  ENTRY_FIELDS,
  IGNORED_FIELDS,
  SEARCHABLE_FIELDS,
  isMediaType,
  MEDIA_TYPES,
  type MediaType,
  type SearchDocument,
  type SearchDocumentPatch,
  type SearchableField,
} from '../document';
import { MAX_RESULT_WINDOW, type SearchRequest } from '../request';
import {
  HIGHLIGHT_FRAGMENTS_PER_FIELD,
  nextToken,
  type SearchFieldHit,
  type SearchHit,
  type SearchHitField,
  type SearchResponse,
} from '../response';
import { ENTRY_JOINER, FTS_TOKENIZER, MARK_CLOSE, MARK_OPEN, withoutReservedCharacters } from './analysis';
import { compileFtsHighlight, compileFtsQuery } from './fts-query';
import { isMarked, toFragments } from './highlight';

/** Bumped when the way documents are laid out in the full-text table changes; the table is then rebuilt. */
const LAYOUT_VERSION = 1;
const LAYOUT = JSON.stringify({ version: LAYOUT_VERSION, tokenizer: FTS_TOKENIZER, columns: SEARCHABLE_FIELDS });

const ENTRY_FIELD_SET: ReadonlySet<string> = new Set(ENTRY_FIELDS);
const ALL_COLUMNS = SEARCHABLE_FIELDS.map((field, column) => ({ field, column }));
const REPORTED_COLUMNS = ALL_COLUMNS.filter(({ field }) => !IGNORED_FIELDS.has(field));
const FTS_COLUMNS = SEARCHABLE_FIELDS.map((field) => `"${field}"`).join(', ');
/** bm25 with the `type` column weighted 0: it only filters, and a rarer media type must not rank higher. */
const BM25 = `bm25(asset_text, ${SEARCHABLE_FIELDS.map((field) => (field === 'type' ? '0.0' : '1.0')).join(', ')})`;

/** A search without the echo of what the user typed: what an engine needs to find a page of assets. */
export type SearchPageRequest = Omit<SearchRequest, 'term'>;

/** One asset of a page as OpenSearch lists a hit: every match, whether or not it has a field to report. */
export interface SearchPageHit {
  readonly document: SearchDocument;
  readonly score: number;
  /**
   * Highlight fragments keyed by field path as OpenSearch names them: `basename`, `celeb.name`,
   * `attributes.location`, and also the `type`, `key` and `bucket` that the original never reports.
   */
  readonly highlights: Readonly<Record<string, readonly string[]>>;
}

export interface SearchPage {
  /** Every matching asset, not capped. */
  readonly total: number;
  readonly hits: readonly SearchPageHit[];
}

export interface StatusUpdate {
  readonly status?: string;
  readonly overallStatus?: string;
}

/**
 * The search index of local mode: SQLite FTS5 (through the WebAssembly build, so no native module) in one file of
 * the local data directory, or in memory. One FTS5 row per asset, one column per searchable field, so a boolean
 * query is decided per asset across all fields as OpenSearch does with `default_field: '*'`.
 */
export class LocalSearchIndex {
  private readonly statements = new Map<string, Statement>();

  private constructor(private readonly db: Database) {}

  /** Opens (creating it if needed) the index stored at `path`; `':memory:'` keeps it in memory. */
  static open(path: string): LocalSearchIndex {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const index = new LocalSearchIndex(new Database(path));
    try {
      index.configure();
      index.migrate();
    } catch (error) {
      index.close();
      throw error;
    }
    return index;
  }

  close(): void {
    for (const statement of this.statements.values()) statement.finalize();
    this.statements.clear();
    if (this.db.isOpen) this.db.close();
  }

  /** Adds or replaces the whole document of an asset (OpenSearch `index`); `true` when it was not indexed before. */
  index(document: SearchDocument): boolean {
    const valid = validDocument(document);
    let created = false;
    this.transaction(() => {
      created = this.write(valid);
    });
    return created;
  }

  /** Adds or replaces many documents in one transaction; returns how many were written. */
  indexAll(documents: Iterable<SearchDocument>): number {
    let count = 0;
    this.batch(() => {
      for (const document of documents) {
        this.write(validDocument(document));
        count += 1;
      }
    });
    return count;
  }

  /**
   * Runs `work` — any mix of `index`, `remove`, `get` — in one transaction, so many writes cost one commit (what
   * a `_bulk` request needs). A document `index` refuses is refused before anything is written, so `work` may catch that
   * and go on; if `work` itself throws, every write of the batch is rolled back.
   */
  batch<T>(work: () => T): T {
    let result: T | undefined;
    this.transaction(() => {
      result = work();
    });
    return result as T;
  }

  /**
   * Merges fields into an indexed document, the way the original's analysis states add their field with an
   * OpenSearch partial `update`. Fields given as `undefined` are left alone. Throws `NotFoundError` for an unknown
   * asset, as OpenSearch answers `document_missing_exception`.
   */
  update(uuid: string, patch: SearchDocumentPatch): void {
    const current = this.get(uuid);
    if (current === undefined) throw new NotFoundError(`search document ${uuid} not found`);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    this.transaction(() => this.write({ ...current, ...defined, uuid: current.uuid, type: current.type }));
  }

  /** The original copies `status`/`overallStatus` changes of the ingest table into the index. */
  updateStatus(uuid: string, update: StatusUpdate): void {
    this.update(uuid, update);
  }

  /** Removes every AI/ML field of an asset (its analysis was deleted or is being re-run), keeping ingest metadata. */
  dropAnalysisFields(uuid: string): void {
    const current = this.get(uuid);
    if (current === undefined) throw new NotFoundError(`search document ${uuid} not found`);
    const kept: Record<string, unknown> & SearchDocument = { ...current };
    for (const field of ANALYSIS_FIELDS) delete kept[field];
    this.transaction(() => this.write(kept));
  }

  /** Removes an asset; `false` when it was not indexed. */
  remove(uuid: string): boolean {
    let removed = false;
    this.transaction(() => {
      const row = this.statement('SELECT id FROM asset WHERE uuid = ?').get(uuid);
      if (row === null) return;
      this.statement('DELETE FROM asset_text WHERE rowid = ?').run(row.id as number);
      this.statement('DELETE FROM asset WHERE id = ?').run(row.id as number);
      removed = true;
    });
    return removed;
  }

  /** Whether an asset is indexed, without reading its document. */
  has(uuid: string): boolean {
    return this.statement('SELECT id FROM asset WHERE uuid = ?').get(uuid) !== null;
  }

  get(uuid: string): SearchDocument | undefined {
    const row = this.statement('SELECT document FROM asset WHERE uuid = ?').get(uuid);
    return row === null ? undefined : (JSON.parse(row.document as string) as SearchDocument);
  }

  /** Every document, in the order they were first written (what an aggregation over the whole index reads). */
  documents(): SearchDocument[] {
    return this.statement('SELECT document FROM asset ORDER BY id')
      .all()
      .map((row) => JSON.parse(row.document as string) as SearchDocument);
  }

  count(): number {
    return Number(this.statement('SELECT count(*) AS n FROM asset').get()?.n ?? 0);
  }

  search(request: SearchRequest): SearchResponse {
    const started = performance.now();
    const { total, rows } = this.page(request);
    // OpenSearch counts exactly only up to 10,000 (`track_total_hits` default) and reports that as the total.
    const totalHits = Math.min(total, MAX_RESULT_WINDOW);
    const hits = this.toHits(rows, compileFtsHighlight(request.query));
    return {
      term: request.term,
      totalHits,
      nextToken: nextToken(request.from, request.size, rows.length, totalHits),
      elapsed: Math.round(performance.now() - started),
      hits,
    };
  }

  /**
   * The requested page the way OpenSearch's `_search` lists it, for the local OpenSearch-compatible endpoint: no
   * asset dropped, highlights by field path, nothing mapped to the original's response yet.
   */
  searchPage(request: SearchPageRequest): SearchPage {
    const { total, rows } = this.page(request);
    const highlight = compileFtsHighlight(request.query);
    const markedRows = highlight === undefined ? undefined : this.marked(ALL_COLUMNS, highlight, rows);
    const hits = rows.map((row): SearchPageHit => {
      const document = JSON.parse(row.document) as SearchDocument;
      const marked = markedRows?.get(row.id);
      const highlights: Record<string, string[]> = {};
      for (const { field, column } of ALL_COLUMNS) {
        const text = marked?.[`c${column}`];
        if (typeof text !== 'string' || !isMarked(text)) continue;
        const values = fieldValues(document, field);
        text.split(ENTRY_JOINER).forEach((piece, position) => {
          const value = values[position];
          if (value === undefined || !isMarked(piece)) return;
          const fragments = new Set(highlights[value.path]);
          for (const fragment of toFragments(piece)) {
            if (fragments.size < HIGHLIGHT_FRAGMENTS_PER_FIELD) fragments.add(fragment);
          }
          highlights[value.path] = [...fragments];
        });
      }
      return { document, score: row.score, highlights };
    });
    return { total, hits };
  }

  /** How many assets match, and the requested page of them, best first. */
  private page(request: SearchPageRequest): { total: number; rows: AssetRow[] } {
    const query = compileFtsQuery(request.query);
    if (query.mode === 'none' || request.types.length === 0) return { total: 0, rows: [] };
    const { total, ranked } =
      query.mode === 'match' ? this.rankMatches(query.expression, request) : this.rankOthers(query.expression, request);
    const read = this.statement('SELECT uuid, type, document FROM asset WHERE id = ?');
    const rows = ranked.map(({ id, score }) => ({ ...(read.get(id) as unknown as StoredAsset), id, score }));
    return { total, rows };
  }

  /**
   * Filters inside FTS5 (media type as a column filter, the asset as a rowid) so that counting stays on the
   * doclists; joining the asset table would cost a lookup per match.
   */
  private rankMatches(expression: string, request: SearchPageRequest): Ranking {
    const types = request.types.map((type) => `"${type}"`).join(' OR ');
    const values: Array<string | number> = [
      request.types.length === MEDIA_TYPES.length ? expression : `(${expression}) AND (type : (${types}))`,
    ];
    let where = 'asset_text MATCH ?';
    if (request.uuid !== undefined) {
      // Resolved here: FTS5 takes `rowid = NULL` (an unknown uuid in a sub-select) as no constraint at all.
      const asset = this.statement('SELECT id FROM asset WHERE uuid = ?').get(request.uuid);
      if (asset === null) return { total: 0, ranked: [] };
      where += ' AND asset_text.rowid = ?';
      values.push(asset.id as number);
    }
    const total = Number(this.db.get(`SELECT count(*) AS n FROM asset_text WHERE ${where}`, values)?.n ?? 0);
    // bm25() is lower for better matches; OpenSearch scores upwards. Ties go to the asset indexed last, standing in
    // for the original's index order (`timestamp` descending).
    const ranked = this.db.all(
      `SELECT rowid AS id, -${BM25} AS score FROM asset_text WHERE ${where} ORDER BY score DESC, id DESC LIMIT ? OFFSET ?`,
      [...values, request.size, request.from],
    ) as unknown as Ranking['ranked'];
    return { total, ranked };
  }

  /**
   * FTS5 has no unary NOT: a query that is a negation takes the assets outside its expression, scored like
   * Lucene's constant-score match-all.
   */
  private rankOthers(expression: string, request: SearchPageRequest): Ranking {
    const values: Array<string | number> = [expression, ...request.types];
    let where = `id NOT IN (SELECT rowid FROM asset_text WHERE asset_text MATCH ?)`;
    where += ` AND type IN (${request.types.map(() => '?').join(', ')})`;
    if (request.uuid !== undefined) {
      where += ' AND uuid = ?';
      values.push(request.uuid);
    }
    const total = Number(this.db.get(`SELECT count(*) AS n FROM asset WHERE ${where}`, values)?.n ?? 0);
    const ranked = this.db.all(`SELECT id, 1.0 AS score FROM asset WHERE ${where} ORDER BY id DESC LIMIT ? OFFSET ?`, [
      ...values,
      request.size,
      request.from,
    ]) as unknown as Ranking['ranked'];
    return { total, ranked };
  }

  /**
   * Builds the hits of a page. Like the original, an asset with nothing to show (matched only through `type`, `key`,
   * `bucket` or a negation) is dropped from the page but still counted in `totalHits`.
   */
  private toHits(rows: readonly AssetRow[], highlight: string | undefined): SearchHit[] {
    if (highlight === undefined || rows.length === 0) return [];
    const markedRows = this.marked(REPORTED_COLUMNS, highlight, rows);
    const hits: SearchHit[] = [];
    for (const row of rows) {
      const marked = markedRows.get(row.id);
      if (marked === undefined) continue;
      const document = JSON.parse(row.document) as SearchDocument;
      const fields: Record<string, SearchHitField> = {};
      for (const { field, column } of REPORTED_COLUMNS) {
        const text = marked[`c${column}`];
        if (typeof text !== 'string' || !isMarked(text)) continue;
        const reported = reportField(document, field, text.split(ENTRY_JOINER));
        if (reported !== undefined) fields[field] = reported;
      }
      if (Object.keys(fields).length > 0) {
        hits.push({ id: row.uuid, score: row.score, type: row.type as MediaType, fields });
      }
    }
    return hits;
  }

  /**
   * The text in `columns` of the page's assets that `highlight` matches, as `c<column>` by asset id, with the
   * matches marked. One statement for the page: each asset looked up by rowid, or, for an expression with a prefix
   * term (which FTS5 resolves by merging the doclists of every term it prefixes, again for each lookup), one pass
   * over the matches between the page's lowest and highest id.
   */
  private marked(
    columns: ReadonlyArray<{ readonly column: number }>,
    highlight: string,
    rows: ReadonlyArray<{ readonly id: number }>,
  ): Map<number, Record<string, unknown>> {
    const marked = new Map<number, Record<string, unknown>>();
    if (rows.length === 0) return marked;
    const marks = columns.map(
      ({ column }) => `highlight(asset_text, ${column}, '${MARK_OPEN}', '${MARK_CLOSE}') AS c${column}`,
    );
    const ids = rows.map((row) => row.id);
    const select = `SELECT rowid AS id, ${marks.join(', ')} FROM asset_text WHERE asset_text MATCH ?`;
    const found = highlight.includes('*')
      ? this.statement(`${select} AND rowid BETWEEN ? AND ? AND +rowid IN (SELECT value FROM json_each(?))`).all([
          highlight,
          Math.min(...ids),
          Math.max(...ids),
          JSON.stringify(ids),
        ])
      : this.statement(`${select} AND rowid IN (SELECT value FROM json_each(?))`).all([highlight, JSON.stringify(ids)]);
    for (const row of found) marked.set(row.id as number, row);
    return marked;
  }

  /** Stores a document and its text; `true` when the asset was not indexed before. */
  private write(document: SearchDocument): boolean {
    const json = utf8(JSON.stringify(document));
    const existing = this.statement('SELECT id FROM asset WHERE uuid = ?').get(document.uuid);
    let id: number;
    if (existing === null) {
      const info = this.statement('INSERT INTO asset (uuid, type, document) VALUES (?, ?, CAST(? AS TEXT))').run([
        document.uuid,
        document.type,
        json,
      ]);
      id = Number(info.lastInsertRowid);
    } else {
      id = existing.id as number;
      this.statement('UPDATE asset SET type = ?, document = CAST(? AS TEXT) WHERE id = ?').run([
        document.type,
        json,
        id,
      ]);
      this.statement('DELETE FROM asset_text WHERE rowid = ?').run(id);
    }
    this.insertText(id, document);
    return existing === null;
  }

  private insertText(id: number, document: SearchDocument): void {
    const columns = SEARCHABLE_FIELDS.map((field) =>
      utf8(
        fieldValues(document, field)
          .map((value) => withoutReservedCharacters(value.text))
          .join(ENTRY_JOINER),
      ),
    );
    this.statement(
      `INSERT INTO asset_text (rowid, ${FTS_COLUMNS}) VALUES (?, ${SEARCHABLE_FIELDS.map(() => 'CAST(? AS TEXT)').join(', ')})`,
    ).run([id, ...columns]);
  }

  /**
   * The endpoint's thread (or a test) is the file's only user, so SQLite's lock is taken at the first read and kept
   * until close: node-sqlite3-wasm's lock is a directory, made and removed around every statement otherwise, and the
   * page cache stays valid between transactions. Commits are unchanged (rollback journal, synchronous `FULL`); in
   * this mode SQLite zeroes the journal's header at commit instead of deleting the file. The cache holds a `_bulk`
   * request's transaction: one that outgrows it spills pages to the file mid-transaction, syncing the journal each
   * time.
   */
  private configure(): void {
    this.db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -65536;');
  }

  /** Creates the tables, and rebuilds the full-text table from the stored documents when its layout changed. */
  private migrate(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS asset (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        document TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS asset_type ON asset (type);
    `);
    const layout = this.db.get(`SELECT value FROM meta WHERE name = 'layout'`)?.value;
    if (layout === LAYOUT) return;
    this.transaction(() => {
      this.db.exec(`
        DROP TABLE IF EXISTS asset_text;
        CREATE VIRTUAL TABLE asset_text USING fts5(${FTS_COLUMNS}, tokenize = "${FTS_TOKENIZER}");
      `);
      for (const row of this.db.all('SELECT id, document FROM asset')) {
        this.insertText(row.id as number, JSON.parse(row.document as string) as SearchDocument);
      }
      this.db.run(`INSERT OR REPLACE INTO meta (name, value) VALUES ('layout', ?)`, LAYOUT);
    });
  }

  private transaction(work: () => void): void {
    if (this.db.inTransaction) {
      work();
      return;
    }
    this.db.exec('BEGIN');
    try {
      work();
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** At this length, text is bound as its UTF-8 bytes (cast back to TEXT in SQL) rather than as a string. */
const UTF8_BINDING_LENGTH = 64;

/**
 * Long text as UTF-8 bytes: node-sqlite3-wasm encodes a bound string character by character in JavaScript, twice
 * (to measure, then to copy), which was a fifth of indexing's CPU time; `Buffer` encodes natively and the bytes are
 * copied in one go. The SQL casts them back to TEXT, so what is stored is the same text.
 */
function utf8(text: string): string | Uint8Array {
  return text.length < UTF8_BINDING_LENGTH ? text : Buffer.from(text, 'utf8');
}

interface StoredAsset {
  readonly uuid: string;
  readonly type: string;
  readonly document: string;
}

interface AssetRow extends StoredAsset {
  readonly id: number;
  readonly score: number;
}

interface Ranking {
  readonly total: number;
  readonly ranked: ReadonlyArray<{ readonly id: number; readonly score: number }>;
}

/** One indexed value of a field, what a hit on it reports, and its path in the document as OpenSearch names it. */
interface FieldValue {
  readonly text: string;
  readonly hit: SearchFieldHit;
  readonly path: string;
}

/**
 * The values of a field in the order they are joined into its column; the same function reads them back when
 * mapping highlighted pieces to hits, so the two can never disagree.
 */
function fieldValues(document: SearchDocument, field: SearchableField): FieldValue[] {
  if (field === 'type' || field === 'basename' || field === 'key' || field === 'bucket') {
    const value = document[field];
    return typeof value === 'string' && value.length > 0 ? [{ text: value, hit: value, path: field }] : [];
  }
  if (field === 'attributes') {
    return Object.entries(document.attributes ?? {})
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      .map(([name, value]) => ({ text: value, hit: { [name]: value }, path: `attributes.${name}` }));
  }
  const entries = document[field] ?? [];
  return entries.map((entry) => ({
    text: typeof entry.name === 'string' ? entry.name : '',
    hit: entry,
    path: `${field}.name`,
  }));
}

/**
 * Highlights are capped and de-duplicated like OpenSearch's (five fragments per field); `hits` lists every matching
 * value, so every timecode of a match is returned, not only those of the highlighted ones.
 */
function reportField(
  document: SearchDocument,
  field: SearchableField,
  pieces: readonly string[],
): SearchHitField | undefined {
  const values = fieldValues(document, field);
  const highlights = new Set<string>();
  const hits: SearchFieldHit[] = [];
  pieces.forEach((piece, position) => {
    const value = values[position];
    if (value === undefined || !isMarked(piece)) return;
    hits.push(value.hit);
    for (const fragment of toFragments(piece)) {
      if (highlights.size < HIGHLIGHT_FRAGMENTS_PER_FIELD) highlights.add(fragment);
    }
  });
  return hits.length === 0 ? undefined : { highlights: [...highlights], hits };
}

function validDocument(document: SearchDocument): SearchDocument {
  if (typeof document.uuid !== 'string' || document.uuid.length === 0) {
    throw new BadRequestError('search document has no uuid');
  }
  if (!isMediaType(document.type)) throw new BadRequestError(`search document ${document.uuid} has no valid type`);
  for (const field of Object.keys(document)) {
    const value = (document as unknown as Record<string, unknown>)[field];
    const isEntryList = Array.isArray(value) && value.every((entry) => typeof entry === 'object' && entry !== null);
    if (ENTRY_FIELD_SET.has(field) && value !== undefined && value !== null && !isEntryList) {
      throw new BadRequestError(`search document ${document.uuid}: ${field} must be a list of entries`);
    }
  }
  return document;
}
