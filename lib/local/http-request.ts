import type * as http from 'node:http';
import type { RawRequest } from './apigateway/sigv4';

/** The whole body, or `undefined` once it exceeds `limit` bytes (the rest is drained, not buffered). */
export function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** A request as it came off the wire, for SigV4 verification: the raw path and query, header pairs in order. */
export function rawRequest(request: http.IncomingMessage, body: Buffer): RawRequest {
  const target = request.url ?? '/';
  const queryStart = target.indexOf('?');
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] as string;
    const value = request.rawHeaders[i + 1] as string;
    // HTTP/2 carries the host as `:authority`, which SDK clients sign under that name; the other pseudo-headers are
    // the method and path read here anyway.
    if (!name.startsWith(':') || name === ':authority') headers.push([name, value]);
  }
  return {
    method: request.method ?? 'GET',
    rawPath: queryStart < 0 ? target : target.slice(0, queryStart),
    rawQuery: queryStart < 0 ? '' : target.slice(queryStart + 1),
    headers,
    body,
  };
}
