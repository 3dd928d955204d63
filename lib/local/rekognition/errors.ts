import { AwsError } from '../protocol/wire';

/** Rekognition's exceptions, with the messages the service gives them. */
export const RekognitionErrors = {
  invalidParameter: (message = 'Request has invalid parameters') =>
    new AwsError('InvalidParameterException', message, 400),
  invalidImageFormat: (message = 'Request has invalid image format') =>
    new AwsError('InvalidImageFormatException', message, 400),
  imageTooLarge: (message = 'Image size is too large.') => new AwsError('ImageTooLargeException', message, 400),
  invalidS3Object: (
    message = 'Unable to get object metadata from S3. Check object key, region and/or access permissions.',
  ) => new AwsError('InvalidS3ObjectException', message, 400),
  collectionNotFound: (collectionId: string) =>
    new AwsError('ResourceNotFoundException', `The collection id: ${collectionId} does not exist`, 400),
  collectionExists: (collectionId: string) =>
    new AwsError('ResourceAlreadyExistsException', `The collection id: ${collectionId} already exists`, 400),
  jobNotFound: (jobId: string) => new AwsError('ResourceNotFoundException', `The job id: ${jobId} does not exist`, 400),
  invalidPaginationToken: () => new AwsError('InvalidPaginationTokenException', 'Invalid Token', 400),
  idempotentParameterMismatch: () =>
    new AwsError(
      'IdempotentParameterMismatchException',
      'ClientRequestToken was used before with different parameters',
      400,
    ),
  limitExceeded: (message: string) => new AwsError('LimitExceededException', message, 400),
  videoTooLarge: (message = 'Video size is too large.') => new AwsError('VideoTooLargeException', message, 400),
};
