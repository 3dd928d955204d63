import { ComprehendLanguage } from '../../../shared/ai/comprehend';
import { RekognitionVision } from '../../../shared/ai/rekognition';
import { TextractDocuments } from '../../../shared/ai/textract';
import { TranscribeSpeech } from '../../../shared/ai/transcribe';
import type { AiServices } from '../ports';

/**
 * The shared AI adapters with their default clients (endpoints from `AWS_ENDPOINT_URL_*`, as every SDK client):
 * imported by the RunAnalyzer entry point only, so no other bundle carries the four SDK packages.
 */
export function awsAiServices(): AiServices {
  return {
    vision: new RekognitionVision(),
    speech: new TranscribeSpeech(),
    language: new ComprehendLanguage(),
    documents: new TextractDocuments(),
  };
}
