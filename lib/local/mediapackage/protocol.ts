import { randomUUID } from 'node:crypto';
import type { RawRequest } from '../apigateway/sigv4';
import type { LocalIdentities } from '../credentials';
import { LocalMediaPackage, MediaPackageError, type FaultRule, type Scope } from './service';

export interface ProtocolResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** The region a request is signed for: MediaPackage runs in every region, and the scope says which one is meant. */
export function signedRegion(request: RawRequest): string | undefined {
  const authorization = request.headers.find(([name]) => name.toLowerCase() === 'authorization')?.[1] ?? '';
  const credential =
    /Credential=([^,\s]+)/.exec(authorization)?.[1] ?? new URLSearchParams(request.rawQuery).get('X-Amz-Credential');
  const region = credential?.split('/')[2];
  return region && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ? region : undefined;
}

type Operation = (scope: Scope, body: Record<string, unknown>, query: URLSearchParams, id: string) => unknown;

/**
 * MediaPackage (v1)'s REST-JSON API as `@aws-sdk/client-mediapackage` calls it: paths and verbs of the operations
 * the orchestration uses (channels, origin endpoints, tags), camelCase JSON members, SigV4 for `mediapackage` in
 * whatever region the request is signed for, errors as `x-amzn-ErrorType` plus `{"message"}`. Signers may be the
 * local users or role sessions from the local STS; resources belong to the signer's account.
 */
export function handleMediaPackageApi(
  request: RawRequest,
  options: { service: LocalMediaPackage; identities: LocalIdentities },
): ProtocolResponse {
  const requestId = randomUUID();
  try {
    const region = signedRegion(request) ?? 'us-east-1';
    const verdict = options.identities.verify(request, { region, service: 'mediapackage' });
    if (!verdict.ok) {
      const type =
        verdict.errorType === 'UnrecognizedClientException' ? 'UnrecognizedClientException' : 'ForbiddenException';
      return error(403, type, verdict.message, requestId);
    }
    const scope: Scope = { accountId: verdict.principal.accountId, region };
    const method = request.method.toUpperCase();
    const segments = request.rawPath.split('/').filter((segment) => segment !== '');
    const query = new URLSearchParams(request.rawQuery);
    const body = parseBody(request.body);
    const { service } = options;

    if (segments[0] === '_mediaplane' && segments[1] === 'faults' && method === 'POST') {
      const rules = (body.rules ?? []) as FaultRule[];
      service.setFaults(Array.isArray(rules) ? rules : []);
      return json(200, { rules }, requestId);
    }

    const route = routeOf(method, segments);
    if (!route) return error(404, 'NotFoundException', `No route for ${method} ${request.rawPath}`, requestId);
    service.checkFaults(route.name);
    const result = route.run(scope, body, query, route.id) ?? {};
    return route.status === 204
      ? { statusCode: 204, headers: { 'x-amzn-RequestId': requestId }, body: Buffer.alloc(0) }
      : json(route.status, result, requestId);

    function routeOf(
      verb: string,
      path: string[],
    ): { name: string; status: number; id: string; run: Operation } | undefined {
      const [collection, encodedId, ...rest] = path;
      if (rest.length > 0) return undefined;
      const id = encodedId === undefined ? '' : decodeURIComponent(encodedId);
      const number = (value: string | null) => (value === null ? undefined : Number(value));
      if (collection === 'channels' && encodedId === undefined) {
        if (verb === 'POST')
          return { name: 'CreateChannel', status: 200, id, run: (s, b) => service.createChannel(s, b) };
        if (verb === 'GET') {
          return {
            name: 'ListChannels',
            status: 200,
            id,
            run: (s, _b, q) =>
              service.listChannels(s, {
                maxResults: number(q.get('maxResults')),
                nextToken: q.get('nextToken') ?? undefined,
              }),
          };
        }
      }
      if (collection === 'channels' && encodedId !== undefined) {
        if (verb === 'GET')
          return { name: 'DescribeChannel', status: 200, id, run: (s) => service.describeChannel(s, id) };
        if (verb === 'DELETE')
          return { name: 'DeleteChannel', status: 202, id, run: (s) => service.deleteChannel(s, id) };
      }
      if (collection === 'origin_endpoints' && encodedId === undefined) {
        if (verb === 'POST') {
          return { name: 'CreateOriginEndpoint', status: 200, id, run: (s, b) => service.createOriginEndpoint(s, b) };
        }
        if (verb === 'GET') {
          return {
            name: 'ListOriginEndpoints',
            status: 200,
            id,
            run: (s, _b, q) =>
              service.listOriginEndpoints(s, {
                channelId: q.get('channelId') ?? undefined,
                maxResults: number(q.get('maxResults')),
                nextToken: q.get('nextToken') ?? undefined,
              }),
          };
        }
      }
      if (collection === 'origin_endpoints' && encodedId !== undefined) {
        if (verb === 'GET') {
          return { name: 'DescribeOriginEndpoint', status: 200, id, run: (s) => service.describeOriginEndpoint(s, id) };
        }
        if (verb === 'DELETE') {
          return { name: 'DeleteOriginEndpoint', status: 202, id, run: (s) => service.deleteOriginEndpoint(s, id) };
        }
      }
      if (collection === 'tags' && encodedId !== undefined) {
        if (verb === 'GET')
          return { name: 'ListTagsForResource', status: 200, id, run: (s) => ({ tags: service.listTags(s, id) }) };
        if (verb === 'POST')
          return { name: 'TagResource', status: 204, id, run: (s, b) => service.tagResource(s, id, b.tags) };
        if (verb === 'DELETE') {
          return {
            name: 'UntagResource',
            status: 204,
            id,
            run: (s, _b, q) => service.untagResource(s, id, q.getAll('tagKeys')),
          };
        }
      }
      return undefined;
    }
  } catch (caught) {
    if (caught instanceof MediaPackageError) return error(caught.statusCode, caught.type, caught.message, requestId);
    console.error('Local MediaPackage error', caught);
    return error(500, 'InternalServerErrorException', 'An internal error occurred', requestId);
  }
}

function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new MediaPackageError('UnprocessableEntityException', 'The request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MediaPackageError('UnprocessableEntityException', 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function json(statusCode: number, body: unknown, requestId: string): ProtocolResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId },
    body: Buffer.from(JSON.stringify(body)),
  };
}

function error(statusCode: number, type: string, message: string, requestId: string): ProtocolResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type, 'x-amzn-RequestId': requestId },
    body: Buffer.from(JSON.stringify({ message })),
  };
}
