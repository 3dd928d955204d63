import { ComprehendCustomizations } from '../../../shared/ai/comprehend';
import { TranscribeCustomizations } from '../../../shared/ai/transcribe';
import type { CustomizationCatalog } from '../domain/customizations';

/** Transcribe and Comprehend as the customization lists read them, through the shared AI adapters. */
export class ServiceCustomizationCatalog implements CustomizationCatalog {
  constructor(
    private readonly transcribe = new TranscribeCustomizations(),
    private readonly comprehend = new ComprehendCustomizations(),
  ) {}

  async readyVocabularies() {
    const { output } = await this.transcribe.listVocabularies('READY');
    return (output.Vocabularies ?? []).map((item) => ({
      name: item.VocabularyName ?? '',
      languageCode: item.LanguageCode ?? '',
    }));
  }

  async completedLanguageModels() {
    const { output } = await this.transcribe.listLanguageModels('COMPLETED');
    return (output.Models ?? []).map((item) => ({ name: item.ModelName ?? '', languageCode: item.LanguageCode ?? '' }));
  }

  async trainedEntityRecognizers() {
    const { output } = await this.comprehend.listEntityRecognizers('TRAINED');
    return (output.EntityRecognizerPropertiesList ?? []).map((item) => ({
      arn: item.EntityRecognizerArn ?? '',
      languageCode: item.LanguageCode ?? '',
    }));
  }
}
