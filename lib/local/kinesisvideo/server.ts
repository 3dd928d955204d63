import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4, type RawRequest } from '../apigateway/sigv4';
import { rawRequest, readBody } from '../http-request';
import { parseGetMediaRequest, parsePutMediaHeaders, receivePutMedia, streamGetMedia } from './data-plane';
import { errorResponse, invalidArgument, KinesisVideoError, type ErrorResponse } from './errors';
import { KinesisVideoService, type GetMediaFault, type KinesisVideoLimits } from './service';
import { keepConnectionsLikeAws } from '../protocol/endpoint';

export interface LocalKinesisVideoOptions {
  /** Holds the streams and their fragments. */
  readonly directory: string;
  readonly region: string;
  readonly accountId: string;
  readonly lookupSecret: (accessKeyId: string) => string | undefined;
  /** The session token temporary credentials were issued with (they must send it). @default - none needs one */
  readonly lookupSessionToken?: (accessKeyId: string) => string | undefined;
  /** @default the service's quotas */
  readonly limits?: Partial<KinesisVideoLimits>;
}

/** The signing name of both the control plane and the media data plane. */
export const SIGNING_NAME = 'kinesisvideo';
const MAX_JSON_BODY = 1024 * 1024;
/** SHA-256 of the empty string: the payload hash the Producer SDK signs PutMedia with, its body being a stream. */
const EMPTY_PAYLOAD_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

type ControlOperation = (service: KinesisVideoService, body: Record<string, unknown>, endpoint: string) => unknown;

const CONTROL_PLANE: Readonly<Record<string, ControlOperation>> = {
  '/createStream': (service, body) => service.createStream(body),
  '/describeStream': (service, body) => service.describeStream(body),
  '/listStreams': (service, body) => service.listStreams(body),
  '/deleteStream': (service, body) => service.deleteStream(body),
  '/getDataEndpoint': (service, body, endpoint) => service.getDataEndpoint(body, endpoint),
};

/**
 * Kinesis Video Streams on one local HTTP endpoint: the control plane (CreateStream, DescribeStream, ListStreams,
 * DeleteStream, GetDataEndpoint, REST-JSON) and the data plane GetDataEndpoint points back to (PutMedia, GetMedia,
 * both streaming). Every request is SigV4-signed for `kinesisvideo`; PutMedia the way the Producer SDK signs it
 * (empty-body hash) or with UNSIGNED-PAYLOAD. `POST /_mediaplane/faults` arms GetMedia faults for tests.
 */
export class LocalKinesisVideoServer {
  private constructor(
    readonly service: KinesisVideoService,
    private readonly server: http.Server,
    readonly endpoint: string,
  ) {}

