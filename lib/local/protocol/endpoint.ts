import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Duplex, Readable } from 'node:stream';
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
  /**
   * Also speak HTTP/2 without TLS (prior knowledge) on the same port, as the service's SDK client sends every request
   * over HTTP/2 when the service has a bidirectional streaming operation (Polly). HTTP/1.1 keeps working for other
   * tools.
   * @default false
   */
  readonly http2?: boolean;
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
  const listener = createAwsRequestListener(options);
  const server = http.createServer(listener);
  const sessions = options.http2 ? acceptHttp2(server, listener) : new Set<http2.Http2Session>();
  const endpoint = await listen(server, port);
  return {
    endpoint,
    server,
    close: () => {
      for (const session of sessions) session.destroy();
      return closeServer(server);
    },
  };
}

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0');

/**
 * Hands connections that open with the HTTP/2 preface to an HTTP/2 server sharing the request listener (its
 * compatibility request and response stand in for Node's HTTP/1 ones), and every other connection to `server`.
 * Returns the open HTTP/2 sessions, which closing the server must end.
 */
function acceptHttp2(
  server: http.Server,
  listener: (request: http.IncomingMessage, response: http.ServerResponse) => void,
): Set<http2.Http2Session> {
  const h2 = http2.createServer(
    listener as unknown as (request: http2.Http2ServerRequest, response: http2.Http2ServerResponse) => void,
  );
  const sessions = new Set<http2.Http2Session>();
  h2.on('session', (session: http2.Http2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  const http1 = server.listeners('connection') as Array<(socket: import('node:net').Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: import('node:net').Socket) => {
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      if (chunk.subarray(0, HTTP2_PREFACE.length).equals(HTTP2_PREFACE)) {
        h2.emit('connection', replayedSocket(socket, chunk));
      } else {
        socket.unshift(chunk);
        for (const handle of http1) handle.call(server, socket);
        socket.resume();
      }
    });
  });
  return sessions;
}

/**
 * The socket as a stream that first gives back what was already read from it: HTTP/2 reads a `net.Socket` from its
 * native handle, where the bytes read to recognise the preface are gone, but reads any other stream through JS.
 */
function replayedSocket(socket: import('node:net').Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read: () => {
      socket.resume();
    },
    write: (chunk: Buffer, _encoding, callback) => {
      socket.write(chunk, callback);
    },
    final: (callback) => {
      socket.end(callback);
    },
    destroy: (error, callback) => {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  stream.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('error', (error) => stream.destroy(error));
  socket.on('close', () => stream.destroy());
  return stream;
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

/**
 * Idle keep-alive connections stay open 65 s, as AWS endpoints keep them, not Node's 5 s: a client that sends its next
 * request on a pooled socket just as the server closes it gets "socket hang up" (Node's own agent frees sockets after
 * 5 s too, so the two race under load). Clients close first, as they do against AWS.
 */
export function keepConnectionsLikeAws(server: http.Server): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}

export async function listen(server: http.Server, port: number): Promise<string> {
  keepConnectionsLikeAws(server);
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
