import * as path from 'node:path';
import { systemExtras, type Extras } from '../ai-support/extras';
import { ServiceObjects } from '../ai-support/s3-objects';
import { SignedLinks } from '../ai-support/signed-links';
import { startAwsEndpoint } from '../protocol/endpoint';
import { jsonRpc } from '../protocol/json-rpc';
import type { LocalService, LocalServiceModule } from '../service-module';
import { ApertiumTranslator } from './engine';
import { LocalTranslate } from './service';

/** The running Translate module, for tests that wait for parallel data imports. */
export interface TranslateService extends LocalService {
  readonly endpoint: string;
  readonly translate: LocalTranslate;
}

const JSON_1_1 = 'application/x-amz-json-1.1';

/**
 * Amazon Translate over JSON 1.1 RPC: TranslateText with Apertium (an optional extra, see the README), languages,
 * terminologies and parallel data. Terminology and parallel data downloads are pre-signed links this endpoint serves.
 */
export function translateModuleWith(extras: Extras = systemExtras()): LocalServiceModule {
  return {
    name: 'translate',
    listens: true,
    endpointVariable: 'AWS_ENDPOINT_URL_TRANSLATE',
    outputKey: 'TranslateEndpoint',
    resourceTypes: {},
    async start({ cloud, directory, port }): Promise<TranslateService> {
      const objects = new ServiceObjects(cloud);
      const links = new SignedLinks(directory);
      let endpoint = '';
      const translate = new LocalTranslate({
        directory: path.join(directory, 'state'),
        region: cloud.region,
        accountId: cloud.accountId,
        translator: new ApertiumTranslator(extras),
        objects,
        links,
        endpoint: () => endpoint,
      });
      const api = jsonRpc({
        targetPrefix: 'AWSShineFrontendService_20170701',
        contentType: JSON_1_1,
        operations: {
          TranslateText: (input) => translate.translateText(input),
          ListLanguages: (input) => translate.listLanguages(input),
          ImportTerminology: (input) => translate.importTerminology(input),
          GetTerminology: (input) => translate.getTerminology(input),
          ListTerminologies: (input) => translate.listTerminologies(input),
          DeleteTerminology: (input) => translate.deleteTerminology(input),
          CreateParallelData: (input) => translate.createParallelData(input),
          GetParallelData: (input) => translate.getParallelData(input),
          ListParallelData: (input) => translate.listParallelData(input),
          DeleteParallelData: (input) => translate.deleteParallelData(input),
        },
      });
      const running = await startAwsEndpoint(
        {
          protocol: 'json',
          jsonContentType: JSON_1_1,
          signingName: 'translate',
          region: cloud.region,
          principals: cloud.principals,
          maxBodyBytes: 16 * 1024 * 1024,
          anonymous: (request) => SignedLinks.isLinkRequest(request),
          handle: async (request) => (SignedLinks.isLinkRequest(request) ? links.serve(request) : api(request)),
        },
        port,
      );
      endpoint = running.endpoint;
      return {
        endpoint,
        translate,
        quiesce: () => translate.stop(),
        async close() {
          await translate.stop();
          objects.close();
          await running.close();
        },
      };
    },
  };
}

export const translateModule: LocalServiceModule = translateModuleWith();
