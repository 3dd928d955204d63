/** The MKV tags Kinesis Video Streams adds to every fragment GetMedia returns (and to its error chunks). */
export const KVS_TAG = {
  FragmentNumber: 'AWS_KINESISVIDEO_FRAGMENT_NUMBER',
  ServerTimestamp: 'AWS_KINESISVIDEO_SERVER_TIMESTAMP',
  ProducerTimestamp: 'AWS_KINESISVIDEO_PRODUCER_TIMESTAMP',
  MillisBehindNow: 'AWS_KINESISVIDEO_MILLIS_BEHIND_NOW',
  ContinuationToken: 'AWS_KINESISVIDEO_CONTINUATION_TOKEN',
  ErrorCode: 'AWS_KINESISVIDEO_ERROR_CODE',
  ErrorId: 'AWS_KINESISVIDEO_ERROR_ID',
} as const;

/** GetMedia's error chunk codes (AWS_KINESISVIDEO_ERROR_ID), with the service's descriptions. */
export const GET_MEDIA_ERRORS: Readonly<Record<number, string>> = {
  3002: 'Error writing to the stream',
  4000: 'Requested fragment is not found',
  4500: "Access denied for the stream's KMS key",
  4501: "Stream's KMS key is disabled",
  4502: "Validation error on the stream's KMS key",
  4503: 'KMS key specified in the stream is unavailable',
  4504: 'Invalid usage of the KMS key specified in the stream',
  4505: 'Invalid state of the KMS key specified in the stream',
  4506: 'Unable to find the KMS key specified in the stream',
  5000: 'Internal error',
};

export const FRAGMENT_NOT_FOUND = 4000;
