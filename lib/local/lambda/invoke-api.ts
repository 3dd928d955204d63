import type { AwsRequest } from '../protocol/endpoint';
import { restRouter, type RestRequest } from '../protocol/rest';
import { AwsError, jsonResponse, type AwsResponse } from '../protocol/wire';
import { LambdaInvocationError, THROTTLED_ERROR_TYPE, type LocalFunction } from './runtime';

/**
 * The Lambda `Invoke` API (`POST /2015-03-31/functions/{name}/invocations`) for handlers that call other functions
 * through `@aws-sdk/client-lambda` with `AWS_ENDPOINT_URL_LAMBDA`: RequestResponse, Event and DryRun invocation
 * types, `X-Amz-Function-Error: Unhandled` for function errors, and Lambda's JSON errors for the rest. Requests
 * arrive verified by the SigV4 front end.
 */
export function lambdaInvokeApi(
  findFunction: (nameOrArn: string) => LocalFunction | undefined,
  invokeAsync: (functionArn: string, event: unknown) => void,
): (request: AwsRequest) => Promise<AwsResponse> {
  return restRouter(
    [
      {
        method: 'POST',
        path: '/2015-03-31/functions/{FunctionName}/invocations',
        handle: (request) => invoke(request, findFunction, invokeAsync),
      },
    ],
    (request) => new AwsError('ResourceNotFoundException', `No route for ${request.method} ${request.rawPath}`, 404),
  );
}

async function invoke(
  request: RestRequest,
  findFunction: (nameOrArn: string) => LocalFunction | undefined,
  invokeAsync: (functionArn: string, event: unknown) => void,
): Promise<AwsResponse> {
  const name = request.params.FunctionName as string;
  const fn = findFunction(withoutQualifier(name));
  if (!fn) throw new AwsError('ResourceNotFoundException', `Function not found: ${name}`, 404);
  let event: unknown = null;
  if (request.body.length > 0) {
    try {
      event = JSON.parse(request.body.toString('utf8'));
    } catch {
      throw new AwsError('InvalidRequestContentException', 'Could not parse request body into json', 400);
    }
  }
  const invocationType = headerValue(request, 'x-amz-invocation-type') ?? 'RequestResponse';
  const { requestId } = request;
  if (invocationType === 'DryRun')
    return { statusCode: 204, headers: { 'x-amzn-RequestId': requestId }, body: Buffer.alloc(0) };
  if (invocationType === 'Event') {
    invokeAsync(fn.spec.functionArn, event);
    return { statusCode: 202, headers: { 'x-amzn-RequestId': requestId }, body: Buffer.alloc(0) };
  }
  try {
    const result = await fn.invoke(event);
    return jsonResponse(200, result ?? null, requestId, 'application/json', { 'X-Amz-Executed-Version': '$LATEST' });
  } catch (error) {
    if (error instanceof LambdaInvocationError && error.name === THROTTLED_ERROR_TYPE) {
      throw new AwsError('TooManyRequestsException', error.message, 429);
    }
    const payload =
      error instanceof LambdaInvocationError
        ? error.payload
        : { errorType: 'Runtime.Unknown', errorMessage: (error as Error).message };
    return jsonResponse(200, payload, requestId, 'application/json', {
      'X-Amz-Function-Error': 'Unhandled',
      'X-Amz-Executed-Version': '$LATEST',
    });
  }
}

/** A qualifier (`$LATEST`, a version or an alias) names the same local code: local mode has one version. */
export function withoutQualifier(name: string): string {
  const parts = name.split(':');
  if (name.startsWith('arn:')) return parts.slice(0, 7).join(':');
  return parts[0] ?? name;
}

function headerValue(request: AwsRequest, name: string): string | undefined {
  return request.headers.find(([key]) => key.toLowerCase() === name)?.[1];
}
