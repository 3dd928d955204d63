import type { APIGatewayProxyResult } from 'aws-lambda';
import { stringifyExactJson } from '../json/exact';

export type ApiResponse = APIGatewayProxyResult;

const JSON_HEADERS = { 'Content-Type': 'application/json' } as const;

/** A JSON response; integers an `exact` body brought in as bigints go out with all their digits. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: stringifyExactJson(body) };
}

export function ok(body: unknown): ApiResponse {
  return json(200, body);
}
