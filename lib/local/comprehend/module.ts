import * as path from 'node:path';
import { ServiceObjects } from '../ai-support/s3-objects';
import { startAwsEndpoint } from '../protocol/endpoint';
import { jsonRpc } from '../protocol/json-rpc';
import type { LocalService, LocalServiceModule } from '../service-module';
import { EntityRecognizers } from './entity-recognizers';
import { LocalComprehend } from './service';

/** The running Comprehend module: its jobs, for tests that wait for them. */
export interface ComprehendService extends LocalService {
  readonly endpoint: string;
  readonly comprehend: LocalComprehend;
  readonly recognizers: EntityRecognizers;
}

const JSON_1_1 = 'application/x-amz-json-1.1';

/**
 * Amazon Comprehend: the pre-trained detect and batch-detect operations, the asynchronous entity and key phrase
 * jobs and custom entity recognizers over JSON 1.1 RPC, on npm-shipped English language models; jobs and training
 * read and write local S3.
 */
export const comprehendModule: LocalServiceModule = {
  name: 'comprehend',
  listens: true,
  endpointVariable: 'AWS_ENDPOINT_URL_COMPREHEND',
  outputKey: 'ComprehendEndpoint',
  resourceTypes: {},
  async start({ cloud, directory, port }): Promise<ComprehendService> {
    const objects = new ServiceObjects(cloud);
    const recognizers = new EntityRecognizers(path.join(directory, 'state'), {
      region: cloud.region,
      objects,
      now: Date.now,
      log: cloud.log,
    });
    const comprehend = new LocalComprehend({
      directory: path.join(directory, 'state'),
      region: cloud.region,
      objects,
      log: cloud.log,
      recognizers,
    });
    const running = await startAwsEndpoint(
      {
        protocol: 'json',
        jsonContentType: JSON_1_1,
        signingName: 'comprehend',
        region: cloud.region,
        principals: cloud.principals,
        maxBodyBytes: 4 * 1024 * 1024,
        handle: jsonRpc({
          targetPrefix: 'Comprehend_20171127',
          contentType: JSON_1_1,
          operations: {
            DetectEntities: (input) => comprehend.detectEntities(input),
            DetectKeyPhrases: (input) => comprehend.detectKeyPhrases(input),
            DetectSentiment: (input) => comprehend.detectSentiment(input),
            DetectDominantLanguage: (input) => comprehend.detectDominantLanguage(input),
            BatchDetectEntities: (input) => comprehend.batchDetectEntities(input),
            BatchDetectKeyPhrases: (input) => comprehend.batchDetectKeyPhrases(input),
            BatchDetectSentiment: (input) => comprehend.batchDetectSentiment(input),
            BatchDetectDominantLanguage: (input) => comprehend.batchDetectDominantLanguage(input),
            StartEntitiesDetectionJob: (input, request) =>
              comprehend.startJob('entities', input, request.principal.accountId),
            DescribeEntitiesDetectionJob: (input) => comprehend.describeJob('entities', input),
            ListEntitiesDetectionJobs: (input) => comprehend.listJobs('entities', input),
            StopEntitiesDetectionJob: (input) => comprehend.stopJob('entities', input),
            StartKeyPhrasesDetectionJob: (input, request) =>
              comprehend.startJob('keyphrases', input, request.principal.accountId),
            DescribeKeyPhrasesDetectionJob: (input) => comprehend.describeJob('keyphrases', input),
            ListKeyPhrasesDetectionJobs: (input) => comprehend.listJobs('keyphrases', input),
            StopKeyPhrasesDetectionJob: (input) => comprehend.stopJob('keyphrases', input),
            CreateEntityRecognizer: (input, request) => recognizers.create(input, request.principal.accountId),
            DescribeEntityRecognizer: (input) => recognizers.describe(input),
            ListEntityRecognizers: (input) => recognizers.list(input),
            DeleteEntityRecognizer: (input) => recognizers.delete(input),
            StopTrainingEntityRecognizer: (input) => recognizers.stopTraining(input),
          },
        }),
      },
      port,
    );
    return {
      endpoint: running.endpoint,
      comprehend,
      recognizers,
      quiesce: async () => {
        await comprehend.stop();
        await recognizers.stop();
      },
      async close() {
        await comprehend.stop();
        await recognizers.stop();
        objects.close();
        await running.close();
      },
    };
  },
};
