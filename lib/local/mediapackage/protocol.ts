import type { AwsRequest } from '../protocol/endpoint';
import { jsonResponse, type AwsResponse } from '../protocol/wire';
import { LocalMediaPackage, MediaPackageError, type FaultRule, type Scope } from './service';

/** The region a request is signed for: MediaPackage runs in every region, and the scope says which one is meant. */
export function signedRegion(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  query: string,
): string | undefined {
  const authorization = String(headers['authorization'] ?? '');
  const credential =
    /Credential=([^,\s]+)/.exec(authorization)?.[1] ?? new URLSearchParams(query).get('X-Amz-Credential');
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
export async function handleMediaPackageApi(
  request: AwsRequest,
  region: string,
  service: LocalMediaPackage,
): Promise<AwsResponse> {
  const requestId = request.requestId;
  {
    const scope: Scope = { accountId: request.principal.accountId, region };
    const method = request.method.toUpperCase();
    const segments = request.rawPath.split('/').filter((segment) => segment !== '');
    const query = new URLSearchParams(request.rawQuery);
    const body = parseBody(request.body);

    if (segments[0] === '_mediaplane' && segments[1] === 'faults' && method === 'POST') {
      const rules = (body.rules ?? []) as FaultRule[];
      service.setFaults(Array.isArray(rules) ? rules : []);
      return jsonResponse(200, { rules }, requestId);
    }

    const route = routeOf(method, segments);
    if (!route) throw new MediaPackageError('NotFoundException', `No route for ${method} ${request.rawPath}`);
    service.checkFaults(route.name);
    const result = route.run(scope, body, query, route.id) ?? {};
    return route.status === 204
      ? { statusCode: 204, headers: { 'x-amzn-RequestId': requestId }, body: Buffer.alloc(0) }
      : jsonResponse(route.status, result, requestId);

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
