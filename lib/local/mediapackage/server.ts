import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { LocalIdentities } from '../credentials';
import { rawRequest, readBody } from '../http-request';
import { LivePackager } from './packaging';
import { handleMediaPackageApi } from './protocol';
import { LocalMediaPackage } from './service';

const MAX_API_BYTES = 1024 * 1024;

export interface LocalMediaPackageServer {
  readonly endpoint: string;
  readonly service: LocalMediaPackage;
  close(): Promise<void>;
}

/**
 * One listener for everything MediaPackage answers: the API (`/channels`, `/origin_endpoints`, `/tags`), channel
 * ingest (`/in/v2/…`) and origin endpoints (`/out/v1/…`). Resources persist under `dataDir`.
 */
export async function startMediaPackageServer(options: {
  dataDir: string;
  identities: LocalIdentities;
  port?: number;
}): Promise<LocalMediaPackageServer> {
  const service = new LocalMediaPackage(path.resolve(options.dataDir));
  const packager = new LivePackager(service);
  const api = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    const body = await readBody(request, MAX_API_BYTES);
    const result =
      body === undefined
        ? {
            statusCode: 413,
            headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'UnprocessableEntityException' },
            body: Buffer.from('{"message":"Request too large"}'),
          }
        : handleMediaPackageApi(rawRequest(request, body), { service, identities: options.identities });
    response.writeHead(result.statusCode, { ...result.headers, 'Content-Length': String(result.body.length) });
    response.end(result.body);
  };
  const server = http.createServer((request, response) => {
    if (packager.handle(request, response)) return;
    api(request, response).catch((error: unknown) => {
      console.error('Local MediaPackage error', error);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  // An encoder with credentials asks before sending a segment; answer the digest challenge before the body.
  server.on('checkContinue', (request, response) => {
    if ((request.url ?? '').startsWith('/in/v2/') && !packager.preflight(request, response)) return;
    response.writeContinue();
    server.emit('request', request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  service.baseUrl = endpoint;
  return {
    endpoint,
    service,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
