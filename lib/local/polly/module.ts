import * as path from 'node:path';
import { mediaTools } from '../../../lambdas/shared/media/tools';
import { systemExtras, type Extras } from '../ai-support/extras';
import { ServiceObjects } from '../ai-support/s3-objects';
import { startAwsEndpoint } from '../protocol/endpoint';
import { parseJsonObject } from '../protocol/json-rpc';
import { restRouter } from '../protocol/rest';
import { jsonResponse } from '../protocol/wire';
import type { LocalService, LocalServiceModule } from '../service-module';
import { LocalPolly } from './service';
import { SpeechSynthesizer } from './synthesizer';

/** The running Polly module, for tests that wait for synthesis tasks. */
export interface PollyService extends LocalService {
  readonly endpoint: string;
  readonly polly: LocalPolly;
}

/**
 * Amazon Polly over REST-JSON: SynthesizeSpeech streams audio (or speech marks) back, synthesis tasks write to
 * local S3; speech is espeak-ng's (an optional extra, see the README), encoded by ffmpeg.
 */
export function pollyModuleWith(extras: Extras = systemExtras()): LocalServiceModule {
  return {
    name: 'polly',
    listens: true,
    endpointVariable: 'AWS_ENDPOINT_URL_POLLY',
    outputKey: 'PollyEndpoint',
    resourceTypes: {},
    async start({ cloud, directory, port }): Promise<PollyService> {
      const objects = new ServiceObjects(cloud);
      const polly = new LocalPolly({
        directory: path.join(directory, 'state'),
        region: cloud.region,
        synthesizer: new SpeechSynthesizer(extras, mediaTools().ffmpeg),
        objects,
      });
      const running = await startAwsEndpoint(
        {
          protocol: 'rest-json',
          signingName: 'polly',
          http2: true,
          region: cloud.region,
          principals: cloud.principals,
          maxBodyBytes: 1024 * 1024,
          handle: restRouter([
            {
              method: 'POST',
              path: '/v1/speech',
              handle: async (request) => {
                const result = await polly.synthesizeSpeech(parseJsonObject(request.body));
                return {
                  statusCode: 200,
                  headers: {
                    'Content-Type': result.contentType,
                    'x-amzn-RequestCharacters': String(result.characters),
                    'x-amzn-RequestId': request.requestId,
                  },
                  body: result.body,
                };
              },
            },
            {
              method: 'GET',
              path: '/v1/voices',
              handle: (request) => jsonResponse(200, polly.describeVoices(request.query), request.requestId),
            },
            {
              method: 'POST',
              path: '/v1/synthesisTasks',
              handle: async (request) =>
                jsonResponse(200, await polly.startTask(parseJsonObject(request.body)), request.requestId),
            },
            {
              method: 'GET',
              path: '/v1/synthesisTasks',
              handle: (request) => jsonResponse(200, polly.listTasks(request.query), request.requestId),
            },
            {
              method: 'GET',
              path: '/v1/synthesisTasks/{TaskId}',
              handle: (request) => jsonResponse(200, polly.getTask(request.params.TaskId as string), request.requestId),
            },
          ]),
        },
        port,
      );
      return {
        endpoint: running.endpoint,
        polly,
        quiesce: () => polly.stop(),
        async close() {
          await polly.stop();
          objects.close();
          await running.close();
        },
      };
    },
  };
}

export const pollyModule: LocalServiceModule = pollyModuleWith();
