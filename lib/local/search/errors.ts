/**
 * The failures of the local search endpoint, one class per kind, each carrying OpenSearch's error `type`. They are
 * turned into OpenSearch's body — `{"error": {"root_cause": [...], "type", "reason", ...}, "status"}` — in one
 * place, `errorResponse`.
 */
export abstract class OpenSearchError extends Error {
  abstract readonly status: number;
  abstract readonly type: string;
  /** Extra keys OpenSearch puts next to `type` and `reason` (`index`, `shard`, `resource.id`, ...). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly causedBy?: { readonly type: string; readonly reason: string };

  constructor(
    reason: string,
    metadata: Readonly<Record<string, string>> = {},
    causedBy?: { readonly type: string; readonly reason: string },
  ) {
    super(reason);
    this.metadata = metadata;
    this.causedBy = causedBy;
  }
}

export class IndexNotFoundError extends OpenSearchError {
  readonly status = 404;
  readonly type = 'index_not_found_exception';
  constructor(index: string) {
    super(`no such index [${index}]`, {
      index,
      'resource.id': index,
      'resource.type': 'index_or_alias',
      index_uuid: '_na_',
    });
  }
}

/** `_update` of a document that does not exist. */
export class DocumentMissingError extends OpenSearchError {
  readonly status = 404;
  readonly type = 'document_missing_exception';
  constructor(index: string, id: string) {
    super(`[${id}]: document missing`, { index, shard: '0', index_uuid: '_na_' });
  }
}

/** `create` of a document that exists. */
export class VersionConflictError extends OpenSearchError {
  readonly status = 409;
  readonly type = 'version_conflict_engine_exception';
  constructor(index: string, id: string) {
    super(`[${id}]: version conflict, document already exists`, {
      index,
      shard: '0',
      index_uuid: '_na_',
    });
  }
}

export class InvalidIndexNameError extends OpenSearchError {
  readonly status = 400;
  readonly type = 'invalid_index_name_exception';
  constructor(index: string, why: string) {
    super(`Invalid index name [${index}], ${why}`, { index, index_uuid: '_na_' });
  }
}

/** A body that is missing or not JSON. */
export class ParseError extends OpenSearchError {
  readonly status = 400;
  readonly type = 'parse_exception';
}

/** A request body of a shape OpenSearch or the local endpoint does not read. */
export class ParsingError extends OpenSearchError {
  readonly status = 400;
  readonly type = 'parsing_exception';
}

/** A `query_string` that does not parse, or that the local engine cannot run. */
export class QueryShardError extends OpenSearchError {
  readonly status = 400;
  readonly type = 'query_shard_exception';
  constructor(query: string, index: string, cause: { readonly type: string; readonly reason: string }) {
    super(`Failed to parse query [${query}]`, { index, index_uuid: '_na_' }, cause);
  }
}

export class IllegalArgumentError extends OpenSearchError {
  readonly status = 400;
  readonly type = 'illegal_argument_exception';
}

/** A failure of the search on the shard (an aggregation on a text field): OpenSearch names the shard's as the root cause. */
export class SearchPhaseExecutionError extends OpenSearchError {
  readonly status = 400;
  readonly type = 'search_phase_execution_exception';
  constructor(cause: { readonly type: string; readonly reason: string }) {
    super('all shards failed', { phase: 'query' }, cause);
  }
}

/** A document the index cannot hold. */
export class MapperParsingError extends OpenSearchError {
  readonly status = 400;
  readonly type = 'mapper_parsing_exception';
}

export class ActionRequestValidationError extends OpenSearchError {
  readonly status = 400;
  readonly type = 'action_request_validation_exception';
  constructor(problem: string) {
    super(`Validation Failed: 1: ${problem};`);
  }
}

export class ScriptError extends OpenSearchError {
  readonly status = 400;
  readonly type = 'script_exception';
}

/** A path OpenSearch's REST layer has no handler for; answered with its bare `{"error": "..."}` body. */
export class NoHandlerError extends Error {
  readonly status = 400;
  constructor(method: string, uri: string) {
    super(`no handler found for uri [${uri}] and method [${method}]`);
  }
}

/** A known path with a method it does not take; answered with its bare `{"error": "...", "status"}` body. */
export class IncorrectMethodError extends Error {
  readonly status = 405;
  constructor(method: string, uri: string, allowed: readonly string[]) {
    super(`Incorrect HTTP method for uri [${uri}] and method [${method}], allowed: [${allowed.join(', ')}]`);
  }
}

export class UnsupportedContentTypeError extends Error {
  readonly status = 406;
  constructor(contentType: string) {
    super(`Content-Type header [${contentType}] is not supported`);
  }
}

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
}

/** The `error` object of OpenSearch's body; `_mget` also puts it in place of a document it could not read. */
export function errorObject(error: OpenSearchError): Record<string, unknown> {
  const cause = { type: error.type, reason: error.message, ...error.metadata };
  const root = error instanceof SearchPhaseExecutionError && error.causedBy ? error.causedBy : cause;
  return { root_cause: [root], ...cause, ...(error.causedBy ? { caused_by: error.causedBy } : {}) };
}

/** OpenSearch's answer for a failure; anything unexpected is a 500 with the reason logged, never a crash. */
export function errorResponse(error: unknown, log: (message: string) => void): JsonResponse {
  if (error instanceof OpenSearchError) {
    return { status: error.status, body: { error: errorObject(error), status: error.status } };
  }
  if (error instanceof NoHandlerError) return { status: error.status, body: { error: error.message } };
  if (error instanceof IncorrectMethodError || error instanceof UnsupportedContentTypeError) {
    return { status: error.status, body: { error: error.message, status: error.status } };
  }
  log(`Local search endpoint error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  const reason = 'internal error of the local search endpoint (see the local mode log)';
  const cause = { type: 'exception', reason };
  return { status: 500, body: { error: { root_cause: [cause], ...cause }, status: 500 } };
}
