import type { AwsRequest } from './endpoint';
import { AwsError, CORAL_NAMESPACE, jsonResponse, type AwsResponse } from './wire';

/** One operation of a JSON RPC service: its input as parsed JSON, its output serialized as JSON. */
export type JsonOperation = (input: Record<string, unknown>, request: AwsRequest) => Promise<unknown> | unknown;

export interface JsonRpcOptions {
  /** `X-Amz-Target` is `<targetPrefix>.<Operation>`, e.g. `DynamoDB_20120810`, `AWSStepFunctions`. */
  readonly targetPrefix: string;
  /** @default 'application/x-amz-json-1.0' */
  readonly contentType?: string;
  readonly operations: Readonly<Record<string, JsonOperation>>;
}

/**
 * The JSON 1.0/1.1 RPC protocol: `POST /`, the operation in `X-Amz-Target`, a JSON object in and out. Unknown
 * operations and bodies that are not a JSON object are answered as every such AWS service answers them.
 */
export function jsonRpc(options: JsonRpcOptions): (request: AwsRequest) => Promise<AwsResponse> {
  const contentType = options.contentType ?? 'application/x-amz-json-1.0';
  return async (request) => {
    const target = request.headers.find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1] ?? '';
    const prefix = `${options.targetPrefix}.`;
    const name = target.startsWith(prefix) ? target.slice(prefix.length) : '';
    const operation = Object.hasOwn(options.operations, name) ? options.operations[name] : undefined;
    if (request.method.toUpperCase() !== 'POST' || !operation) {
      throw new AwsError('UnknownOperationException', `Unknown operation: ${request.method} ${target}`, 400, {
        namespace: CORAL_NAMESPACE,
      });
    }
    const output = await operation(parseJsonObject(request.body), request);
    return jsonResponse(200, output ?? {}, request.requestId, contentType);
  };
}

/** A JSON object body; an empty body is `{}`. Members that are `null` are absent, as the SDKs mean them. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new AwsError('SerializationException', 'Request body is not valid JSON', 400, {
      namespace: CORAL_NAMESPACE,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsError('SerializationException', 'Request body must be a JSON object', 400, {
      namespace: CORAL_NAMESPACE,
    });
  }
  return Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== null));
}
