import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** One method of the API: its verb, resource template and whether the original API requires SigV4. */
export interface RouteSpec {
  readonly method: string;
  /** API Gateway resource template, e.g. `/metadata/{asset_id}`. */
  readonly path: string;
  /** `NONE` only where the original serves the route without authentication. */
  readonly auth: 'AWS_IAM' | 'NONE';
  /** The original answers CORS preflights for this route. @default false */
  readonly cors?: boolean;
}

export interface IamRestApiProps {
  /** The REST API's name. */
  readonly restApiName: string;
  /** The stage name the original API uses (clients put it in every URL). */
  readonly stageName: string;
  /** The routes; all are served by `handler` through a Lambda proxy integration. */
  readonly routes: readonly RouteSpec[];
  readonly handler: lambda.IFunction;
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
 * A REST API whose methods are all SigV4 (`AWS_IAM`) unless a route says otherwise, with access logs, X-Ray
 * tracing and throttling on, deployed to the stage name of the API it reimplements.
 */
export class IamRestApi extends Construct {
  public readonly api: apigateway.RestApi;
  public readonly accessLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: IamRestApiProps) {
    super(scope, id);
    validateRoutes(props.routes);

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

    const integration = new apigateway.LambdaIntegration(props.handler, { proxy: true });
    // No method declares a request model, so API Gateway has nothing to reject: bodies are validated by the handler,
    // where errors keep the API's own format.
    const validator = this.api.addRequestValidator('RequestValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const preflightMethods = new Map<string, string[]>();
    for (const route of props.routes) {
      const resource = route.path === '/' ? this.api.root : this.api.root.resourceForPath(route.path);
      if (route.cors) preflightMethods.set(route.path, [...(preflightMethods.get(route.path) ?? []), route.method]);
      const method = resource.addMethod(route.method, integration, {
        authorizationType: route.auth === 'NONE' ? apigateway.AuthorizationType.NONE : apigateway.AuthorizationType.IAM,
        requestValidator: validator,
      });
      if (route.auth === 'NONE') {
        const reason = `The original API serves ${route.method} ${route.path} without authentication.`;
        Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
      } else {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-COG4',
          reason: 'Clients of the original API sign requests with SigV4 (AWS_IAM), not Cognito tokens.',
        });
      }
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

    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-APIG3',
        reason:
          "Every method but the original's unauthenticated ones requires SigV4; a WAF web ACL is left to the deployer's account policy.",
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

function validateRoutes(routes: readonly RouteSpec[]): void {
  const seen = new Set<string>();
  for (const route of routes) {
    if (!route.path.startsWith('/')) throw new Error(`Route path must start with '/': ${route.path}`);
    const key = `${route.method.toUpperCase()} ${route.path}`;
    if (seen.has(key)) throw new Error(`Duplicate route: ${key}`);
    seen.add(key);
  }
}
