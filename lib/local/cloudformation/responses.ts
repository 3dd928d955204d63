import { randomUUID } from 'node:crypto';
import type { GatewayResponse } from '../apigateway/emulator';
import type { RawRequest } from '../apigateway/sigv4';

/** The body a provider PUTs to the ResponseURL. */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId?: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho?: boolean;
  readonly Data?: Record<string, unknown>;
}

/** A provider's answer CloudFormation would refuse: the request fails with this message. */
export class InvalidCustomResourceResponse extends Error {
  override readonly name = 'InvalidCustomResourceResponse';
}

export const RESPONSE_PATH_PREFIX = '/_mediaplane/cloudformation-response/';
// The limit CloudFormation puts on a custom resource response.
const MAX_RESPONSE_BYTES = 4096;

interface Waiter {
  readonly expected: Pick<CustomResourceResponse, 'StackId' | 'RequestId' | 'LogicalResourceId'>;
  resolve(response: CustomResourceResponse): void;
  reject(error: Error): void;
}

/**
 * Stands in for the presigned S3 URLs CloudFormation hands providers: each request gets a one-time URL on local
 * mode's endpoint, and the provider's PUT there settles the request, as the object landing in S3 does in AWS.
 */
export class CloudFormationResponses {
  private readonly waiters = new Map<string, Waiter>();

  constructor(private readonly endpoint: string) {}

  /** A fresh ResponseURL and the response that will arrive there; `cancel` stops waiting. */
  expect(expected: Waiter['expected']): {
    readonly responseUrl: string;
    readonly response: Promise<CustomResourceResponse>;
    cancel(): void;
  } {
    const token = randomUUID();
    const response = new Promise<CustomResourceResponse>((resolve, reject) => {
      this.waiters.set(token, { expected, resolve, reject });
    });
    return {
      responseUrl: `${this.endpoint}${RESPONSE_PATH_PREFIX}${token}`,
      response,
      cancel: () => {
        this.waiters.delete(token);
      },
    };
  }

  /** Serves `PUT /_mediaplane/cloudformation-response/<token>`; `undefined` for any other path. */
  handle(request: RawRequest): GatewayResponse | undefined {
    if (!request.rawPath.startsWith(RESPONSE_PATH_PREFIX)) return undefined;
    const token = decodeURIComponent(request.rawPath.slice(RESPONSE_PATH_PREFIX.length));
    const waiter = this.waiters.get(token);
    if (request.method.toUpperCase() !== 'PUT') {
      return s3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
    // A URL is good for one response, like the presigned URL whose object CloudFormation reads once.
    if (!waiter) return s3Error(403, 'AccessDenied', 'Request has expired');
    this.waiters.delete(token);
    try {
      waiter.resolve(parseResponse(request.body, waiter.expected));
    } catch (error) {
      waiter.reject(error as Error);
    }
    return { statusCode: 200, headers: { ETag: `"${randomUUID()}"` }, body: Buffer.alloc(0) };
  }
}

function parseResponse(body: Buffer, expected: Waiter['expected']): CustomResourceResponse {
  if (body.length > MAX_RESPONSE_BYTES) throw new InvalidCustomResourceResponse('Response object is too long.');
  let response: Record<string, unknown>;
  try {
    response = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new InvalidCustomResourceResponse('Invalid response object: the body is not JSON');
  }
  if (typeof response !== 'object' || response === null) {
    throw new InvalidCustomResourceResponse('Invalid response object: the body is not a JSON object');
  }
  if (response.Status !== 'SUCCESS' && response.Status !== 'FAILED') {
    throw new InvalidCustomResourceResponse(`Invalid response object: Status must be SUCCESS or FAILED`);
  }
  for (const key of ['StackId', 'RequestId', 'LogicalResourceId'] as const) {
    if (response[key] !== expected[key]) {
      throw new InvalidCustomResourceResponse(`Invalid response object: ${key} does not match the request`);
    }
  }
  if (
    response.Status === 'SUCCESS' &&
    (typeof response.PhysicalResourceId !== 'string' || !response.PhysicalResourceId)
  ) {
    throw new InvalidCustomResourceResponse('Invalid PhysicalResourceId');
  }
  if (
    response.Data !== undefined &&
    (typeof response.Data !== 'object' || response.Data === null || Array.isArray(response.Data))
  ) {
    throw new InvalidCustomResourceResponse('Invalid response object: Data must be an object');
  }
  return response as unknown as CustomResourceResponse;
}

function s3Error(statusCode: number, code: string, message: string): GatewayResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/xml' },
    body: Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    ),
  };
}
