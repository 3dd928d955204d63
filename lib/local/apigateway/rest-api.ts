import type { StackResolver } from '../intrinsics';
import { parseIdentitySources, type LocalAuthorizer } from './authorizers';
import {
  assertMappingExpression,
  assertRenderableTemplate,
  type GatewayResponseSpec,
  type GatewayResponseType,
} from './gateway-responses';
import type { ResourceNode } from './routing';

/** A REST API as deployed: its id, stage, methods, authorizers and gateway responses, read from the template. */
export interface LocalRestApi {
  readonly id: string;
  readonly name: string;
  readonly stageName: string;
  readonly stageVariables: Readonly<Record<string, string>>;
  readonly binaryMediaTypes: readonly string[];
  /** `AUTHORIZER`: a Lambda authorizer's `usageIdentifierKey` is the caller's API key. */
  readonly apiKeySource: 'HEADER' | 'AUTHORIZER';
  readonly root: ResourceNode<LocalMethod>;
  readonly authorizers: ReadonlyMap<string, LocalAuthorizer>;
  readonly gatewayResponses: ReadonlyMap<GatewayResponseType, GatewayResponseSpec>;
}

/** How a method authorizes callers: `AWS_IAM` (SigV4), a Lambda authorizer, or nobody. */
export type MethodAuthorization =
  | { readonly type: 'NONE' }
  | { readonly type: 'AWS_IAM' }
  | { readonly type: 'CUSTOM'; readonly authorizer: LocalAuthorizer };

export type LocalMethod =
  | {
      readonly kind: 'lambda-proxy';
      readonly httpMethod: string;
      readonly authorization: MethodAuthorization;
      /** The Lambda function the proxy integration invokes. */
      readonly functionArn: string;
    }
  | {
      /** A MOCK integration (CDK's CORS preflight): a fixed status and headers, no backend. */
      readonly kind: 'mock';
      readonly httpMethod: string;
      readonly authorization: MethodAuthorization;
      readonly statusCode: number;
      readonly headers: Record<string, string>;
    };

/** API Gateway's default when a template leaves `AuthorizerResultTtlInSeconds` out. */
const DEFAULT_AUTHORIZER_TTL_SECONDS = 300;

/**
 * Reads every `AWS::ApiGateway::RestApi` of a stack with its resources, methods, stage, integrations, Lambda
 * authorizers and gateway responses. What local mode cannot serve exactly (another integration type, a Cognito
 * authorizer, a VTL template) is a start-up error naming the resource, never a silent approximation.
 */
export function readRestApis(resolver: StackResolver): LocalRestApi[] {
  const apis: LocalRestApi[] = [];
  for (const [apiLogicalId, apiResource] of resolver.resourcesOfType('AWS::ApiGateway::RestApi')) {
    const id = resolver.physicalId(apiLogicalId);
    const where = (logicalId: string) => `${resolver.stack.stackName}/${logicalId}`;
    const props = (resolver.resolve(apiResource.Properties ?? {}) ?? {}) as Record<string, unknown>;
    const ofThisApi = (type: string) =>
      resolver.resourcesOfType(type).filter(([, r]) => resolver.resolve(r.Properties?.RestApiId) === id);

    const root: ResourceNode<LocalMethod> = { path: '/', pathPart: '', children: [], methods: new Map() };
    const nodes = new Map<string, ResourceNode<LocalMethod>>([[`${id}-root`, root]]);
    // Parents may come after children in the template: attach until nothing changes.
    let pending = ofThisApi('AWS::ApiGateway::Resource');
    while (pending.length > 0) {
      const next = pending.filter(([logicalId, resource]) => {
        const parent = nodes.get(String(resolver.resolve(resource.Properties?.ParentId)));
        if (!parent) return true;
        const pathPart = String(resolver.resolve(resource.Properties?.PathPart));
        const node: ResourceNode<LocalMethod> = {
          path: parent.path === '/' ? `/${pathPart}` : `${parent.path}/${pathPart}`,
          pathPart,
          children: [],
          methods: new Map(),
        };
        parent.children.push(node);
        nodes.set(resolver.physicalId(logicalId), node);
        return false;
      });
      if (next.length === pending.length) throw new Error(`API ${id}: resources with unknown parents`);
      pending = next;
    }

    const authorizers = new Map<string, LocalAuthorizer>();
    for (const [logicalId, resource] of ofThisApi('AWS::ApiGateway::Authorizer')) {
      const authorizerId = resolver.physicalId(logicalId);
      authorizers.set(
        authorizerId,
        readAuthorizer(authorizerId, resolver.resolve(resource.Properties), where(logicalId)),
      );
    }

    for (const [logicalId, method] of ofThisApi('AWS::ApiGateway::Method')) {
      const methodProps = resolver.resolve(method.Properties ?? {}) as Record<string, unknown>;
      const node = nodes.get(String(methodProps.ResourceId));
      if (!node) throw new Error(`API ${id}: method on unknown resource ${String(methodProps.ResourceId)}`);
      const integration = (methodProps.Integration ?? {}) as Record<string, unknown>;
      const httpMethod = String(methodProps.HttpMethod).toUpperCase();
      const authorization = readAuthorization(methodProps, authorizers, where(logicalId));
      if (integration.Type === 'MOCK') {
        node.methods.set(httpMethod, { kind: 'mock', httpMethod, authorization, ...mockResponse(integration) });
        continue;
      }
      if (integration.Type !== 'AWS_PROXY') {
        throw new Error(
          `API ${id}: local mode serves Lambda proxy and mock integrations, not ${String(integration.Type)}`,
        );
      }
      const functionArn = lambdaArnOfUri(integration.Uri);
      if (!functionArn) throw new Error(`API ${id}: unsupported integration URI ${String(integration.Uri)}`);
      node.methods.set(httpMethod, { kind: 'lambda-proxy', httpMethod, authorization, functionArn });
    }

    const gatewayResponses = new Map<GatewayResponseType, GatewayResponseSpec>();
    for (const [logicalId, resource] of ofThisApi('AWS::ApiGateway::GatewayResponse')) {
      const response = resolver.resolve(resource.Properties ?? {}) as Record<string, unknown>;
      gatewayResponses.set(
        response.ResponseType as GatewayResponseType,
        readGatewayResponse(response, where(logicalId)),
      );
    }

    const stage = ofThisApi('AWS::ApiGateway::Stage')[0];
    const stageProps = (stage ? resolver.resolve(stage[1].Properties ?? {}) : {}) as Record<string, unknown>;
    apis.push({
      id,
      name: String(props.Name ?? id),
      stageName: stage ? String(stageProps.StageName) : 'prod',
      stageVariables: (stageProps.Variables ?? {}) as Record<string, string>,
      binaryMediaTypes: Array.isArray(props.BinaryMediaTypes) ? (props.BinaryMediaTypes as string[]) : [],
      apiKeySource: props.ApiKeySourceType === 'AUTHORIZER' ? 'AUTHORIZER' : 'HEADER',
      root,
      authorizers,
      gatewayResponses,
    });
  }
  return apis;
}

