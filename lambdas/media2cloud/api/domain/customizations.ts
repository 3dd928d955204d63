/**
 * `GET /transcribe/custom-vocabularies`, `/transcribe/custom-language-models` and
 * `/comprehend/custom-entity-recognizers`: the customizations an ingest's `aiOptions` may name
 * (`customVocabulary`, `customLanguageModel`, `customEntityRecognizer`), as the original's web app lists them in its
 * settings — only those ready to use, each as `{name, languageCode, canUse}`.
 */

/** One customization the analysis can use. `canUse` is always true: only usable ones are listed. */
export interface UsableCustomization {
  readonly name: string;
  readonly languageCode: string;
  readonly canUse: true;
}

/** The services' records, in the fields read here. */
export interface CustomizationCatalog {
  /** Vocabularies in state READY. */
  readyVocabularies(): Promise<ReadonlyArray<{ name: string; languageCode: string }>>;
  /** Custom language models in status COMPLETED. */
  completedLanguageModels(): Promise<ReadonlyArray<{ name: string; languageCode: string }>>;
  /** Entity recognizers in status TRAINED, by ARN. */
  trainedEntityRecognizers(): Promise<ReadonlyArray<{ arn: string; languageCode: string }>>;
}

export class AiCustomizations {
  constructor(
    private readonly catalog: CustomizationCatalog,
    /** The original lists nothing, rather than failing the page, when a service cannot be asked. */
    private readonly onUnavailable: (what: string, error: unknown) => void,
  ) {}

  async vocabularies(): Promise<UsableCustomization[]> {
    return (await this.listed('vocabularies', () => this.catalog.readyVocabularies())).map(usable);
  }

  async languageModels(): Promise<UsableCustomization[]> {
    return (await this.listed('language models', () => this.catalog.completedLanguageModels())).map(usable);
  }

  /** Named as the original names them: the ARN after its first `/` (`name`, or `name/version/v2` for a version). */
  async entityRecognizers(): Promise<UsableCustomization[]> {
    const recognizers = await this.listed('entity recognizers', () => this.catalog.trainedEntityRecognizers());
    return recognizers.map(({ arn, languageCode }) => usable({ name: arn.slice(arn.indexOf('/') + 1), languageCode }));
  }

  private async listed<T>(what: string, list: () => Promise<readonly T[]>): Promise<readonly T[]> {
    try {
      return await list();
    } catch (error) {
      this.onUnavailable(what, error);
      return [];
    }
  }
}

function usable({ name, languageCode }: { name: string; languageCode: string }): UsableCustomization {
  return { name, languageCode, canUse: true };
}
