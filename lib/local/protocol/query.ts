import type { AwsRequest } from './endpoint';
import { AwsError, xmlResponse, type AwsResponse } from './wire';

/** One operation of a query-protocol service: the form parameters in, the `<…Result>` element's inner XML out. */
export type QueryOperation = (params: URLSearchParams, request: AwsRequest) => Promise<string> | string;

export interface QueryProtocolOptions {
  /** The XML namespace of responses, e.g. `https://sts.amazonaws.com/doc/2011-06-15/`. */
  readonly xmlNamespace: string;
  readonly operations: Readonly<Record<string, QueryOperation>>;
}

/**
 * The query protocol (STS, IAM, SQS's old one): `Action` and its parameters as a form body (or the query string of
 * a GET), answered with `<{Action}Response><{Action}Result>…</{Action}Result><ResponseMetadata>…`.
 */
export function queryProtocol(options: QueryProtocolOptions): (request: AwsRequest) => Promise<AwsResponse> {
  return async (request) => {
    const params = new URLSearchParams(
      request.method.toUpperCase() === 'POST' ? request.body.toString('utf8') : request.rawQuery,
    );
    const action = params.get('Action') ?? '';
    const operation = Object.hasOwn(options.operations, action) ? options.operations[action] : undefined;
    if (!operation) {
      throw new AwsError('InvalidAction', `Could not find operation ${action} for version ${params.get('Version')}`);
    }
    const result = await operation(params, request);
    return xmlResponse(
      200,
      `<${action}Response xmlns="${options.xmlNamespace}"><${action}Result>${result}</${action}Result>` +
        `<ResponseMetadata><RequestId>${request.requestId}</RequestId></ResponseMetadata></${action}Response>`,
      request.requestId,
    );
  };
}
