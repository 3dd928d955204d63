import { randomUUID } from 'node:crypto';

/**
 * The AWS protocols a stand-in can speak, as the service models name them: JSON 1.0/1.1 RPC (`X-Amz-Target`),
 * REST with JSON bodies, the query protocol (form in, XML out), and REST with XML bodies (S3).
 */
export type AwsProtocol = 'json' | 'rest-json' | 'query' | 'rest-xml';

/** What an endpoint sends back. */
export interface AwsResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/**
 * A failure a stand-in reports the way the service does. `code` is the exception name the service model gives it
 * (the SDK turns it into the exception class of that name); `namespace` is what JSON services prefix it with.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number = 400,
    readonly options: { readonly namespace?: string; readonly fault?: 'Sender' | 'Receiver' } = {},
  ) {
    super(message);
    this.name = code;
  }
}

/** The failures of the protocol layer itself, which every AWS service reports under the coral namespace. */
export const CORAL_NAMESPACE = 'com.amazon.coral.service';

/** Anything thrown with a `code` and a `statusCode` (AwsError, the backends' HttpError) is a service error. */
interface CodedError {
  readonly code: string;
  readonly statusCode: number;
  readonly message: string;
  readonly options?: AwsError['options'];
}

function isCodedError(error: unknown): error is CodedError {
  return (
    error instanceof Error &&
    typeof (error as Partial<CodedError>).code === 'string' &&
    typeof (error as Partial<CodedError>).statusCode === 'number'
  );
}

export interface WireOptions {
  readonly protocol: AwsProtocol;
  /** JSON: the `__type` prefix of service errors (e.g. `com.amazonaws.swf.service.v2.model`). @default none */
  readonly errorNamespace?: string;
  /** JSON 1.0 or 1.1 content type. @default 'application/x-amz-json-1.0' */
  readonly jsonContentType?: string;
  /** Query: the XML namespace of responses, e.g. `https://sts.amazonaws.com/doc/2011-06-15/`. */
  readonly xmlNamespace?: string;
  /** REST-JSON: the body's message member; most services say `message`, some `Message`. @default 'message' */
  readonly messageMember?: string;
}

/** The one place a thrown error becomes the service's error response, in the protocol's shape. */
export function errorResponse(error: unknown, wire: WireOptions, requestId: string = randomUUID()): AwsResponse {
  let coded: CodedError;
  if (isCodedError(error)) {
    coded = error;
  } else {
    console.error('local service: unhandled error', error);
    coded = new AwsError('InternalFailure', 'An internal error occurred', 500, { fault: 'Receiver' });
  }
  const namespace = coded.options?.namespace ?? wire.errorNamespace;
  switch (wire.protocol) {
    case 'json':
      return {
        statusCode: coded.statusCode,
        headers: {
          'Content-Type': wire.jsonContentType ?? 'application/x-amz-json-1.0',
          'x-amzn-RequestId': requestId,
          'x-amzn-ErrorType': coded.code,
        },
        body: Buffer.from(
          JSON.stringify({ __type: namespace ? `${namespace}#${coded.code}` : coded.code, message: coded.message }),
        ),
      };
    case 'rest-json':
      return {
        statusCode: coded.statusCode,
        headers: {
          'Content-Type': 'application/json',
          'x-amzn-RequestId': requestId,
          'x-amzn-ErrorType': coded.code,
        },
        body: Buffer.from(JSON.stringify({ [wire.messageMember ?? 'message']: coded.message })),
      };
    case 'query': {
      const fault = coded.options?.fault ?? (coded.statusCode >= 500 ? 'Receiver' : 'Sender');
      const xmlns = wire.xmlNamespace ? ` xmlns="${wire.xmlNamespace}"` : '';
      return xmlResponse(
        coded.statusCode,
        `<ErrorResponse${xmlns}><Error><Type>${fault}</Type><Code>${xmlEscape(coded.code)}</Code>` +
          `<Message>${xmlEscape(coded.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        requestId,
      );
    }
    case 'rest-xml':
      return xmlResponse(
        coded.statusCode,
        `<Error><Code>${xmlEscape(coded.code)}</Code><Message>${xmlEscape(coded.message)}</Message>` +
          `<RequestId>${requestId}</RequestId></Error>`,
        requestId,
      );
  }
}

export function jsonResponse(
  statusCode: number,
  value: unknown,
  requestId: string,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): AwsResponse {
  return {
    statusCode,
    headers: { 'Content-Type': contentType, 'x-amzn-RequestId': requestId, ...headers },
    body: Buffer.from(value === undefined ? '{}' : JSON.stringify(value, epochSecondsForDates)),
  };
}

export function xmlResponse(statusCode: number, xml: string, requestId: string): AwsResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId },
    body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`),
  };
}

export function xmlEscape(value: string): string {
  return value.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );
}

/** AWS JSON protocols send timestamps as epoch seconds; `Date#toJSON` would make them ISO strings. */
function epochSecondsForDates(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return original instanceof Date ? original.getTime() / 1000 : value;
}
