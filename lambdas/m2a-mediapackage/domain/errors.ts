import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  UnsupportedMediaTypeError,
} from '../../shared/http/errors';

/** Where in the request a JSON:API error points: a query parameter, a JSON pointer into the body, or a header. */
export interface ErrorSource {
  readonly parameter?: string;
  readonly pointer?: string;
  readonly header?: string;
}

/** Bad input, with the part of the request it is about (`errors[].source`). */
export class InvalidInputError extends BadRequestError {
  constructor(
    message: string,
    readonly source?: ErrorSource,
  ) {
    super(message, 'InvalidInput');
  }
}

export class PackagerNotFoundError extends NotFoundError {
  constructor(id: string) {
    super(`Packager ${id} not found`, 'PackagerNotFound');
  }
}

export class TemplateNotFoundError extends NotFoundError {
  constructor(id: string) {
    super(`Template ${id} not found`, 'TemplateNotFound');
  }
}

/** A request that does not fit the resource's current state (a packager's lifecycle, a taken template name). */
export class StateConflictError extends ConflictError {
  constructor(
    message: string,
    readonly source?: ErrorSource,
  ) {
    super(message, 'Conflict');
  }
}

export class PermissionDeniedError extends ForbiddenError {
  constructor(message: string) {
    super(message, 'PermissionDenied');
  }
}

/** JSON:API: a client-generated id on create is refused with 403. */
export class ClientIdRefusedError extends ForbiddenError {
  constructor() {
    super('Client-generated ids are not supported', 'ClientIdRefused');
  }
}

export class NotAcceptableError extends HttpError {
  readonly statusCode = 406;
  constructor(message: string) {
    super(message, 'NotAcceptable');
  }
}

export class MediaTypeError extends UnsupportedMediaTypeError {
  constructor(message: string) {
    super(message, 'UnsupportedMediaType');
  }
}

export function sourceOf(error: HttpError): ErrorSource | undefined {
  return error instanceof InvalidInputError || error instanceof StateConflictError ? error.source : undefined;
}
