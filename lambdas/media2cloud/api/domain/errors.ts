import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, HttpError } from '../../../shared/http';

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

/**
 * A service's refusal of the caller's request (a collection that exists already, a user pool group that does not),
 * passed on under the service's exception name, as the original passes it, with the status it stands for.
 */
export class ServiceRefusal extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

/** A service that cannot answer now (throttled) or here (local mode has no stand-in that could do the work). */
class UnavailableError extends HttpError {
  constructor(
    readonly statusCode: number,
    message: string,
    code: string,
  ) {
    super(message, code);
  }
}

/** Work the original does that mediaplane does not do (yet), said plainly: a 501 `NotImplemented`. */
export function notImplemented(message: string): HttpError {
  return new UnavailableError(501, message, 'NotImplemented');
}

/** The `HttpError` a refusal answers as: its status, the service's exception name as `errorName`. */
export function refused(refusal: ServiceRefusal): HttpError {
  switch (refusal.statusCode) {
    case 403:
      return new ForbiddenError(refusal.message, refusal.errorName);
    case 404:
      return new NotFoundError(refusal.message, refusal.errorName);
    case 409:
      return new ConflictError(refusal.message, refusal.errorName);
    case 429:
    case 501:
    case 503:
      return new UnavailableError(refusal.statusCode, refusal.message, refusal.errorName);
    default:
      return new BadRequestError(refusal.message, refusal.errorName);
  }
}
