import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SearchDocument } from '../../../lambdas/media2cloud/search/document';
import { LocalSearchIndex } from '../../../lambdas/media2cloud/search/local/local-search-index';
import { BadRequestError } from '../../../lambdas/shared/http/errors';
import {
  ActionRequestValidationError,
  DocumentMissingError,
  errorObject,
  IndexNotFoundError,
  InvalidIndexNameError,
  MapperParsingError,
  ParseError,
  ParsingError,
  ScriptError,
  type JsonResponse,
} from './errors';
import { runAggregations } from './aggregations';
import { planSearch, searchResponse } from './search';
import { filterSource, readSourceFilter, sourceFilterFromParams } from './source-filter';

type Params = ReadonlyMap<string, string>;
type Source = Record<string, unknown>;

/**
 * One OpenSearch domain of the templates: its indices, each a `LocalSearchIndex` in `<directory>/<index>.sqlite`,
 * created by the first document written to it as OpenSearch's automatic index creation does. The index holds
 * Media2Cloud's search documents, keyed by their `uuid`, which is the `_id` the original gives them.
 */
export class SearchDomain {
  private readonly indices = new Map<string, LocalSearchIndex>();

  constructor(
    readonly name: string,
    private readonly directory: string,
  ) {}

  close(): void {
    for (const index of this.indices.values()) index.close();
    this.indices.clear();
  }

  /** `PUT`/`POST /{index}/_doc/{id}`: adds or replaces a document. */
  indexDocument(index: string, id: string, body: unknown, params: Params): JsonResponse {
    const document = asDocument(body);
    if (document.uuid !== id) {
      throw new MapperParsingError(
        `the local search endpoint keys documents by their [uuid], which must equal the _id [${id}], got ` +
          `[${String(document.uuid)}]`,
      );
    }
    const store = this.createIfMissing(index);
    const created = store.get(id) === undefined;
    write(store, document);
    return { status: created ? 201 : 200, body: writeResult(index, id, created ? 'created' : 'updated', params) };
  }

  /** `GET /{index}/_doc/{id}`. */
  getDocument(index: string, id: string, params: Params): JsonResponse {
    const document = this.existingIndex(index).get(id);
    if (document === undefined) return { status: 404, body: { _index: index, _id: id, found: false } };
    const source = filterSource(document as unknown as Source, sourceFilterFromParams(params));
    return { status: 200, body: { _index: index, _id: id, found: true, ...(source ? { _source: source } : {}) } };
  }

  /** `DELETE /{index}/_doc/{id}`: 404 with `result: not_found` when there is no such document, as OpenSearch. */
  deleteDocument(index: string, id: string, params: Params): JsonResponse {
    const store = this.existing(index);
    const removed = store?.remove(id) ?? false;
    return { status: removed ? 200 : 404, body: writeResult(index, id, removed ? 'deleted' : 'not_found', params) };
  }

  /**
   * `POST /{index}/_update/{id}` with a partial `doc` (merged as OpenSearch merges it: objects key by key, anything
   * else replaced) or a painless `script` made of `ctx._source.remove('field')` statements — what the original's
   * `dropAnalysisFields` sends. A change that leaves the document as it was is a `noop`, as with `detect_noop`.
   */
  updateDocument(index: string, id: string, body: unknown, params: Params): JsonResponse {
    const update = asObject(body, 'the update body');
    for (const key of Object.keys(update)) {
      if (!['doc', 'script', 'detect_noop'].includes(key)) {
        throw new ParsingError(`[${key}] is not supported in an update by the local search endpoint`);
      }
    }
    if (update.doc === undefined && update.script === undefined) {
      throw new ActionRequestValidationError('script or doc is missing');
    }
    if (update.doc !== undefined && update.script !== undefined) {
      throw new ActionRequestValidationError("can't provide both script and doc");
    }
    const store = this.existing(index);
    const current = store?.get(id) as Source | undefined;
    if (store === undefined || current === undefined) throw new DocumentMissingError(index, id);
    const updated =
      update.doc !== undefined ? merge(current, asObject(update.doc, '[doc]')) : runScript(current, update.script);
    if (updated.uuid !== id) throw new MapperParsingError(`the [uuid] of document [${id}] cannot change`);
    if (update.detect_noop !== false && JSON.stringify(updated) === JSON.stringify(current)) {
      return {
        status: 200,
        body: { _index: index, _id: id, result: 'noop', _shards: { total: 0, successful: 0, failed: 0 } },
      };
    }
    write(store, asDocument(updated));
    return { status: 200, body: writeResult(index, id, 'updated', params) };
  }

  /** `GET`/`POST /{index}/_search`. */
  search(index: string, body: unknown, params: Params): JsonResponse {
    const started = performance.now();
    const store = this.existingIndex(index);
    const plan = planSearch(index, body, params);
    const page =
      plan.request === 'all'
        ? { total: store.count(), hits: [] }
        : plan.request === undefined
          ? undefined
          : store.searchPage(plan.request);
    const aggregations =
      plan.aggregations === undefined ? undefined : runAggregations(plan.aggregations, store.documents());
    const took = Math.round(performance.now() - started);
    return { status: 200, body: searchResponse(index, plan, page, took, aggregations) };
  }

