import { Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * Who may call a route: `'iam'` (SigV4, `AWS_IAM`), `'none'` (only where the original serves the route without
 * authentication), or a Lambda authorizer — by name from `authorizers` (route lists are SDK- and CDK-free) or
 * given directly.
 */
export type RouteAuth = 'iam' | 'none' | { readonly authorizer: string | RouteAuthorizer };

/**
 * A Lambda authorizer: an authorizer construct (`TokenAuthorizer`, `RequestAuthorizer`, …) or a function, which
 * becomes a TOKEN authorizer reading the `Authorization` header with API Gateway's default 300 s result cache.
 */
export type RouteAuthorizer = apigateway.IAuthorizer | lambda.IFunction;

/** One method of the API: its verb, resource template and who may call it. */
export interface RouteSpec {
  readonly method: string;
  /** API Gateway resource template, e.g. `/metadata/{asset_id}`. */
  readonly path: string;
  readonly auth: RouteAuth;
  /** The original answers CORS preflights for this route. @default false */
  readonly cors?: boolean;
}

export interface RestApiFromRoutesProps {
  /** The REST API's name. */
  readonly restApiName: string;
  /** The stage name the original API uses (clients put it in every URL). */
  readonly stageName: string;
  /** The routes; all are served by `handler` through a Lambda proxy integration. */
  readonly routes: readonly RouteSpec[];
  readonly handler: lambda.IFunction;
  /** The Lambda authorizers routes name in `auth: { authorizer: '<name>' }`. @default - none */
  readonly authorizers?: Readonly<Record<string, RouteAuthorizer>>;
  /**
   * API Gateway's own answers made to look like the API's (e.g. its error body for UNAUTHORIZED and ACCESS_DENIED,
   * where templates may read `$context.authorizer.*` and `$context.error.messageString`). @default - AWS's defaults
   */
  readonly gatewayResponses?: readonly apigateway.GatewayResponseOptions[];
  /** @default - none */
  readonly description?: string;
  /** Media types API Gateway passes to the function base64-encoded. @default - none */
  readonly binaryMediaTypes?: string[];
  /** Steady-state requests per second per stage. @default 100 */
  readonly throttlingRateLimit?: number;
  /** @default 200 */
  readonly throttlingBurstLimit?: number;
}

/**
 * A REST API built from a route list — the same list the handler's route table is typed from — with each route's
 * authorization (SigV4, a Lambda authorizer, or none), access logs, X-Ray tracing and throttling on, deployed to
 * the stage name of the API it reimplements. How a backend with its own token auth plugs in its Lambda authorizer,
 * and what local mode then does with it: lib/local/README.md, "API authorization".
 */
export class RestApiFromRoutes extends Construct {
  public readonly api: apigateway.RestApi;
  public readonly accessLogGroup: logs.LogGroup;

  /** `https://<id>.execute-api.<region>.<suffix>/<stage>`: the stage's URL without a trailing slash, as outputs give it. */
  get stageEndpoint(): string {
    const { region, urlSuffix } = Stack.of(this);
    const { restApiId, deploymentStage } = this.api;
    return Fn.join('', [
      'https://',
      restApiId,
      '.execute-api.',
      region,
      '.',
      urlSuffix,
      '/',
      deploymentStage.stageName,
    ]);
  }

  constructor(scope: Construct, id: string, props: RestApiFromRoutesProps) {
    super(scope, id);
    validateRoutes(props.routes, props.authorizers ?? {});

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: props.restApiName,
      description: props.description,
      binaryMediaTypes: props.binaryMediaTypes,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stageName,
        tracingEnabled: true,
        throttlingRateLimit: props.throttlingRateLimit ?? 100,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 200,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });

    // RestApi adds an `Endpoint…` output of its own; stacks publish the URL under the original's output key instead.
    this.api.node.tryRemoveChild('Endpoint');

    // One permission for the whole API instead of two per method (stage and test-invoke): with ~60 routes the
    // per-method ones alone took a quarter of CloudFormation's 500 resources per stack.
    const integration = new apigateway.LambdaIntegration(props.handler, {
      proxy: true,
      scopePermissionToMethod: false,
    });
    // No method declares a request model, so API Gateway has nothing to reject: bodies are validated by the handler,
    // where errors keep the API's own format.
    const validator = this.api.addRequestValidator('RequestValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const authorizers = new AuthorizerTable(this, props.authorizers ?? {});
    const preflightMethods = new Map<string, string[]>();
    for (const route of props.routes) {
      const resource = route.path === '/' ? this.api.root : this.api.root.resourceForPath(route.path);
      if (route.cors) preflightMethods.set(route.path, [...(preflightMethods.get(route.path) ?? []), route.method]);
      const method = resource.addMethod(route.method, integration, {
        ...methodAuthorization(route.auth, authorizers),
        requestValidator: validator,
      });
      acknowledgeAuthorization(method, route);
    }

    for (const [path, methods] of preflightMethods) {
      const resource = path === '/' ? this.api.root : this.api.root.resourceForPath(path);
      const preflight = resource.addCorsPreflight({
        allowOrigins: apigateway.Cors.ALL_ORIGINS,
        allowMethods: methods,
        allowHeaders: [...apigateway.Cors.DEFAULT_HEADERS, 'X-Amz-Content-Sha256'],
      });
      const reason =
        'Browsers send CORS preflight (OPTIONS) requests unsigned; the mock integration only returns headers.';
      Validations.of(preflight).acknowledge({ id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
    }

    (props.gatewayResponses ?? []).forEach((response, index) =>
      this.api.addGatewayResponse(`GatewayResponse${index}`, response),
    );

    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-APIG3',
        reason:
          "Every method but the original's unauthenticated ones requires SigV4 or the API's own authorizer; a WAF " +
          "web ACL is left to the deployer's account policy.",
      },
      {
        id: 'AwsSolutions-APIG6',
        reason:
          'Execution logging needs an account-wide API Gateway CloudWatch role that one stack must not own; access logs are on.',
      },
    );
  }

  /** The invoke URL of the stage, ending in `/<stage>/` as the original's outputs do. */
  public get url(): string {
    return this.api.url;
  }
}

