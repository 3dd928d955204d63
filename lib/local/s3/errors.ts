/** The value of an element of S3's XML error body after `Code` and `Message` (`BucketName`, `ArgumentName`, …). */
export type S3ErrorDetail = Record<string, string | number>;

/** s3rver's error class: the engine's error handler writes instances of it as S3's XML error body. */
interface S3rverError extends Error {
  code: string;
  detail: S3ErrorDetail;
  status: number;
  expose: boolean;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rverError = require('s3rver/lib/models/error') as new (
  code: string,
  message: string,
  detail?: S3ErrorDetail,
) => S3rverError;

/** Statuses of codes s3rver's table lacks or gets wrong, as S3 answers them. */
const STATUS: Record<string, number> = {
  BadRequest: 400,
  MaxPostPreDataLengthExceeded: 400,
  XAmzContentSHA256Mismatch: 400,
};

/**
 * An S3 error with S3's code, message and status; anything after the message (`detail`) becomes an element of the
 * `<Error>` body, as S3 adds `BucketName`, `Key`, `StringToSign` and the like.
 */
export function s3Error(code: string, message: string, detail: S3ErrorDetail = {}): Error {
  const error = new S3rverError(code, message, detail);
  const status = STATUS[code];
  if (status !== undefined) {
    error.status = status;
    error.expose = status < 500;
  }
  return error;
}

export function isS3Error(error: unknown): error is S3rverError {
  return error instanceof S3rverError;
}

/** S3's answer to a request body that cannot be parsed as the XML document the operation takes. */
export function malformedXml(): Error {
  return s3Error(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
  );
}

export function noSuchBucket(bucket: string): Error {
  return s3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
}

export function noSuchKey(key: string): Error {
  return s3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });
}

export function noSuchUpload(uploadId: string): Error {
  return s3Error(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or ' +
      'completed.',
    { UploadId: uploadId },
  );
}

export function accessDenied(message = 'Access Denied', detail?: S3ErrorDetail): Error {
  return s3Error('AccessDenied', message, detail);
}

export function invalidRequest(message: string, detail?: S3ErrorDetail): Error {
  return s3Error('InvalidRequest', message, detail);
}

export function invalidArgument(message: string, name: string, value: string | number): Error {
  return s3Error('InvalidArgument', message, { ArgumentName: name, ArgumentValue: value });
}
