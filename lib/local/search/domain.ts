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
  IllegalArgumentError,
  IndexNotFoundError,
  InvalidIndexNameError,
  MapperParsingError,
  OpenSearchError,
  ParseError,
  ParsingError,
  ScriptError,
  VersionConflictError,
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
    const document = documentWithId(id, body);
    const store = this.createIfMissing(index);
    const created = write(store, document);
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
    const update = readUpdate(body);
    const store = update.doc_as_upsert === true ? this.createIfMissing(index) : this.existing(index);
    const outcome = applyUpdate(store, index, id, update);
    if (outcome === 'noop') {
      return {
        status: 200,
        body: { _index: index, _id: id, result: 'noop', _shards: { total: 0, successful: 0, failed: 0 } },
      };
    }
    return { status: outcome === 'created' ? 201 : 200, body: writeResult(index, id, outcome, params) };
  }

  /**
   * `POST [/{index}]/_bulk`: NDJSON actions (`index`, `create`, `update`, `delete`), each answered in `items` with
   * its own status and error, as OpenSearch does. The writes to each index run in one transaction, so a request of
   * many documents costs one commit; a failing action fails alone.
   */
  bulk(pathIndex: string | undefined, text: string, params: Params): JsonResponse {
    const started = performance.now();
    const actions = parseBulk(text, pathIndex);
    const items: Record<string, unknown>[] = new Array(actions.length);
    const byIndex = new Map<string, number[]>();
    actions.forEach((action, position) => {
      const positions = byIndex.get(action.index) ?? [];
      positions.push(position);
      byIndex.set(action.index, positions);
    });
    for (const [index, positions] of byIndex) {
      let store: LocalSearchIndex | undefined;
      try {
        store = this.existing(index);
        if (store === undefined && positions.some((position) => (actions[position] as BulkAction).creates)) {
          store = this.createIfMissing(index);
        }
      } catch (error) {
        // An invalid index name fails every action on it.
        for (const position of positions) items[position] = bulkItem(actions[position] as BulkAction, error);
        continue;
      }
      const run = () => {
        for (const position of positions) {
          const action = actions[position] as BulkAction;
          items[position] = runBulkAction(store, action, params);
        }
      };
      if (store === undefined) run();
      else store.batch(run);
    }
    const errors = items.some((item) => 'error' in (Object.values(item)[0] as Record<string, unknown>));
    return { status: 200, body: { took: Math.round(performance.now() - started), errors, items } };
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
    // SQLite's lock here is a `<file>.lock` directory (node-sqlite3-wasm's VFS), held while the index is open.
    // This process is the store's only user, so one found before opening was left by a process that died.
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

/** Writes a document; `true` when it was created. */
function write(store: LocalSearchIndex, document: SearchDocument): boolean {
  try {
    return store.index(document);
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

interface UpdateRequest {
  readonly doc?: unknown;
  readonly script?: unknown;
  readonly detect_noop?: unknown;
  readonly doc_as_upsert?: unknown;
}

function readUpdate(body: unknown): UpdateRequest {
  const update = asObject(body, 'the update body');
  for (const key of Object.keys(update)) {
    if (!['doc', 'script', 'detect_noop', 'doc_as_upsert'].includes(key)) {
      throw new ParsingError(`[${key}] is not supported in an update by the local search endpoint`);
    }
  }
  if (update.doc === undefined && update.script === undefined) {
    throw new ActionRequestValidationError('script or doc is missing');
  }
  if (update.doc !== undefined && update.script !== undefined) {
    throw new ActionRequestValidationError("can't provide both script and doc");
  }
  if (update.doc_as_upsert === true && update.doc === undefined) {
    throw new ActionRequestValidationError('doc must be specified if doc_as_upsert is enabled');
  }
  return update;
}

/**
 * An update of one document: `doc` merged as OpenSearch merges it, or the `script` run; with `doc_as_upsert` a
 * missing document is created from `doc`. A change that leaves the document as it was is a `noop`.
 */
function applyUpdate(
  store: LocalSearchIndex | undefined,
  index: string,
  id: string,
  update: UpdateRequest,
): 'created' | 'updated' | 'noop' {
  const current = store?.get(id) as Source | undefined;
  if (store === undefined || current === undefined) {
    if (update.doc_as_upsert !== true || store === undefined) throw new DocumentMissingError(index, id);
    indexWithId(store, id, asObject(update.doc, '[doc]'));
    return 'created';
  }
  const updated =
    update.doc !== undefined ? merge(current, asObject(update.doc, '[doc]')) : runScript(current, update.script);
  if (updated.uuid !== id) throw new MapperParsingError(`the [uuid] of document [${id}] cannot change`);
  if (update.detect_noop !== false && JSON.stringify(updated) === JSON.stringify(current)) return 'noop';
  write(store, asDocument(updated));
  return 'updated';
}

function indexWithId(store: LocalSearchIndex, id: string, body: unknown): boolean {
  return write(store, documentWithId(id, body));
}

/** The document to store under `id`: the index keys documents by their `uuid`. */
function documentWithId(id: string, body: unknown): SearchDocument {
  const document = asDocument(body);
  if (document.uuid !== id) {
    throw new MapperParsingError(
      `the local search endpoint keys documents by their [uuid], which must equal the _id [${id}], got ` +
        `[${String(document.uuid)}]`,
    );
  }
  return document;
}

type BulkOperation = 'index' | 'create' | 'update' | 'delete';

interface BulkAction {
  readonly operation: BulkOperation;
  readonly index: string;
  readonly id: string;
  /** The document of `index`/`create`, the update request of `update`, or the parse failure of a document line. */
  readonly source?: unknown;
  /** Whether the action creates its index when it is missing (all but `delete`, as OpenSearch). */
  readonly creates: boolean;
}

const BULK_OPERATIONS: readonly BulkOperation[] = ['index', 'create', 'update', 'delete'];
/** Metadata keys an action line may carry; those past `_index`/`_id` change nothing locally. */
const BULK_METADATA = ['_index', '_id', 'require_alias', 'retry_on_conflict'];

/** The actions of an NDJSON `_bulk` body; a malformed line fails the whole request, as in OpenSearch. */
function parseBulk(text: string, pathIndex: string | undefined): BulkAction[] {
  if (text.length > 0 && !text.endsWith('\n')) {
    throw new IllegalArgumentError('The bulk request must be terminated by a newline [\\n]');
  }
  const lines = text.split('\n');
  lines.pop();
  const actions: BulkAction[] = [];
  for (let line = 0; line < lines.length; line += 1) {
    const actionText = (lines[line] as string).trim();
    if (actionText === '') continue;
    const number = line + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(actionText);
    } catch (error) {
      throw new ParseError(`Malformed action/metadata line [${number}]: ${(error as Error).message}`);
    }
    if (!isPlainObject(parsed) || Object.keys(parsed).length !== 1) {
      throw new IllegalArgumentError(
        `Malformed action/metadata line [${number}], expected a single object of [create], [delete], [index] or [update]`,
      );
    }
    const [operation, metadata] = Object.entries(parsed)[0] as [string, unknown];
    if (!BULK_OPERATIONS.includes(operation as BulkOperation)) {
      throw new IllegalArgumentError(
        `Malformed action/metadata line [${number}], expected field [create], [delete], [index] or [update] but found [${operation}]`,
      );
    }
    if (!isPlainObject(metadata)) {
      throw new IllegalArgumentError(`Malformed action/metadata line [${number}], expected START_OBJECT`);
    }
    for (const key of Object.keys(metadata)) {
      if (!BULK_METADATA.includes(key)) {
        throw new IllegalArgumentError(`Action/metadata line [${number}] contains an unknown parameter [${key}]`);
      }
    }
    const index = metadata._index ?? pathIndex;
    if (typeof index !== 'string') throw new ActionRequestValidationError(`index is missing`);
    if (typeof metadata._id !== 'string' || metadata._id === '') {
      throw new ActionRequestValidationError(
        operation === 'index' || operation === 'create'
          ? 'id is missing (the local search endpoint does not generate ids)'
          : 'id is missing',
      );
    }
    const base = { operation: operation as BulkOperation, index, id: metadata._id, creates: operation !== 'delete' };
    if (operation === 'delete') {
      actions.push(base);
      continue;
    }
    line += 1;
    const sourceText = lines[line];
    if (sourceText === undefined || sourceText.trim() === '') {
      throw new IllegalArgumentError(`The bulk request has no document line after action line [${number}]`);
    }
    let source: unknown;
    try {
      source = JSON.parse(sourceText);
    } catch (error) {
      if (operation === 'update') {
        throw new ParseError(`Malformed update line [${line + 1}]: ${(error as Error).message}`);
      }
      source = new MapperParsingError(`failed to parse: ${(error as Error).message}`);
    }
    if (operation === 'update') readUpdate(source);
    actions.push({ ...base, source });
  }
  if (actions.length === 0) throw new ActionRequestValidationError('no requests added');
  return actions;
}

function runBulkAction(
  store: LocalSearchIndex | undefined,
  action: BulkAction,
  params: Params,
): Record<string, unknown> {
  const { index, id } = action;
  try {
    if (action.source instanceof MapperParsingError) throw action.source;
    switch (action.operation) {
      case 'index':
      case 'create': {
        const target = store as LocalSearchIndex;
        if (action.operation === 'create' && target.has(id)) throw new VersionConflictError(index, id);
        return bulkItem(action, indexWithId(target, id, action.source) ? 'created' : 'updated', params);
      }
      case 'update': {
        const outcome = applyUpdate(store, index, id, action.source as UpdateRequest);
        return bulkItem(action, outcome, params);
      }
      case 'delete': {
        if (store === undefined) throw new IndexNotFoundError(index);
        return bulkItem(action, store.remove(id) ? 'deleted' : 'not_found', params);
      }
    }
  } catch (error) {
    return bulkItem(action, error);
  }
}

const ITEM_STATUS: Record<string, number> = { created: 201, updated: 200, noop: 200, deleted: 200, not_found: 404 };

/** One entry of `items`: `{<operation>: {_index, _id, result, _shards, status}}`, or with the `error` instead. */
function bulkItem(action: BulkAction, outcome: unknown, params?: Params): Record<string, unknown> {
  const { operation, index, id } = action;
  if (typeof outcome === 'string') {
    const result =
      outcome === 'noop'
        ? { _index: index, _id: id, result: 'noop', _shards: { total: 0, successful: 0, failed: 0 } }
        : writeResult(index, id, outcome, params ?? new Map());
    return { [operation]: { ...result, status: ITEM_STATUS[outcome] } };
  }
  if (!(outcome instanceof OpenSearchError)) throw outcome;
  const error = { type: outcome.type, reason: outcome.message, ...outcome.metadata };
  return { [operation]: { _index: index, _id: id, status: outcome.status, error } };
}
