import type { APIGatewayProxyResult } from 'aws-lambda';

export type ApiResponse = APIGatewayProxyResult;

const JSON_HEADERS = { 'Content-Type': 'application/json' } as const;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function ok(body: unknown): ApiResponse {
  return json(200, body);
}
