import type { APIGatewayProxyEvent } from 'aws-lambda';
import { BadRequestError } from './errors';
import { parseJsonText, type JsonNumbers } from './json';

/** What a route handler sees, however the request arrived (API Gateway in AWS or the local emulator). */
export interface ApiRequest {
  readonly method: string;
  /** The API Gateway resource template that matched, e.g. `/metadata/{asset_id}`. */
  readonly resource: string;
  readonly path: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly multiValueQuery: Readonly<Record<string, readonly string[]>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body, decoded from base64 when API Gateway delivered it that way. */
  readonly rawBody: Buffer | undefined;
  readonly stage: string;
  readonly callerArn: string | undefined;
  readonly event: APIGatewayProxyEvent;
}

export function toApiRequest(event: APIGatewayProxyEvent): ApiRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const pathParameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) {
    if (value !== undefined) pathParameters[name] = value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[name] = value;
  }
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if (values !== undefined) multiValueQuery[name] = values;
  }
  const rawBody =
    event.body === null || event.body === undefined
      ? undefined
      : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return {
    method: event.httpMethod.toUpperCase(),
    resource: event.resource,
    path: event.path,
    pathParameters,
    query,
    multiValueQuery,
    headers,
    rawBody,
    stage: event.requestContext?.stage ?? '',
    callerArn: event.requestContext?.identity?.userArn ?? undefined,
    event,
  };
}

/**
 * The body parsed as JSON. An absent or empty body is `undefined`; anything that is not JSON, nests too deep or
 * holds a number JavaScript cannot represent exactly is a 400 in the API's own error format, never a crash.
 */
export function jsonBody(request: ApiRequest, numbers: JsonNumbers = 'safe'): unknown {
  if (request.rawBody === undefined || request.rawBody.length === 0) return undefined;
  return parseJsonText(request.rawBody.toString('utf8'), 'Request body', numbers);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as a JSON object, or a 400 naming what was expected. */
export function jsonObjectBody(request: ApiRequest): Record<string, unknown> {
  const body = jsonBody(request);
  if (!isPlainObject(body)) throw new BadRequestError('Request body must be a JSON object');
  return body;
}
