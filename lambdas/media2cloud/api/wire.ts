import { HttpError, InternalServerError, json, type ApiResponse, type RouteHandler } from '../../shared/http';
import { logger } from '../shared/logger';
import { ErrorNames } from './domain/errors';

/** The conventions the original's `BaseOp` applies to every answer, in one place. */

/**
 * The original's CORS headers. It echoes the caller's `Origin` with `Allow-Credentials: true`; SigV4 needs no
 * cookies, so any origin may call and credentials are not advertised.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, GET, DELETE, OPTIONS',
  'Access-Control-Allow-Headers':
    'Authorization, Host, Content-Type, X-Amz-Date, X-Api-Key, X-Amz-Security-Token, x-amz-content-sha256, x-amz-user-agent',
};

/** An error already in the API's words; only `withRequestContext` builds these. */
class Media2CloudError extends HttpError {
  constructor(
    readonly statusCode: number,
    message: string,
    code: string,
  ) {
    super(message, code);
  }
}

/**
 * `{errorCode, errorName, errorMessage}`, the original's error body. The original always answers HTTP 200 with
 * `errorCode: 500`; we send the real status, and the same number as `errorCode`.
 */
export function formatMedia2CloudError(error: HttpError): ApiResponse {
  return json(error.statusCode, {
    errorCode: error.statusCode,
    errorName: errorName(error),
    errorMessage: error.message,
  });
}

/**
 * The original prefixes every error message with the request (`GET /assets - ...`), though after the dash it puts
 * only the error's name; we put the reason there. Anything that is not an `HttpError` is ours: logged, never shown.
 */
export function withRequestContext<Key extends string>(
  routes: Readonly<Record<Key, RouteHandler>>,
): Record<Key, RouteHandler> {
  const wrapped = {} as Record<Key, RouteHandler>;
  for (const key of Object.keys(routes) as Key[]) {
    const route = routes[key];
    wrapped[key] = async (request) => {
      try {
        return await route(request);
      } catch (error) {
        const where = `${request.method} ${request.path}`;
        if (error instanceof HttpError) {
          throw new Media2CloudError(error.statusCode, `${where} - ${error.message}`, errorName(error));
        }
        logger.error('Unhandled error', { route: where, error });
        throw new InternalServerError(`${where} - An internal error occurred`);
      }
    };
  }
  return wrapped;
}

/** Every caller mistake is an `M2CException` in the original, including those the shared layers detect. */
function errorName(error: HttpError): string {
  return error.code === 'BadRequestError' ? ErrorNames.Invalid : error.code;
}
