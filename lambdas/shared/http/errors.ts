/**
 * One error type per failure kind. Handlers and domain code throw these; each API family turns them into its own
 * wire format in exactly one place (see `ApiHandlerOptions.formatError`).
 */
export abstract class HttpError extends Error {
  abstract readonly statusCode: number;
  /** The error's name in the original API's vocabulary (e.g. chalice's `BadRequestError`). */
  readonly code: string;

  // The default code is spelled out per class, never taken from `constructor.name`: minified bundles rename classes.
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
    this.name = code;
  }
}

export class BadRequestError extends HttpError {
  readonly statusCode = 400;
  constructor(message: string, code = 'BadRequestError') {
    super(message, code);
  }
}

export class UnauthorizedError extends HttpError {
  readonly statusCode = 401;
  constructor(message: string, code = 'UnauthorizedError') {
    super(message, code);
  }
}

export class ForbiddenError extends HttpError {
  readonly statusCode = 403;
  constructor(message: string, code = 'ForbiddenError') {
    super(message, code);
  }
}

export class NotFoundError extends HttpError {
  readonly statusCode = 404;
  constructor(message: string, code = 'NotFoundError') {
    super(message, code);
  }
}

export class MethodNotAllowedError extends HttpError {
  readonly statusCode = 405;
  constructor(message: string, code = 'MethodNotAllowedError') {
    super(message, code);
  }
}

export class ConflictError extends HttpError {
  readonly statusCode = 409;
  constructor(message: string, code = 'ConflictError') {
    super(message, code);
  }
}

export class PayloadTooLargeError extends HttpError {
  readonly statusCode = 413;
  constructor(message: string, code = 'PayloadTooLargeError') {
    super(message, code);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  readonly statusCode = 415;
  constructor(message: string, code = 'UnsupportedMediaTypeError') {
    super(message, code);
  }
}

/** A failure that is ours, not the caller's. The message is logged, never returned. */
export class InternalServerError extends HttpError {
  readonly statusCode = 500;
  constructor(message: string, code = 'InternalServerError') {
    super(message, code);
  }
}
