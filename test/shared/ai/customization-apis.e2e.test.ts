import { ComprehendClient, CreateEntityRecognizerCommand } from '@aws-sdk/client-comprehend';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateLanguageModelCommand, CreateVocabularyCommand, TranscribeClient } from '@aws-sdk/client-transcribe';
import { apiClient, startTestLocalMode, type TestLocalMode } from '../../support/local';

/** Python's `datetime.isoformat()` of a UTC time, as the original's proxies write every time. */
const PYTHON_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;

/**
 * The routes that manage or list custom AI resources, signed as the originals' clients sign them, through local
 * mode's Transcribe, Translate and Comprehend stand-ins (one local mode for both backends): the Media Insights
 * workflow API's `/service/transcribe/*` and `/service/translate/*` proxies, and Media2Cloud's lists of usable
 * custom vocabularies, language models and entity recognizers.
 */
describe('custom AI resources through local mode', () => {
  let env: TestLocalMode;
  let api: ReturnType<typeof apiClient>;
  let media2cloud: ReturnType<typeof apiClient>;
  let bucket: string;
  let s3: S3Client;

  beforeAll(async () => {
    env = await startTestLocalMode();
    const outputs = env.local.outputs.MediaInsights ?? {};
    api = apiClient(outputs.WorkflowApiEndpoint ?? '', env.local.credentials);
    bucket = outputs.DataplaneBucket ?? '';
    media2cloud = apiClient(`${env.local.outputs.Media2Cloud?.ApiEndpoint}/`, env.local.credentials);
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: env.local.outputs.Local?.S3Endpoint,
      credentials: env.local.credentials,
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'vocabularies/weather.txt',
        Body: 'Phrase\tSoundsLike\tIPA\tDisplayAs\nLos-Angeles\t\t\tLos Angeles\nAWS\t\t\t\n',
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'parallel/weather.csv',
        Body: 'en,es\nThe weather is sunny.,El tiempo es soleado.\nIt rains.,Llueve.\n',
      }),
    );
  });
  afterAll(async () => {
    s3.destroy();
    await env.stop();
  });

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('creates, reads, downloads, lists and deletes a custom vocabulary', async () => {
    // Act
    const created = await api.post('service/transcribe/create_vocabulary', {
      vocabulary_name: 'weather',
      language_code: 'en-US',
      s3uri: `s3://${bucket}/vocabularies/weather.txt`,
    });
    const ready = await until(
      async () => (await api.post('service/transcribe/get_vocabulary', { vocabulary_name: 'weather' })).json(),
      (body) => body.VocabularyState !== 'PENDING',
    );
    const downloaded = await api.post('service/transcribe/download_vocabulary', { vocabulary_name: 'weather' });
    const listed = await api.get('service/transcribe/list_vocabularies');
    const again = await api.post('service/transcribe/create_vocabulary', {
      vocabulary_name: 'weather',
      language_code: 'en-US',
      s3uri: `s3://${bucket}/vocabularies/weather.txt`,
    });
    const deleted = await api.post('service/transcribe/delete_vocabulary', { vocabulary_name: 'weather' });
    const gone = await api.post('service/transcribe/get_vocabulary', { vocabulary_name: 'weather' });

    // Assess
    expect(created.status).toBe(200);
    expect(created.json()).toMatchObject({
      VocabularyName: 'weather',
      LanguageCode: 'en-US',
      VocabularyState: 'PENDING',
      ResponseMetadata: { HTTPStatusCode: 200, RetryAttempts: 0 },
    });
    expect(created.json().LastModifiedTime).toMatch(PYTHON_TIME);
    expect(ready).toMatchObject({ VocabularyName: 'weather', VocabularyState: 'READY' });
    expect(ready.DownloadUri).toMatch(/^http/);
    expect(downloaded.json()).toEqual({
      vocabulary: [
        { Phrase: 'Los-Angeles', SoundsLike: '', IPA: '', DisplayAs: 'Los Angeles' },
        { Phrase: 'AWS', SoundsLike: '', IPA: '', DisplayAs: '' },
        // The original turns a line without every column (here the file's last, empty line) into {}.
        {},
      ],
    });
    expect(listed.json().Vocabularies).toEqual([
      expect.objectContaining({ VocabularyName: 'weather', VocabularyState: 'READY' }),
    ]);
    expect(listed.json().Vocabularies[0].LastModifiedTime).toMatch(PYTHON_TIME);
    expect(Object.keys(listed.json())).toEqual(['Vocabularies', 'ResponseMetadata']);
    expect(again.status).toBe(409);
    expect(again.json()).toEqual({
      Code: 'ConflictError',
      Message: 'The requested vocabulary name already exists. Use a different vocabulary name.',
    });
    expect(deleted.status).toBe(200);
    expect(Object.keys(deleted.json())).toEqual(['ResponseMetadata']);
    expect(gone.status).toBe(404);
    expect(gone.json().Code).toBe('NotFoundError');
  });

  it("refuses what the service refuses, and the original's bodies it cannot send", async () => {
    // Act
    const badLanguage = await api.post('service/transcribe/create_vocabulary', {
      vocabulary_name: 'bad',
      language_code: 'xx-XX',
      s3uri: `s3://${bucket}/vocabularies/weather.txt`,
    });
    const missingField = await api.post('service/transcribe/get_vocabulary', { name: 'weather' });
    const notJson = await api.post('service/transcribe/get_vocabulary', '{"vocabulary_name":', {
      'Content-Type': 'application/json',
    });
    const notAnObject = await api.post('service/translate/get_terminology', ['weather']);
    const plainText = await api.post('service/transcribe/get_vocabulary', 'weather', { 'Content-Type': 'text/plain' });
    const unknownParameter = await api.post('service/transcribe/describe_language_model', {
      ModelName: 'm',
      Extra: 1,
    });
    const unknownModel = await api.post('service/transcribe/describe_language_model', { ModelName: 'nothing' });
    const models = await api.get('service/transcribe/list_language_models');
    const unsigned = await api.unsigned('GET', 'service/transcribe/list_vocabularies');

    // Assess
    expect(badLanguage.status).toBe(400);
    expect(badLanguage.json().Code).toBe('BadRequestError');
    expect(badLanguage.json().Message).toContain("'languageCode' failed to satisfy constraint");
    expect(missingField.status).toBe(400);
    expect(missingField.json()).toEqual({
      Code: 'BadRequestError',
      Message: "Missing required field 'vocabulary_name' in the request body",
    });
    expect(notJson.status).toBe(400);
    expect(notAnObject.status).toBe(400);
    expect(plainText.status).toBe(415);
    expect(plainText.json().Code).toBe('UnsupportedMediaType');
    expect(unknownParameter.json()).toEqual({
      Code: 'BadRequestError',
      Message: 'Parameter validation failed:\nUnknown parameter in input: "Extra", must be one of: ModelName',
    });
    expect(unknownModel.status).toBe(404);
    expect(models.json()).toMatchObject({ Models: [], ResponseMetadata: { HTTPStatusCode: 200 } });
    expect(unsigned.status).toBe(403);
    expect(unsigned.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('imports, reads, downloads, replaces, lists and deletes a terminology', async () => {
    // Act
    const created = await api.post('service/translate/create_terminology', {
      terminology_name: 'weather-terms',
      terminology_csv: 'en,es\nsunny,soleado\n',
    });
    const read = await api.post('service/translate/get_terminology', { terminology_name: 'weather-terms' });
    const replaced = await api.post('service/translate/create_terminology', {
      terminology_name: 'weather-terms',
      terminology_csv: 'en,es\nsunny,despejado\nrain,lluvia\n',
    });
    const downloaded = await api.post('service/translate/download_terminology', { terminology_name: 'weather-terms' });
    const listed = await api.get('service/translate/list_terminologies');
    const badCsv = await api.post('service/translate/create_terminology', {
      terminology_name: 'broken',
      terminology_csv: '',
    });
    const deleted = await api.post('service/translate/delete_terminology', { terminology_name: 'weather-terms' });
    const deletedAgain = await api.post('service/translate/delete_terminology', { terminology_name: 'weather-terms' });

    // Assess
    expect(created.status).toBe(200);
    expect(created.json().TerminologyProperties).toMatchObject({
      Name: 'weather-terms',
      SourceLanguageCode: 'en',
      TargetLanguageCodes: ['es'],
      TermCount: 1,
    });
    expect(created.json().TerminologyProperties.CreatedAt).toMatch(PYTHON_TIME);
    expect(created.json().ResponseMetadata.HTTPStatusCode).toBe(200);
    // The one answer the original strips of ResponseMetadata.
    expect(Object.keys(read.json()).sort()).toEqual(['TerminologyDataLocation', 'TerminologyProperties']);
    expect(read.json().TerminologyDataLocation.RepositoryType).toBe('S3');
    expect(replaced.json().TerminologyProperties.TermCount).toBe(2);
    expect(downloaded.json().terminology).toContain('sunny,despejado');
    expect(listed.json().TerminologyPropertiesList.map((item: { Name: string }) => item.Name)).toEqual([
      'weather-terms',
    ]);
    expect(badCsv.status).toBe(400);
    expect(deleted.status).toBe(200);
    expect(deletedAgain.status).toBe(404);
    expect(deletedAgain.json().Code).toBe('NotFoundError');
  });

  it('creates parallel data from the dataplane bucket, then reads, downloads, lists and deletes it', async () => {
    // Act
    const created = await api.post('service/translate/create_parallel_data', {
      Name: 'weather-pairs',
      ParallelDataConfig: { S3Uri: `s3://${bucket}/parallel/weather.csv`, Format: 'CSV' },
    });
    const duplicate = await api.post('service/translate/create_parallel_data', {
      Name: 'weather-pairs',
      ParallelDataConfig: { S3Uri: `s3://${bucket}/parallel/weather.csv`, Format: 'CSV' },
    });
    const active = await until(
      async () => (await api.post('service/translate/get_parallel_data', { Name: 'weather-pairs' })).json(),
      (body) => body.ParallelDataProperties?.Status !== 'CREATING',
    );
    const downloaded = await api.post('service/translate/download_parallel_data', { Name: 'weather-pairs' });
    const listed = await api.get('service/translate/list_parallel_data');
    const missingConfig = await api.post('service/translate/create_parallel_data', { Name: 'other' });
    const deleted = await api.post('service/translate/delete_parallel_data', { Name: 'weather-pairs' });
    const gone = await api.post('service/translate/get_parallel_data', { Name: 'weather-pairs' });

    // Assess
    expect(created.json()).toMatchObject({ Name: 'weather-pairs', Status: 'CREATING' });
    expect(duplicate.status).toBe(409);
    expect(active.ParallelDataProperties).toMatchObject({ Status: 'ACTIVE', ImportedRecordCount: 2 });
    expect(active.ParallelDataProperties.LastUpdatedAt).toMatch(PYTHON_TIME);
    expect(downloaded.json()).toEqual({
      parallel_data_csv: 'en,es\nThe weather is sunny.,El tiempo es soleado.\nIt rains.,Llueve.\n',
    });
    expect(listed.json().ParallelDataPropertiesList).toEqual([
      expect.objectContaining({ Name: 'weather-pairs', Status: 'ACTIVE' }),
    ]);
    expect(missingConfig.json()).toEqual({
      Code: 'BadRequestError',
      Message: 'Parameter validation failed:\nMissing required parameter in input: "ParallelDataConfig"',
    });
    expect(deleted.json()).toMatchObject({ Name: 'weather-pairs', Status: 'DELETING' });
    expect(gone.status).toBe(404);
  });

  it('Media2Cloud lists the vocabularies, language models and entity recognizers ready to use', async () => {
    // Prepare: through the services' own APIs, as an administrator would create them
    const { Local } = env.local.outputs;
    const common = { region: 'us-east-1', credentials: env.local.credentials };
    const transcribe = new TranscribeClient({ ...common, endpoint: Local?.TranscribeEndpoint });
    const comprehend = new ComprehendClient({ ...common, endpoint: Local?.ComprehendEndpoint });
    const role = 'arn:aws:iam::000000000000:role/Data';
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'lm/train.txt', Body: 'The AWS Weather report.' }));
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'ner/docs.txt', Body: 'The Falcon drone landed.\nA Falcon drone.' }),
    );
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'ner/list.csv', Body: 'Text,Type\nFalcon drone,DRONE\n' }),
    );
    await transcribe.send(
      new CreateVocabularyCommand({ VocabularyName: 'm2c-words', LanguageCode: 'en-GB', Phrases: ['Falcon'] }),
    );
    await transcribe.send(
      new CreateVocabularyCommand({
        VocabularyName: 'm2c-unreadable',
        LanguageCode: 'en-US',
        VocabularyFileUri: `s3://${bucket}/no-such-file.txt`,
      }),
    );
    await transcribe.send(
      new CreateLanguageModelCommand({
        ModelName: 'm2c-model',
        LanguageCode: 'en-US',
        BaseModelName: 'WideBand',
        InputDataConfig: { S3Uri: `s3://${bucket}/lm/`, DataAccessRoleArn: role },
      }),
    );
    await comprehend.send(
      new CreateEntityRecognizerCommand({
        RecognizerName: 'drones',
        VersionName: 'v1',
        LanguageCode: 'en',
        DataAccessRoleArn: role,
        InputDataConfig: {
          EntityTypes: [{ Type: 'DRONE' }],
          Documents: { S3Uri: `s3://${bucket}/ner/docs.txt` },
          EntityList: { S3Uri: `s3://${bucket}/ner/list.csv` },
        },
      }),
    );
    transcribe.destroy();
    comprehend.destroy();

    // Act
    const recognizers = await until(
      async () => (await media2cloud.get('comprehend/custom-entity-recognizers')).json(),
      (list) => list.length > 0,
    );
    const models = await until(
      async () => (await media2cloud.get('transcribe/custom-language-models')).json(),
      (list) => list.length > 0,
    );
    const vocabularies = await until(
      async () => (await media2cloud.get('transcribe/custom-vocabularies')).json(),
      (list) => list.length > 0,
    );
    const unsigned = await media2cloud.unsigned('GET', 'transcribe/custom-vocabularies');

    // Assess: only READY, COMPLETED and TRAINED ones, named as the original names them
    expect(recognizers).toEqual([{ name: 'drones/version/v1', languageCode: 'en', canUse: true }]);
    expect(models).toEqual([{ name: 'm2c-model', languageCode: 'en-US', canUse: true }]);
    expect(vocabularies).toEqual([{ name: 'm2c-words', languageCode: 'en-GB', canUse: true }]);
    expect(unsigned.status).toBe(403);
  });
});
