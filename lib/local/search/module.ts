import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { LocalService, LocalServiceModule } from '../service-module';
import { EngineThread } from '../threads/engine-thread';
import type { SearchThreadInit, SearchThreadMethods } from './thread';

/**
 * OpenSearch Service: every domain of the templates is served by one OpenSearch-compatible endpoint, under its
 * name, backed by the SQLite full-text engine (see README.md here). A domain's `DomainEndpoint` is that URL, so
 * functions keep their OpenSearch client and SigV4 signing. Nothing of a domain's configuration matters locally
 * (instances, storage, encryption); requests only need a valid signature, the access policy is not evaluated.
 * The endpoint runs in its own worker thread: a search or an index rebuild never holds up the other services.
 */
export const openSearchModule: LocalServiceModule = {
  name: 'search',
  listens: true,
  outputKey: 'SearchEndpoint',
  resourceTypes: {
    'AWS::OpenSearchService::Domain': {
      physicalId: ({ explicit, generated }) => explicit('DomainName') ?? searchDomainName(generated),
      arn: ({ name, region, accountId }) => `arn:aws:es:${region}:${accountId}:domain/${name}`,
      attributes: {
        DomainArn: ({ name, region, accountId }) => `arn:aws:es:${region}:${accountId}:domain/${name}`,
        // A URL, where AWS gives a bare host name: clients of a local domain must know it is plain http on a port.
        DomainEndpoint: ({ name, endpoint }) => `${endpoint('search')}/${encodeURIComponent(name)}`,
        DomainEndpointV2: ({ name, endpoint }) => `${endpoint('search')}/${encodeURIComponent(name)}`,
        Id: ({ name, accountId }) => `${accountId}/${name}`,
      },
    },
  },
  async start({ cloud, directory, port }): Promise<LocalService> {
    const init: SearchThreadInit = { directory, region: cloud.region, port, principals: cloud.principals.snapshot() };
    const thread = EngineThread.start<SearchThreadMethods>(path.join(__dirname, 'thread'), init, {
      principals: cloud.principals,
    });
    const endpoint = await thread.startEngine();
    return {
      endpoint,
      deploy: async ({ resolver, logicalId }) => {
        await thread.call('addDomain', resolver.physicalId(logicalId));
      },
      close: () => thread.stopEngine(),
    };
  },
};

/**
 * A generated domain name within OpenSearch Service's rules (lower case, `[a-z0-9-]`, at most 28 characters, starting
 * with a letter). A longer name keeps its start and gets a hash of the whole, as CloudFormation adds a suffix.
 */
export function searchDomainName(generated: string): string {
  const name = generated
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '');
  if (name.length <= 28) return name;
  const hash = createHash('sha256').update(generated).digest('hex').slice(0, 8);
  return `${name.slice(0, 19).replace(/-+$/, '')}-${hash}`;
}