  /** `GET`/`POST [/{index}]/_mget` with `docs` (each with its own `_index` and `_source`) or `ids`. */
  mget(pathIndex: string | undefined, body: unknown, _params: Params): JsonResponse {
    const request = asObject(body, 'the mget body');
    for (const key of Object.keys(request)) {
      if (key !== 'docs' && key !== 'ids') throw new ParsingError(`unknown key [${key}] in an mget`);
    }
    const wanted = Array.isArray(request.ids)
      ? request.ids.map((id) => ({ _id: id }) as Record<string, unknown>)
      : Array.isArray(request.docs)
        ? request.docs.map((doc) => asObject(doc, 'an mget doc'))
        : [];
    if (wanted.length === 0) throw new ActionRequestValidationError('no documents to get');
    const docs = wanted.map((doc, position) => {
      for (const key of Object.keys(doc)) {
        if (!['_id', '_index', '_source'].includes(key)) throw new ParsingError(`unknown key [${key}] in an mget doc`);
      }
      const index = doc._index ?? pathIndex;
      if (typeof index !== 'string') throw new ActionRequestValidationError(`index is missing for doc ${position}`);
      if (typeof doc._id !== 'string') throw new ActionRequestValidationError(`id is missing for doc ${position}`);
      const id = doc._id;
      const filter = readSourceFilter(doc._source, `[_mget] doc ${position}`);
      const store = this.existing(index);
      if (store === undefined) return { _index: index, _id: id, error: errorObject(new IndexNotFoundError(index)) };
      const document = store.get(id);
      if (document === undefined) return { _index: index, _id: id, found: false };
      const source = filterSource(document as unknown as Source, filter);
      return { _index: index, _id: id, found: true, ...(source ? { _source: source } : {}) };
    });
    return { status: 200, body: { docs } };
  }

  private existingIndex(index: string): LocalSearchIndex {
    const store = this.existing(index);
    if (store === undefined) throw new IndexNotFoundError(index);
    return store;
  }

  /** The index if a write created it (now or in an earlier run), opened on first use. */
  private existing(index: string): LocalSearchIndex | undefined {
    validateIndexName(index);
    const open = this.indices.get(index);
    if (open) return open;
    return fs.existsSync(this.file(index)) ? this.open(index) : undefined;
  }

  private createIfMissing(index: string): LocalSearchIndex {
    return this.existing(index) ?? this.open(index);
  }

  private open(index: string): LocalSearchIndex {
    // SQLite's lock here is a `<file>.lock` directory (node-sqlite3-wasm's VFS), held only inside a transaction.
    // This process is the store's only user, so one found before opening was left by a process that died mid-write.
    fs.rmSync(`${this.file(index)}.lock`, { recursive: true, force: true });
    const store = LocalSearchIndex.open(this.file(index));
    this.indices.set(index, store);
    return store;
  }

  private file(index: string): string {
    return path.join(this.directory, `${index}.sqlite`);
  }
}

/** OpenSearch's index name rules; they also keep a name a plain file name. */
function validateIndexName(index: string): void {
  if (index !== index.toLowerCase()) throw new InvalidIndexNameError(index, 'must be lowercase');
  if (/[\\/*?"<>| ,#:]/.test(index)) {
    throw new InvalidIndexNameError(index, 'must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]');
  }
  if (/^[-_+]/.test(index)) throw new InvalidIndexNameError(index, "must not start with '_', '-', or '+'");
  if (index === '.' || index === '..') throw new InvalidIndexNameError(index, "must not be '.' or '..'");
  if (Buffer.byteLength(index) > 255) {
    throw new InvalidIndexNameError(index, `index name is too long, (${Buffer.byteLength(index)} > 255)`);
  }
}

function writeResult(index: string, id: string, result: string, params: Params): Record<string, unknown> {
  // Every write is visible at once; `forced_refresh` only echoes what the client asked, as OpenSearch does.
  const refresh = params.get('refresh');
  return {
    _index: index,
    _id: id,
    result,
    ...(refresh === 'true' || refresh === '' ? { forced_refresh: true } : {}),
    _shards: { total: 1, successful: 1, failed: 0 },
  };
}

function write(store: LocalSearchIndex, document: SearchDocument): void {
  try {
    store.index(document);
  } catch (error) {
    if (error instanceof BadRequestError) throw new MapperParsingError(`failed to parse: ${error.message}`);
    throw error;
  }
}

function asDocument(body: unknown): SearchDocument {
  if (body === undefined) throw new ParseError('request body is required');
  return asObject(body, 'a document') as unknown as SearchDocument;
}

function asObject(value: unknown, what: string): Source {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ParsingError(`${what} must be a JSON object`);
  }
  return value as Source;
}

/** OpenSearch's partial update: objects are merged key by key, every other value (lists included) replaced. */
function merge(current: Source, patch: Source): Source {
  const merged: Source = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    const existing = merged[key];
    merged[key] = isPlainObject(existing) && isPlainObject(value) ? merge(existing, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Source {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const REMOVE_STATEMENT = /^ctx\._source\.remove\(\s*(['"])([^'"\\]+)\1\s*\)$/;

/** The painless the local endpoint runs: `ctx._source.remove('field')` statements, nothing else. */
function runScript(current: Source, script: unknown): Source {
  const spec = typeof script === 'string' ? { source: script } : asObject(script, '[script]');
  for (const key of Object.keys(spec)) {
    if (!['source', 'inline', 'lang', 'params'].includes(key))
      throw new ParsingError(`unknown key [${key}] in [script]`);
  }
  if (spec.lang !== undefined && spec.lang !== 'painless') {
    throw new ScriptError(`script_lang not supported [${String(spec.lang)}]`);
  }
  const source = spec.source ?? spec.inline;
  if (typeof source !== 'string') throw new ParsingError('[script] needs a [source]');
  const updated: Source = { ...current };
  for (const statement of source.split(';').map((part) => part.trim())) {
    if (statement === '') continue;
    const match = REMOVE_STATEMENT.exec(statement);
    if (!match) {
      throw new ScriptError(
        `compile error: the local search endpoint runs only ctx._source.remove('<field>') statements, not [${statement}]`,
      );
    }
    delete updated[match[2] as string];
  }
  return updated;
}
