import { InvokeModelCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { LanguageModels, ModelPrompt } from '../domain/console-ports';
import { ServiceRefusal } from '../domain/errors';
import { statusOf } from './service-errors';

/** Bedrock's answers that are not our fault: the model is not enabled, busy, or not served here. */
const REFUSALS: Readonly<Record<string, number>> = {
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ValidationException: 400,
  ThrottlingException: 429,
  ModelNotReadyException: 503,
  ModelTimeoutException: 503,
  ServiceUnavailableException: 503,
};

/** The stack's Claude model on Amazon Bedrock, asked through the Messages API. */
export class BedrockModels implements LanguageModels {
  constructor(
    private readonly client: BedrockRuntimeClient,
    private readonly modelId: string,
  ) {}

  /** As the original: a Claude model name, and a model configured for the deployment (the one asked). */
  supports(model: string): boolean {
    return model.includes('anthropic.claude') && this.modelId !== '';
  }

  async invoke(prompt: ModelPrompt): Promise<Record<string, unknown>> {
    try {
      const { body } = await this.client.send(
        new InvokeModelCommand({
          modelId: this.modelId,
          contentType: 'application/json',
          accept: 'application/json',
          body: JSON.stringify({
            anthropic_version: 'bedrock-2023-05-31',
            max_tokens: prompt.maxTokens,
            temperature: prompt.temperature,
            system: prompt.system,
            messages: prompt.messages,
          }),
        }),
      );
      return JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;
    } catch (error) {
      const { name, message } = error as Error;
      // A 501: the service cannot do this here (local mode has no language model), and says why.
      const status = statusOf(error) === 501 ? 501 : REFUSALS[name];
      if (status !== undefined) throw new ServiceRefusal(name, message, status);
      throw error;
    }
  }
}
