import { HttpError } from '../../../lambdas/shared/http/errors';

/**
 * A failure of a Step Functions API call. `code` is the exception name AWS returns in `__type`; the AWS SDK turns it
 * into the exception class of the same name, so callers can rely on `instanceof ExecutionDoesNotExist`.
 */
export abstract class StepFunctionsApiError extends HttpError {
  readonly statusCode: number = 400;
}

export class StateMachineDoesNotExist extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'StateMachineDoesNotExist');
  }
}

export class StateMachineAlreadyExists extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'StateMachineAlreadyExists');
  }
}

export class StateMachineTypeNotSupported extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'StateMachineTypeNotSupported');
  }
}

export class ExecutionDoesNotExist extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'ExecutionDoesNotExist');
  }
}

export class ExecutionAlreadyExists extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'ExecutionAlreadyExists');
  }
}

export class InvalidDefinition extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'InvalidDefinition');
  }
}

export class InvalidArn extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'InvalidArn');
  }
}

export class InvalidName extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'InvalidName');
  }
}

export class InvalidExecutionInput extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'InvalidExecutionInput');
  }
}

export class InvalidOutput extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'InvalidOutput');
  }
}

export class InvalidToken extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'InvalidToken');
  }
}

export class TaskDoesNotExist extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'TaskDoesNotExist');
  }
}

export class TaskTimedOut extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'TaskTimedOut');
  }
}

export class ResourceNotFound extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'ResourceNotFound');
  }
}

export class ValidationException extends StepFunctionsApiError {
  constructor(message: string) {
    super(message, 'ValidationException');
  }
}

/** Raised once `close()` has begun: the service no longer starts work it could not finish. */
export class ServiceUnavailable extends HttpError {
  readonly statusCode = 503;
  constructor(message: string) {
    super(message, 'ServiceUnavailable');
  }
}

/** The JSON 1.0 protocol's own errors, raised before any Step Functions action runs. */
export class UnknownOperationException extends HttpError {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message, 'UnknownOperationException');
  }
}

export class SerializationException extends HttpError {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message, 'SerializationException');
  }
}
