import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

export type { Logger };

/**
 * A backend's logger (Powertools): one JSON object per line on stdout/stderr, which CloudWatch and local mode both
 * show as written. The service is the function's `POWERTOOLS_SERVICE_NAME` (`NodeFunction` sets it to its construct
 * path), else the backend's name. Create it once, at module scope, so cold starts are counted per environment.
 */
export function backendLogger(backend: string): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || backend });
}

/**
 * Gives the logger the invocation's context (request id, function, cold start) before the handler runs, as
 * Powertools' `injectLambdaContext` does for class methods and middy. A call without a Lambda context (a test
 * calling the handler directly) logs without it.
 */
export function withLogContext<Event, Result, LambdaContext extends Partial<Context> | undefined = Context>(
  logger: Pick<Logger, 'addContext'>,
  handler: (event: Event, context: LambdaContext) => Promise<Result>,
): (event: Event, context?: LambdaContext) => Promise<Result> {
  return (event, context) => {
    const lambdaContext = context as Partial<Context> | undefined;
    if (lambdaContext?.awsRequestId) logger.addContext(lambdaContext as Context);
    return handler(event, context as LambdaContext);
  };
}
