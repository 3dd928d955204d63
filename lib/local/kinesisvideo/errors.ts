/**
 * Kinesis Video Streams errors as the service sends them: an HTTP status from the service model, the error type in
 * `x-amzn-ErrorType` and `{"Message": "..."}` (capital M, the model's member name) as the body.
 */
export class KinesisVideoError extends Error {
  constructor(
    readonly errorType: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

export const invalidArgument = (message: string) => new KinesisVideoError('InvalidArgumentException', 400, message);
export const resourceNotFound = (message = 'The requested stream is not found or not active.') =>
  new KinesisVideoError('ResourceNotFoundException', 404, message);
export const resourceInUse = (message: string) => new KinesisVideoError('ResourceInUseException', 400, message);
export const versionMismatch = (message: string) => new KinesisVideoError('VersionMismatchException', 400, message);
export const clientLimitExceeded = (message: string) =>
  new KinesisVideoError('ClientLimitExceededException', 400, message);
export const connectionLimitExceeded = (message: string) =>
  new KinesisVideoError('ConnectionLimitExceededException', 400, message);
export const notAuthorized = (message: string) => new KinesisVideoError('NotAuthorizedException', 401, message);

export interface ErrorResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** The wire form of an error; `requestId` goes into `x-amzn-RequestId` as the service sets it. */
export function errorResponse(error: KinesisVideoError, requestId: string): ErrorResponse {
  return {
    statusCode: error.statusCode,
    headers: {
      'Content-Type': 'application/json',
      'x-amzn-ErrorType': `${error.errorType}:http://internal.amazon.com/coral/com.amazon.kinesisvideo.v20170930/`,
      'x-amzn-RequestId': requestId,
    },
    body: Buffer.from(JSON.stringify({ Message: error.message })),
  };
}
