/** One node of a REST API's resource tree, as the template's `AWS::ApiGateway::Resource`s build it. */
export interface ResourceNode<Method> {
  /** The resource template, e.g. `/metadata/{asset_id}`. */
  readonly path: string;
  readonly pathPart: string;
  readonly children: ResourceNode<Method>[];
  readonly methods: Map<string, Method>;
}

/** Where a request to `/<api id>/<stage>/…` goes, and the paths API Gateway reports for it. */
export interface InvokePath {
  readonly apiId: string;
  readonly stageName: string;
  /**
   * The path after the stage as the Lambda proxy event's `path` has it: slashes right after the stage are dropped,
   * inner and trailing ones kept (`/api//create` → `/create`, `/a//b/` → `/a//b/`). Percent-decoded.
   */
  readonly path: string;
  /**
   * The stage and the rest exactly as sent (`/api//create`), percent-decoded: `requestContext.path` in AWS, which
   * local mode prefixes with the API id as a custom domain's base path would be.
   */
  readonly stagePath: string;
  /** The raw (still encoded) segments after the stage, empty ones included. */
  readonly segments: readonly string[];
}

/**
 * Splits a local invoke path. Repeated slashes before the API id or the stage are ignored, as API Gateway ignores
 * them before the stage.
 */
export function parseInvokePath(rawPath: string): InvokePath {
  const [apiId, afterApi] = splitFirst(rawPath.replace(/^\/+/, ''));
  const [stageName, restPath] = splitFirst(afterApi.replace(/^\/+/, ''));
  return {
    apiId,
    stageName,
    path: decodePath(`/${restPath.replace(/^\/+/, '')}`),
    stagePath: decodePath(`/${stageName}${restPath}`),
    segments: restPath.split('/').slice(1),
  };
}

export interface RouteMatch<Method> {
  readonly resource: ResourceNode<Method>;
  readonly method: Method;
  readonly pathParameters: Record<string, string>;
}

/**
 * API Gateway's routing: empty path segments (`//`, a trailing `/`) do not count, a literal path part beats
 * `{param}`, which beats a greedy `{param+}`. A greedy parameter takes the rest of the path as sent, inner empty
 * segments included, without leading and trailing slashes (`a//b/` → `a//b`), as API Gateway passes it.
 * Segments are decoded one by one, so an encoded `/` stays inside its parameter.
 */
export function matchRoute<Method>(
  root: ResourceNode<Method>,
  segments: readonly string[],
  httpMethod: string,
): RouteMatch<Method> | undefined {
  return matchFrom(root, segments, 0, httpMethod);
}

function matchFrom<Method>(
  node: ResourceNode<Method>,
  segments: readonly string[],
  start: number,
  httpMethod: string,
): RouteMatch<Method> | undefined {
  let index = start;
  while (segments[index] === '') index++;
  if (index >= segments.length) {
    const method = methodOf(node, httpMethod);
    return method ? { resource: node, method, pathParameters: {} } : undefined;
  }
  const segment = decodeSegment(segments[index] ?? '');
  const literal = node.children.find((child) => child.pathPart === segment);
  if (literal) {
    const found = matchFrom(literal, segments, index + 1, httpMethod);
    if (found) return found;
  }
  for (const child of node.children) {
    const name = /^\{([^}+]+)\}$/.exec(child.pathPart)?.[1];
    if (!name) continue;
    const found = matchFrom(child, segments, index + 1, httpMethod);
    if (found) return { ...found, pathParameters: { [name]: segment, ...found.pathParameters } };
  }
  for (const child of node.children) {
    const name = /^\{([^}]+)\+\}$/.exec(child.pathPart)?.[1];
    const method = name ? methodOf(child, httpMethod) : undefined;
    if (name && method) {
      const rest = segments.slice(index).map(decodeSegment).join('/').replace(/\/+$/, '');
      return { resource: child, method, pathParameters: { [name]: rest } };
    }
  }
  return undefined;
}

function methodOf<Method>(node: ResourceNode<Method>, httpMethod: string): Method | undefined {
  return node.methods.get(httpMethod) ?? node.methods.get('ANY');
}

/** `a/b/c` → `['a', '/b/c']`: the first segment and the rest with its slash. */
function splitFirst(path: string): [string, string] {
  const slash = path.indexOf('/');
  return slash < 0 ? [path, ''] : [path.slice(0, slash), path.slice(slash)];
}

function decodePath(path: string): string {
  return path.split('/').map(decodeSegment).join('/');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