function readAuthorizer(id: string, resolved: unknown, where: string): LocalAuthorizer {
  const props = (resolved ?? {}) as Record<string, unknown>;
  const type = props.Type;
  if (type !== 'TOKEN' && type !== 'REQUEST') {
    throw new Error(`${where}: local mode runs Lambda authorizers (TOKEN, REQUEST), not ${String(type)}`);
  }
  const functionArn = lambdaArnOfUri(props.AuthorizerUri);
  if (!functionArn) throw new Error(`${where}: unsupported AuthorizerUri ${String(props.AuthorizerUri)}`);
  const identitySources = parseIdentitySources(String(props.IdentitySource ?? ''), where);
  if (type === 'TOKEN' && (identitySources.length !== 1 || identitySources[0]?.kind !== 'header')) {
    throw new Error(`${where}: a TOKEN authorizer's IdentitySource is one method.request.header.<name>`);
  }
  const ttl =
    props.AuthorizerResultTtlInSeconds === undefined
      ? DEFAULT_AUTHORIZER_TTL_SECONDS
      : Number(props.AuthorizerResultTtlInSeconds);
  if (type === 'REQUEST' && ttl > 0 && identitySources.length === 0) {
    throw new Error(`${where}: a cached REQUEST authorizer needs an IdentitySource`);
  }
  const expression = props.IdentityValidationExpression;
  return {
    id,
    name: String(props.Name ?? id),
    type,
    functionArn,
    identitySources,
    // API Gateway matches the whole token against the expression.
    validationExpression:
      type === 'TOKEN' && typeof expression === 'string' && expression !== ''
        ? new RegExp(`^(?:${expression})$`)
        : undefined,
    resultTtlSeconds: ttl,
  };
}

function readAuthorization(
  methodProps: Record<string, unknown>,
  authorizers: ReadonlyMap<string, LocalAuthorizer>,
  where: string,
): MethodAuthorization {
  const type = String(methodProps.AuthorizationType ?? 'NONE');
  if (type === 'NONE' || type === 'AWS_IAM') return { type };
  if (type !== 'CUSTOM') throw new Error(`${where}: local mode does not run ${type} authorization`);
  const authorizer = authorizers.get(String(methodProps.AuthorizerId));
  if (!authorizer) throw new Error(`${where}: unknown authorizer ${String(methodProps.AuthorizerId)}`);
  return { type, authorizer };
}

function readGatewayResponse(props: Record<string, unknown>, where: string): GatewayResponseSpec {
  const responseTemplates = (props.ResponseTemplates ?? {}) as Record<string, string>;
  const responseParameters = (props.ResponseParameters ?? {}) as Record<string, string>;
  for (const template of Object.values(responseTemplates)) assertRenderableTemplate(template, where);
  for (const expression of Object.values(responseParameters)) assertMappingExpression(expression, where);
  return {
    statusCode: props.StatusCode === undefined ? undefined : Number(props.StatusCode),
    responseParameters,
    responseTemplates,
  };
}

/** `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function arn>/invocations` → the function ARN. */
function lambdaArnOfUri(uri: unknown): string | undefined {
  return /functions\/(arn:aws:lambda:[^/]+)\/invocations$/.exec(String(uri))?.[1];
}

/** The first integration response of a MOCK integration: its status and its static header values. */
function mockResponse(integration: Record<string, unknown>): { statusCode: number; headers: Record<string, string> } {
  const responses = (integration.IntegrationResponses ?? []) as Array<{
    StatusCode?: string;
    ResponseParameters?: Record<string, string>;
  }>;
  const first = responses[0] ?? {};
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(first.ResponseParameters ?? {})) {
    const header = /^method\.response\.header\.(.+)$/.exec(key)?.[1];
    // Static values are quoted literals in API Gateway mapping expressions.
    if (header && /^'.*'$/.test(value)) headers[header] = value.slice(1, -1);
  }
  return { statusCode: Number(first.StatusCode ?? 200), headers };
}
