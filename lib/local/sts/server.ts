import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalIdentities } from '../credentials';
import { rawRequest, readBody } from '../http-request';
import { handleStsRequest } from './protocol';
import { LocalSts } from './service';

export interface LocalStsServer {
  readonly endpoint: string;
  readonly sts: LocalSts;
  close(): Promise<void>;
}

/** The local STS behind its own listener (the query protocol at `/`). */
export async function startStsServer(options: {
  dataDir: string;
  identities: LocalIdentities;
  region: string;
  port?: number;
}): Promise<LocalStsServer> {
  const sts = new LocalSts({ dataDir: options.dataDir, identities: options.identities });
  const server = http.createServer((request, response) => {
    readBody(request, 64 * 1024)
      .then((body) => {
        const result =
          body === undefined
            ? { statusCode: 413, headers: {}, body: Buffer.alloc(0) }
            : handleStsRequest(rawRequest(request, body), {
                sts,
                identities: options.identities,
                region: options.region,
              });
        response.writeHead(result.statusCode, { ...result.headers, 'Content-Length': String(result.body.length) });
        response.end(result.body);
      })
      .catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
