import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../../shared/http';

/**
 * The error names the original puts in `errorName`. It raises `M2CException` for every mistake of the caller and
 * passes S3's own error name through when the source object is missing; we keep those names and add the HTTP
 * status the original never sent.
 */
export const ErrorNames = {
  Invalid: 'M2CException',
  NotFound: 'NotFound',
  AccessDenied: 'AccessDenied',
} as const;

export function invalid(message: string): BadRequestError {
  return new BadRequestError(message, ErrorNames.Invalid);
}

export function notFound(message: string): NotFoundError {
  return new NotFoundError(message, ErrorNames.NotFound);
}

export function assetNotFound(uuid: string): NotFoundError {
  return notFound(`asset ${uuid} not found`);
}

/** The original's wording for a uuid that already names an asset with another key. */
export function uuidInUse(uuid: string): ConflictError {
  return new ConflictError(`${uuid} is already used for other asset`, ErrorNames.Invalid);
}

/** Ours: the original starts a second run on an asset still being processed. */
export function runInFlight(uuid: string): ConflictError {
  return new ConflictError(`${uuid} is being processed; try again when its current run has ended`, ErrorNames.Invalid);
}

export function accessDenied(message: string): ForbiddenError {
  return new ForbiddenError(message, ErrorNames.AccessDenied);
}
