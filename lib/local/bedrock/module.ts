import { startAwsEndpoint } from '../protocol/endpoint';
import { restRouter } from '../protocol/rest';
import { AwsError } from '../protocol/wire';
import type { LocalService, LocalServiceModule } from '../service-module';

const NO_MODEL =
  'Amazon Bedrock is not available in local mode: no offline language model ships in a package, and a canned ' +
  'answer would be a fake. Deploy to AWS (stack parameter BedrockModelId) to use it.';

/**
 * Amazon Bedrock's runtime (`InvokeModel`, `Converse`, and their streaming forms), refused with a message that says
 * why: local mode has no language model. The refusal is a 501, which SDK clients do not retry, so a caller learns
 * at once instead of after its retries.
 */
export const bedrockModule: LocalServiceModule = {
  name: 'bedrock',
  listens: true,
  endpointVariable: 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
  outputKey: 'BedrockRuntimeEndpoint',
  resourceTypes: {},
  async start({ cloud, port }): Promise<LocalService> {
    const refuse = () => {
      throw new AwsError('NotImplementedException', NO_MODEL, 501);
    };
    const running = await startAwsEndpoint(
      {
        protocol: 'rest-json',
        signingName: 'bedrock',
        region: cloud.region,
        principals: cloud.principals,
        handle: restRouter(
          ['invoke', 'invoke-with-response-stream', 'converse', 'converse-stream'].map((operation) => ({
            method: 'POST',
            path: `/model/{modelId}/${operation}`,
            handle: refuse,
          })),
        ),
      },
      port,
    );
    return { endpoint: running.endpoint, close: () => running.close() };
  },
};
