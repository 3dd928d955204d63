import { randomUUID } from 'node:crypto';
import { verifySigV4, type RawRequest } from '../apigateway/sigv4';
import type { GatewayResponse } from '../apigateway/emulator';
import { LambdaInvocationError, THROTTLED_ERROR_TYPE, type LocalFunction } from './runtime';

export interface InvokeApiOptions {
  readonly region: string;
  readonly lookupSecret: (accessKeyId: string) => string | undefined;
  readonly findFunction: (nameOrArn: string) => LocalFunction | undefined;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * The Lambda `Invoke` API (`POST /2015-03-31/functions/{name}/invocations`) for handlers that call other functions
 * through `@aws-sdk/client-lambda` with `AWS_ENDPOINT_URL_LAMBDA`: RequestResponse, Event and DryRun invocation
 * types, `X-Amz-Function-Error: Unhandled` for function errors, and Lambda's JSON errors for the rest.
 */
export function handleLambdaInvoke(
  request: RawRequest,
  options: InvokeApiOptions,
): Promise<GatewayResponse> | undefined {
  const match = INVOKE_PATH.exec(request.rawPath);
  if (!match?.[1]) return undefined;
  return invoke(request, decodeURIComponent(match[1]), options);
}

async function invoke(request: RawRequest, name: string, options: InvokeApiOptions): Promise<GatewayResponse> {
  const verdict = verifySigV4(request, {
    region: options.region,
    service: 'lambda',
    lookupSecret: options.lookupSecret,
  });
  if (!verdict.ok) return lambdaError(403, verdict.errorType, verdict.message);
  if (request.method.toUpperCase() !== 'POST')
    return lambdaError(405, 'MethodNotAllowedException', 'Method not allowed');

  const fn = options.findFunction(withoutQualifier(name));
  if (!fn) return lambdaError(404, 'ResourceNotFoundException', `Function not found: ${name}`);
  let event: unknown = null;
  if (request.body.length > 0) {
    try {
      event = JSON.parse(request.body.toString('utf8'));
    } catch {
      return lambdaError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
  }
  const invocationType = headerValue(request, 'x-amz-invocation-type') ?? 'RequestResponse';
  const requestId = randomUUID();
  if (invocationType === 'DryRun')
    return { statusCode: 204, headers: { 'x-amzn-RequestId': requestId }, body: Buffer.alloc(0) };
  if (invocationType === 'Event') {
    fn.invoke(event).catch((error: unknown) =>
      console.error(`[${fn.spec.functionName}] async invocation failed:`, (error as Error).message),
    );
    return { statusCode: 202, headers: { 'x-amzn-RequestId': requestId }, body: Buffer.alloc(0) };
  }
  try {
    const result = await fn.invoke(event);
    return {
      statusCode: 200,
      headers: {
        'Content-Type': 'application/json',
        'x-amzn-RequestId': requestId,
        'X-Amz-Executed-Version': '$LATEST',
      },
      body: Buffer.from(JSON.stringify(result ?? null)),
    };
  } catch (error) {
    if (error instanceof LambdaInvocationError && error.name === THROTTLED_ERROR_TYPE) {
      return lambdaError(429, 'TooManyRequestsException', error.message);
    }
    const payload =
      error instanceof LambdaInvocationError
        ? error.payload
        : { errorType: 'Runtime.Unknown', errorMessage: (error as Error).message };
    return {
      statusCode: 200,
      headers: {
        'Content-Type': 'application/json',
        'x-amzn-RequestId': requestId,
        'X-Amz-Function-Error': 'Unhandled',
        'X-Amz-Executed-Version': '$LATEST',
      },
      body: Buffer.from(JSON.stringify(payload)),
    };
  }
}

/** A qualifier (`$LATEST`, a version or an alias) names the same local code: local mode has one version. */
export function withoutQualifier(name: string): string {
  const parts = name.split(':');
  if (name.startsWith('arn:')) return parts.slice(0, 7).join(':');
  return parts[0] ?? name;
}

function lambdaError(statusCode: number, type: string, message: string): GatewayResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type, 'x-amzn-RequestId': randomUUID() },
    body: Buffer.from(JSON.stringify({ Type: 'User', message })),
  };
}

function headerValue(request: RawRequest, name: string): string | undefined {
  return request.headers.find(([key]) => key.toLowerCase() === name)?.[1];
}
