/**
 * One error type per failure kind. Handlers and domain code throw these; each API family turns them into its own
 * wire format in exactly one place (see `ApiHandlerOptions.formatError`).
 */
export abstract class HttpError extends Error {
  abstract readonly statusCode: number;
  /** The error's name in the original API's vocabulary (e.g. chalice's `BadRequestError`). */
  readonly code: string;

  constructor(message: string, code?: string) {
    super(message);
    this.code = code ?? this.constructor.name;
    this.name = this.code;
  }
}

export class BadRequestError extends HttpError {
  readonly statusCode = 400;
}

export class UnauthorizedError extends HttpError {
  readonly statusCode = 401;
}

export class ForbiddenError extends HttpError {
  readonly statusCode = 403;
}

export class NotFoundError extends HttpError {
  readonly statusCode = 404;
}

export class MethodNotAllowedError extends HttpError {
  readonly statusCode = 405;
}

export class ConflictError extends HttpError {
  readonly statusCode = 409;
}

export class PayloadTooLargeError extends HttpError {
  readonly statusCode = 413;
}

export class UnsupportedMediaTypeError extends HttpError {
  readonly statusCode = 415;
}

/** A failure that is ours, not the caller's. The message is logged, never returned. */
export class InternalServerError extends HttpError {
  readonly statusCode = 500;
}