/** The authorizers of one API, each created once however many routes use it. */
class AuthorizerTable {
  private readonly created = new Map<RouteAuthorizer, apigateway.IAuthorizer>();

  constructor(
    private readonly scope: Construct,
    private readonly named: Readonly<Record<string, RouteAuthorizer>>,
  ) {}

  resolve(authorizer: string | RouteAuthorizer): apigateway.IAuthorizer {
    const given = typeof authorizer === 'string' ? this.named[authorizer] : authorizer;
    if (given === undefined) throw new Error(`Unknown authorizer: ${String(authorizer)}`);
    if (apigateway.Authorizer.isAuthorizer(given)) return given as apigateway.IAuthorizer;
    const handler = given as lambda.IFunction;
    let created = this.created.get(given);
    if (!created) {
      const name = typeof authorizer === 'string' ? authorizer : `${this.created.size}`;
      created = new apigateway.TokenAuthorizer(this.scope, `Authorizer${pascal(name)}`, { handler });
      this.created.set(given, created);
    }
    return created;
  }
}

function methodAuthorization(auth: RouteAuth, authorizers: AuthorizerTable): apigateway.MethodOptions {
  if (auth === 'none') return { authorizationType: apigateway.AuthorizationType.NONE };
  if (auth === 'iam') return { authorizationType: apigateway.AuthorizationType.IAM };
  const authorizer = authorizers.resolve(auth.authorizer);
  return { authorizationType: authorizer.authorizationType ?? apigateway.AuthorizationType.CUSTOM, authorizer };
}

function acknowledgeAuthorization(method: apigateway.Method, route: RouteSpec): void {
  if (route.auth === 'none') {
    const reason = `The original API serves ${route.method} ${route.path} without authentication.`;
    Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
  } else if (route.auth === 'iam') {
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Clients of the original API sign requests with SigV4 (AWS_IAM), not Cognito tokens.',
    });
  } else {
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: "Clients of the original API authenticate with its own tokens, checked by the API's Lambda authorizer.",
    });
  }
}

function validateRoutes(routes: readonly RouteSpec[], authorizers: Readonly<Record<string, RouteAuthorizer>>): void {
  const seen = new Set<string>();
  for (const route of routes) {
    if (!route.path.startsWith('/')) throw new Error(`Route path must start with '/': ${route.path}`);
    const key = `${route.method.toUpperCase()} ${route.path}`;
    if (seen.has(key)) throw new Error(`Duplicate route: ${key}`);
    seen.add(key);
    if (typeof route.auth === 'object' && typeof route.auth.authorizer === 'string') {
      if (!(route.auth.authorizer in authorizers)) {
        throw new Error(`Route ${key} names an authorizer that is not in authorizers: ${route.auth.authorizer}`);
      }
    }
  }
}

function pascal(name: string): string {
  return name.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_match, _separator, char: string) => char.toUpperCase());
}