  static async start(options: LocalKinesisVideoOptions, port: number): Promise<LocalKinesisVideoServer> {
    const service = new KinesisVideoService(options.directory, options.region, options.accountId, options.limits);
    const server = http.createServer();
    keepConnectionsLikeAws(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const local = new LocalKinesisVideoServer(service, server, endpoint);
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      void local.serve(request, response, options).catch((error: unknown) => {
        console.error('Local Kinesis Video error', error);
        if (!response.headersSent) send(response, internalError());
        else response.destroy();
      });
    });
    return local;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async serve(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    options: LocalKinesisVideoOptions,
  ): Promise<void> {
    const requestId = randomUUID();
    response.setHeader('x-amzn-RequestId', requestId);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const verify = (raw: RawRequest, payloadHash?: string) => {
      const verdict = verifySigV4(raw, {
        region: options.region,
        service: SIGNING_NAME,
        lookupSecret: options.lookupSecret,
        ...(options.lookupSessionToken ? { lookupSessionToken: options.lookupSessionToken } : {}),
        ...(payloadHash ? { payloadHash } : {}),
      });
      return verdict.ok ? undefined : verdict;
    };
    const fail = (error: unknown) =>
      send(response, error instanceof KinesisVideoError ? errorResponse(error, requestId) : internalError());

    if (request.method !== 'POST') {
      send(response, errorResponse(unknownOperation(request.method ?? '', path), requestId));
      request.resume();
      return;
    }

    if (path === '/putMedia') {
      // The body is the media stream itself: check the signature on the headers before reading any of it.
      const claimed = request.headers['x-amz-content-sha256'];
      const denied = verify(
        rawRequest(request, Buffer.alloc(0)),
        claimed === 'UNSIGNED-PAYLOAD' ? 'UNSIGNED-PAYLOAD' : EMPTY_PAYLOAD_HASH,
      );
      if (denied) {
        request.resume();
        send(response, signatureError(denied, requestId));
        return;
      }
      let put;
      try {
        put = parsePutMediaHeaders(this.service, (name) => headerValue(request, name));
        this.service.openPutMedia(put.stream);
      } catch (error) {
        request.resume();
        fail(error);
        return;
      }
      await receivePutMedia(this.service, put, request, response);
      return;
    }

    const body = await readBody(request, MAX_JSON_BODY);
    if (body === undefined) {
      fail(invalidArgument('The request body is too large.'));
      return;
    }
    const raw = rawRequest(request, body);
    const denied = verify(raw);
    if (denied) {
      send(response, signatureError(denied, requestId));
      return;
    }
    let json: Record<string, unknown>;
    try {
      const parsed: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      json = parsed as Record<string, unknown>;
    } catch {
      fail(new KinesisVideoError('SerializationException', 400, 'The request body is not valid JSON.'));
      return;
    }

    if (path === '/getMedia') {
      let started;
      try {
        const { stream: which, selector } = parseGetMediaRequest(json);
        const stream = this.service.resolveStream(which);
        const slot = this.service.openGetMedia(stream);
        started = { stream, selector, slot };
      } catch (error) {
        fail(error);
        return;
      }
      await streamGetMedia(this.service, started.stream, started.selector, response, () => started.slot.release());
      return;
    }

    if (path === '/_mediaplane/faults') {
      try {
        const stream = this.service.resolveStream({ StreamName: json.StreamName });
        if (Array.isArray(json.Faults)) this.service.armFaults(stream.StreamName, json.Faults as GetMediaFault[]);
        const expired =
          typeof json.ExpireFragments === 'number'
            ? this.service.expireFragments(stream.StreamName, json.ExpireFragments)
            : 0;
        send(response, jsonResponse({ Armed: Array.isArray(json.Faults) ? json.Faults.length : 0, Expired: expired }));
      } catch (error) {
        fail(error);
      }
      return;
    }

    const operation = CONTROL_PLANE[path];
    if (!operation) {
      fail(unknownOperation('POST', path));
      return;
    }
    try {
      send(response, jsonResponse(operation(this.service, json, this.endpoint)));
    } catch (error) {
      fail(error);
    }
  }
}

function headerValue(request: http.IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function jsonResponse(value: unknown): ErrorResponse {
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: Buffer.from(JSON.stringify(value)),
  };
}

function unknownOperation(method: string, path: string): KinesisVideoError {
  return new KinesisVideoError('UnknownOperationException', 404, `No operation for ${method} ${path}.`);
}

function internalError(): ErrorResponse {
  return errorResponse(new KinesisVideoError('InternalFailure', 500, 'Internal error.'), randomUUID());
}

/** SigV4 failures: 403 with the verifier's error type, as every AWS JSON service answers them. */
function signatureError(verdict: { errorType: string; message: string }, requestId: string): ErrorResponse {
  return {
    statusCode: 403,
    headers: {
      'Content-Type': 'application/json',
      'x-amzn-ErrorType': verdict.errorType,
      'x-amzn-RequestId': requestId,
    },
    body: Buffer.from(JSON.stringify({ message: verdict.message })),
  };
}

function send(response: http.ServerResponse, answer: ErrorResponse): void {
  response.writeHead(answer.statusCode, { ...answer.headers, 'Content-Length': String(answer.body.length) });
  response.end(answer.body);
}
