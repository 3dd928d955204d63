import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  UnauthorizedError,
} from '../../shared/http/errors';

/**
 * The eight exception names Pixop's accounts service answers a rejected token with (`{exception, errorMessage}`,
 * HTTP 401). Clients switch on these names (the Java SDK maps each to its own exception class), so they are wire data.
 */
export const AuthExceptions = {
  InvalidToken: 'InvalidJWTTokenFoundException',
  NoToken: 'NoJWTTokenFoundException',
  Expired: 'ExpiredJWTTokenException',
  Premature: 'PrematureJWTTokenException',
  Banned: 'UserBannedException',
  Eternal: 'EternalJWTTokenException',
  InconsistentClaims: 'InconsistentJWTClaimsException',
  General: 'AuthException',
} as const;

export type AuthExceptionName = (typeof AuthExceptions)[keyof typeof AuthExceptions];

/**
 * Names for the failures the seed does not list (bad input, unknown ids, state conflicts). Pixop is a Java service
 * whose error bodies carry the exception's simple class name; these follow that convention.
 */
export const RequestExceptions = {
  BadRequest: 'BadRequestException',
  NotFound: 'NotFoundException',
  Conflict: 'ConflictException',
  Forbidden: 'ForbiddenException',
  BadCredentials: 'InvalidCredentialsException',
} as const;

/** A rejected token or missing credentials: 401 with one of the eight names. */
export class AuthFailure extends UnauthorizedError {
  constructor(
    readonly exception: AuthExceptionName | typeof RequestExceptions.BadCredentials,
    message: string,
  ) {
    super(message, exception);
  }
}

/**
 * A request the API cannot act on. `field` names the request field at fault (dotted path, as in the seed's table),
 * and the message starts with it, so a client sees which value to change.
 */
export class InvalidField extends BadRequestError {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`, RequestExceptions.BadRequest);
  }
}

export function badRequest(message: string): BadRequestError {
  return new BadRequestError(message, RequestExceptions.BadRequest);
}

export function notFound(what: string, id: string): NotFoundError {
  return new NotFoundError(`${what} not found: ${id}`, RequestExceptions.NotFound);
}

export function conflict(message: string): ConflictError {
  return new ConflictError(message, RequestExceptions.Conflict);
}

export function forbidden(message: string): ForbiddenError {
  return new ForbiddenError(message, RequestExceptions.Forbidden);
}

/** Pixop's error body: the exception name and a message. Status codes are the HTTP ones the failure calls for. */
export function errorBody(error: HttpError): { exception: string; errorMessage: string } {
  return { exception: exceptionName(error), errorMessage: error.message };
}

function exceptionName(error: HttpError): string {
  switch (error.code) {
    case 'BadRequestError':
    case 'UnsupportedMediaTypeError':
    case 'PayloadTooLargeError':
      return RequestExceptions.BadRequest;
    case 'NotFoundError':
    case 'MethodNotAllowedError':
      return RequestExceptions.NotFound;
    case 'InternalServerError':
      return 'InternalServerException';
    default:
      return error.code;
  }
}
