import * as http from 'node:http';
import { closeServer, createAwsRequestListener, listen } from '../protocol/endpoint';
import type { LocalService, LocalServiceModule } from '../service-module';
import { LivePackager } from './packaging';
import { handleMediaPackageApi, signedRegion } from './protocol';
import { LocalMediaPackage } from './service';

/** The running MediaPackage module: its resources and fault switches, for tests. */
export interface MediaPackageService extends LocalService {
  readonly mediaPackage: LocalMediaPackage;
}

/**
 * MediaPackage (v1) on one port: the REST-JSON API (`/channels`, `/origin_endpoints`, `/tags`) behind the SigV4
 * front end, channel ingest (`/in/v2/…`, digest authentication) and origin endpoints (`/out/v1/…`, public). The API
 * answers in whatever region a request is signed for; resources belong to the signer's account and that region.
 */
export const mediaPackageModule: LocalServiceModule = {
  name: 'mediapackage',
  listens: true,
  endpointVariable: 'AWS_ENDPOINT_URL_MEDIAPACKAGE',
  outputKey: 'MediaPackageEndpoint',
  resourceTypes: {},
  async start({ cloud, directory, port }): Promise<MediaPackageService> {
    const mediaPackage = new LocalMediaPackage(directory);
    const packager = new LivePackager(mediaPackage);
    const listeners = new Map<string, ReturnType<typeof createAwsRequestListener>>();
    const api = (region: string) => {
      let listener = listeners.get(region);
      if (!listener) {
        listener = createAwsRequestListener({
          protocol: 'rest-json',
          signingName: 'mediapackage',
          region,
          principals: cloud.principals,
          maxBodyBytes: 1024 * 1024,
          handle: (request) => handleMediaPackageApi(request, region, mediaPackage),
        });
        listeners.set(region, listener);
      }
      return listener;
    };
    const server = http.createServer((request, response) => {
      if (packager.handle(request, response)) return;
      const query = (request.url ?? '').split('?')[1] ?? '';
      api(signedRegion(request.headers, query) ?? cloud.region)(request, response);
    });
    // An encoder with credentials asks before sending a segment; answer the digest challenge before the body.
    server.on('checkContinue', (request, response) => {
      if ((request.url ?? '').startsWith('/in/v2/') && !packager.preflight(request, response)) return;
      response.writeContinue();
      server.emit('request', request, response);
    });
    const endpoint = await listen(server, port);
    mediaPackage.baseUrl = endpoint;
    return { endpoint, mediaPackage, close: () => closeServer(server) };
  },
};
