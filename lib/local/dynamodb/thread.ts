import type * as http from 'node:http';
import type { MessagePort } from 'node:worker_threads';
import { Principals, type Principal } from '../principals';
import { createAwsRequestListener, listen } from '../protocol/endpoint';
import { exposeToParent } from '../threads/engine-thread';
import { createDynalite } from './dynalite';

export interface DynamoDbThreadInit {
  readonly directory: string;
  readonly region: string;
  readonly port: number;
  readonly principals: readonly Principal[];
}

export type DynamoDbThreadMethods = {
  start(): Promise<string>;
  addPrincipal(principal: Principal): void;
  close(): Promise<void>;
};

/**
 * Runs dynalite (LevelDB under `directory`) behind the SigV4 front end in this worker thread. dynalite checks only
 * that a request looks signed; the front end verifies it, and dynalite never sees an unsigned request.
 */
export function serveThread(port: MessagePort, init: DynamoDbThreadInit): void {
  const principals = new Principals(init.principals);
  const engine = createDynalite({ path: init.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // dynalite's own server listens, so that closing it also closes the LevelDB store; its requests reach dynalite
  // only through the front end.
  const dynaliteHandler = engine.listeners('request')[0] as http.RequestListener;
  engine.removeAllListeners('request');
  engine.on(
    'request',
    createAwsRequestListener({
      protocol: 'json',
      signingName: 'dynamodb',
      region: init.region,
      principals,
      // Like DynamoDB, the health check answers without a signature; nothing else does.
      anonymous: (request) => request.method === 'GET' && request.rawPath === '/',
      forward: (_request, incoming, response) => {
        // dynalite answers any Origin with `Access-Control-Allow-Origin: *`; no template configures CORS here.
        delete incoming.headers.origin;
        dynaliteHandler(incoming, response);
      },
    }),
  );
  exposeToParent(port, {
    start: () => listen(engine, init.port),
    addPrincipal: (principal: Principal) => principals.add(principal),
    close: () =>
      new Promise<void>((resolve) => {
        engine.close(() => resolve());
        engine.closeAllConnections();
      }),
  } satisfies DynamoDbThreadMethods);
}
