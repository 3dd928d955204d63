import type { CustomizationCatalog } from '../../../lambdas/media2cloud/api/domain/customizations';
import { stubbedApi } from './support';

/** A catalog answering fixed lists, or failing as a service that cannot be asked. */
function catalog(failing: boolean): CustomizationCatalog {
  const answer = <T>(value: T) =>
    failing ? Promise.reject(new Error('AccessDeniedException')) : Promise.resolve(value);
  return {
    readyVocabularies: () => answer([{ name: 'words', languageCode: 'en-US' }]),
    completedLanguageModels: () => answer([{ name: 'model', languageCode: 'en-GB' }]),
    trainedEntityRecognizers: () =>
      answer([
        { arn: 'arn:aws:comprehend:us-east-1:123456789012:entity-recognizer/drones', languageCode: 'en' },
        { arn: 'arn:aws:comprehend:us-east-1:123456789012:entity-recognizer/ships/version/v2', languageCode: 'es' },
      ]),
  };
}

describe('Media2Cloud custom AI resource lists', () => {
  it("answers {name, languageCode, canUse}, recognizers named by their ARN after the first '/'", async () => {
    // Prepare
    const api = stubbedApi({ customizations: catalog(false) });

    // Act
    const vocabularies = await api({ resource: '/transcribe/custom-vocabularies' });
    const models = await api({ resource: '/transcribe/custom-language-models' });
    const recognizers = await api({ resource: '/comprehend/custom-entity-recognizers' });

    // Assess
    expect(vocabularies.body).toEqual([{ name: 'words', languageCode: 'en-US', canUse: true }]);
    expect(models.body).toEqual([{ name: 'model', languageCode: 'en-GB', canUse: true }]);
    expect(recognizers.body).toEqual([
      { name: 'drones', languageCode: 'en', canUse: true },
      { name: 'ships/version/v2', languageCode: 'es', canUse: true },
    ]);
  });

  it('lists nothing, as the original, when a service cannot be asked', async () => {
    // Prepare
    const api = stubbedApi({ customizations: catalog(true) });

    // Act
    const responses = await Promise.all(
      [
        '/transcribe/custom-vocabularies',
        '/transcribe/custom-language-models',
        '/comprehend/custom-entity-recognizers',
      ].map((resource) => api({ resource })),
    );

    // Assess
    for (const response of responses) expect(response).toMatchObject({ statusCode: 200, body: [] });
  });
});
