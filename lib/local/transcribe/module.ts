import * as path from 'node:path';
import { mediaTools } from '../../../lambdas/shared/media/tools';
import { systemExtras, type Extras } from '../ai-support/extras';
import { ServiceObjects } from '../ai-support/s3-objects';
import { SignedLinks } from '../ai-support/signed-links';
import { startAwsEndpoint } from '../protocol/endpoint';
import { jsonRpc } from '../protocol/json-rpc';
import type { LocalService, LocalServiceModule } from '../service-module';
import { SpeechRecognizer } from './recognizer';
import { LocalTranscribe } from './service';

/** The running Transcribe module: its jobs, for tests that wait for them. */
export interface TranscribeService extends LocalService {
  readonly endpoint: string;
  readonly transcribe: LocalTranscribe;
}

const JSON_1_1 = 'application/x-amz-json-1.1';

/**
 * Amazon Transcribe (batch): transcription jobs, custom vocabularies and custom language models over JSON 1.1 RPC.
 * Speech is recognized by PocketSphinx, an optional extra (see the README); media is read from and transcripts
 * written to local S3. Transcripts kept in the service's own storage are served as pre-signed links by this endpoint.
 */
export function transcribeModuleWith(extras: Extras = systemExtras()): LocalServiceModule {
  return {
    name: 'transcribe',
    listens: true,
    endpointVariable: 'AWS_ENDPOINT_URL_TRANSCRIBE',
    outputKey: 'TranscribeEndpoint',
    resourceTypes: {},
    async start({ cloud, directory, port }): Promise<TranscribeService> {
      const objects = new ServiceObjects(cloud);
      const links = new SignedLinks(directory);
      let endpoint = '';
      const transcribe = new LocalTranscribe({
        directory: path.join(directory, 'state'),
        region: cloud.region,
        objects,
        links,
        extras,
        recognizer: new SpeechRecognizer(extras, mediaTools()),
        endpoint: () => endpoint,
        log: cloud.log,
      });
      const api = jsonRpc({
        targetPrefix: 'Transcribe',
        contentType: JSON_1_1,
        operations: {
          StartTranscriptionJob: (input, request) =>
            transcribe.startTranscriptionJob(input, request.principal.accountId),
          GetTranscriptionJob: (input) => transcribe.getTranscriptionJob(input),
          ListTranscriptionJobs: (input) => transcribe.listTranscriptionJobs(input),
          DeleteTranscriptionJob: (input) => transcribe.deleteTranscriptionJob(input),
          CreateVocabulary: (input) => transcribe.createVocabulary(input),
          UpdateVocabulary: (input) => transcribe.updateVocabulary(input),
          GetVocabulary: (input) => transcribe.getVocabulary(input, endpoint),
          ListVocabularies: (input) => transcribe.listVocabularies(input),
          DeleteVocabulary: (input) => transcribe.deleteVocabulary(input),
          CreateLanguageModel: (input) => transcribe.createLanguageModel(input),
          DescribeLanguageModel: (input) => transcribe.describeLanguageModel(input),
          ListLanguageModels: (input) => transcribe.listLanguageModels(input),
          DeleteLanguageModel: (input) => transcribe.deleteLanguageModel(input),
        },
      });
      const running = await startAwsEndpoint(
        {
          protocol: 'json',
          jsonContentType: JSON_1_1,
          signingName: 'transcribe',
          region: cloud.region,
          principals: cloud.principals,
          maxBodyBytes: 1024 * 1024,
          // A pre-signed link is its own credential, as an S3 pre-signed URL is.
          anonymous: (request) => SignedLinks.isLinkRequest(request),
          handle: async (request) => (SignedLinks.isLinkRequest(request) ? links.serve(request) : api(request)),
        },
        port,
      );
      endpoint = running.endpoint;
      return {
        endpoint,
        transcribe,
        quiesce: () => transcribe.stop(),
        async close() {
          await transcribe.stop();
          objects.close();
          await running.close();
        },
      };
    },
  };
}

export const transcribeModule: LocalServiceModule = transcribeModuleWith();
