import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { verifySigV4, type RawRequest } from '../apigateway/sigv4';
import { rawRequest, readBody } from '../http-request';
import type { Principal, Principals } from '../principals';
import { AwsError, CORAL_NAMESPACE, errorResponse, type AwsResponse, type WireOptions } from './wire';

/** A request whose signature was verified, with who signed it. */
export interface AwsRequest extends RawRequest {
  readonly principal: Principal;
  readonly requestId: string;
}

export interface AwsEndpointOptions extends WireOptions {
  /** The service's signing name (the `<service>` of the credential scope), e.g. `dynamodb`, `states`, `es`. */
  readonly signingName: string;
  readonly region: string;
  readonly principals: Principals;
  /** Larger bodies are refused before they are read whole. @default 16 MiB */
  readonly maxBodyBytes?: number;
  /** Answers a verified request. */
  handle?(request: AwsRequest): Promise<AwsResponse>;
  /**
   * Hands a verified request to an engine that speaks the wire protocol itself (dynalite): `incoming` replays the
   * request with its body; the engine writes `response`. Used instead of `handle`.
   */
  forward?(request: AwsRequest, incoming: http.IncomingMessage, response: http.ServerResponse): void;
  /**
   * Requests served as streams (a long upload or a response that streams, such as Kinesis Video's PutMedia and
   * GetMedia): their signature is checked on the headers with the payload hash the caller declared
   * (`UNSIGNED-PAYLOAD`, `STREAMING-…`), then `handleStream` reads and writes the message itself.
   * @default none
   */
  readonly streams?: (request: http.IncomingMessage) => boolean;
  handleStream?(request: http.IncomingMessage, response: http.ServerResponse, principal: Principal): Promise<void>;
  /**
   * Requests the service answers without a signature (none of AWS's APIs do; a local health check might).
   * @default none
   */
  readonly anonymous?: (request: RawRequest) => boolean;
}

export interface RunningEndpoint {
  readonly endpoint: string;
  readonly server: http.Server;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const DECLARED_PAYLOAD_HASH = /^(UNSIGNED-PAYLOAD|STREAMING-[A-Z0-9-]+|[0-9a-f]{64})$/;

/**
 * The front end every local AWS service listens behind: it reads the request, verifies its SigV4 signature against
 * the local principals (signing name, region, date, session token) and answers a failed check as the service's
 * protocol does, so a stand-in only ever sees signed requests and never writes its own auth code.
 */
export function createAwsRequestListener(
  options: AwsEndpointOptions,
): (request: http.IncomingMessage, response: http.ServerResponse) => void {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return (request, response) => {
    const requestId = randomUUID();
    const answer = async (): Promise<AwsResponse | undefined> => {
      if (options.streams?.(request) && options.handleStream) {
        const declared = String(request.headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD');
        if (!DECLARED_PAYLOAD_HASH.test(declared)) {
          throw new AwsError('InvalidSignatureException', 'x-amz-content-sha256 is not a payload hash', 400, {
            namespace: CORAL_NAMESPACE,
          });
        }
        const principal = verify(rawRequest(request, Buffer.alloc(0)), options, declared);
        await options.handleStream(request, response, principal);
        return undefined;
      }
      const body = await readBody(request, maxBodyBytes);
      if (body === undefined) {
        throw new AwsError('RequestEntityTooLargeException', 'Request body is too large', 413);
      }
      const raw = rawRequest(request, body);
      const principal = options.anonymous?.(raw) ? ANONYMOUS : verify(raw, options);
      const verified: AwsRequest = { ...raw, principal, requestId };
      if (options.forward) {
        options.forward(verified, replay(request, body), response);
        return undefined;
      }
      if (!options.handle) throw new Error('An AWS endpoint needs handle or forward');
      return options.handle(verified);
    };
    answer().then(
      (result) => {
        if (result) send(response, result);
      },
      (error: unknown) => {
        if (response.headersSent) {
          response.destroy(error instanceof Error ? error : undefined);
          return;
        }
        send(response, errorResponse(error, options, requestId));
      },
    );
  };
}

/** Starts an HTTP server on 127.0.0.1 (`port` 0 picks a free one) behind `createAwsRequestListener`. */
export async function startAwsEndpoint(options: AwsEndpointOptions, port: number): Promise<RunningEndpoint> {
  const server = http.createServer(createAwsRequestListener(options));
  const endpoint = await listen(server, port);
  return { endpoint, server, close: () => closeServer(server) };
}

/** The request again, its body already read: for an engine that reads the message itself. */
function replay(request: http.IncomingMessage, body: Buffer): http.IncomingMessage {
  const stream = Readable.from(body.length > 0 ? [body] : []) as unknown as http.IncomingMessage;
  return Object.assign(stream, {
    method: request.method,
    url: request.url,
    headers: request.headers,
    rawHeaders: request.rawHeaders,
    httpVersion: request.httpVersion,
    socket: request.socket,
  });
}

const ANONYMOUS: Principal = { accessKeyId: '', secretAccessKey: '', accountId: '', arn: '', userId: '' };

function verify(raw: RawRequest, options: AwsEndpointOptions, payloadHash?: string): Principal {
  const verdict = verifySigV4(raw, {
    region: options.region,
    service: options.signingName,
    lookupSecret: options.principals.lookupSecret,
    lookupSessionToken: options.principals.lookupSessionToken,
    payloadHash,
  });
  if (!verdict.ok) throw authError(verdict.errorType, verdict.message, options);
  const principal = options.principals.lookup(verdict.accessKeyId);
  if (!principal) {
    throw authError('UnrecognizedClientException', 'The security token included in the request is invalid.', options);
  }
  return principal;
}

/**
 * A failed signature check as the protocol reports it: JSON services answer 400 with the coral exception, REST and
 * query services 403; the query protocol (STS, IAM) names the failures differently.
 */
function authError(errorType: string, message: string, wire: WireOptions): AwsError {
  if (wire.protocol === 'query') {
    const code =
      {
        UnrecognizedClientException: 'InvalidClientTokenId',
        InvalidSignatureException: 'SignatureDoesNotMatch',
        MissingAuthenticationTokenException: 'MissingAuthenticationToken',
        IncompleteSignatureException: 'IncompleteSignature',
        AccessDeniedException: 'AccessDenied',
      }[errorType] ?? errorType;
    return new AwsError(code, message, errorType === 'IncompleteSignatureException' ? 400 : 403);
  }
  return new AwsError(errorType, message, wire.protocol === 'json' ? 400 : 403, { namespace: CORAL_NAMESPACE });
}

export function send(response: http.ServerResponse, result: AwsResponse): void {
  response.writeHead(result.statusCode, { ...result.headers, 'Content-Length': String(result.body.length) });
  response.end(result.body);
}

export async function listen(server: http.Server, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
