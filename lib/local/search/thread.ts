import type { MessagePort } from 'node:worker_threads';
import { Principals, type Principal } from '../principals';
import { exposeToParent } from '../threads/engine-thread';
import { LocalSearchServer } from './server';

export interface SearchThreadInit {
  readonly directory: string;
  readonly region: string;
  readonly port: number;
  readonly principals: readonly Principal[];
}

/** The methods the main thread calls on the search engine's thread. */
export type SearchThreadMethods = {
  start(): Promise<string>;
  addDomain(name: string): string;
  addPrincipal(principal: Principal): void;
  close(): Promise<void>;
};

/** Runs the OpenSearch-compatible endpoint (and its SQLite engine) in this worker thread. */
export function serveThread(port: MessagePort, init: SearchThreadInit): void {
  const principals = new Principals(init.principals);
  let server: LocalSearchServer | undefined;
  const running = () => {
    if (!server) throw new Error('the search endpoint has not started');
    return server;
  };
  const parent = exposeToParent(port, {
    start: async () => {
      server = await LocalSearchServer.start(
        {
          directory: init.directory,
          region: init.region,
          lookupSecret: principals.lookupSecret,
          lookupSessionToken: principals.lookupSessionToken,
          log: (message) => parent.log(message),
        },
        init.port,
      );
      return server.endpoint;
    },
    addDomain: (name: string) => running().addDomain(name),
    addPrincipal: (principal: Principal) => principals.add(principal),
    close: () => running().close(),
  } satisfies SearchThreadMethods);
}
