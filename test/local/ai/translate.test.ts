import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateParallelDataCommand,
  DeleteParallelDataCommand,
  DeleteTerminologyCommand,
  GetParallelDataCommand,
  GetTerminologyCommand,
  ImportTerminologyCommand,
  InvalidParameterValueException,
  ListLanguagesCommand,
  ListParallelDataCommand,
  ListTerminologiesCommand,
  ResourceNotFoundException,
  TextSizeLimitExceededException,
  TranslateClient,
  TranslateTextCommand,
  UnsupportedLanguagePairException,
} from '@aws-sdk/client-translate';
import { systemExtras } from '../../../lib/local/ai-support/extras';
import { s3Module } from '../../../lib/local/s3/module';
import type { LocalService } from '../../../lib/local/service-module';
import { translateModule, translateModuleWith, type TranslateService } from '../../../lib/local/translate';
import { itNeeding, MISSING_EXTRAS } from '../../support/extras';
import { startModule, TEST_CREDENTIALS } from '../../support/modules';

const region = 'us-east-1';
const BUCKET = 'corpora';
/** Translating needs Apertium's en-es pair; terminologies, parallel data and the language list do not. */
const itTranslating = itNeeding(MISSING_EXTRAS.translation);

/** Translate driven by the real SDK client (default configuration plus endpoint), Apertium's en-es pair installed. */
describe('local Translate', () => {
  let s3: { service: LocalService; stop(): Promise<void> };
  let translate: { service: TranslateService; stop(): Promise<void> };
  let client: TranslateClient;
  let s3Client: S3Client;

  beforeAll(async () => {
    s3 = await startModule<LocalService>(s3Module);
    translate = await startModule<TranslateService>(translateModule, { services: { s3: s3.service } });
    client = new TranslateClient({ region, endpoint: translate.service.endpoint, credentials: TEST_CREDENTIALS });
    s3Client = new S3Client({
      region,
      endpoint: s3.service.endpoint,
      credentials: TEST_CREDENTIALS,
      forcePathStyle: true,
    });
    await s3Client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  afterAll(async () => {
    client?.destroy();
    s3Client?.destroy();
    await translate?.stop();
    await s3?.stop();
  });

  itTranslating('translates text between an installed pair, detecting the source with auto', async () => {
    // Act
    const spanish = await client.send(
      new TranslateTextCommand({
        Text: 'The weather today is sunny.',
        SourceLanguageCode: 'en',
        TargetLanguageCode: 'es',
      }),
    );
    const auto = await client.send(
      new TranslateTextCommand({
        Text: 'El tiempo hoy es bueno y la casa es grande.',
        SourceLanguageCode: 'auto',
        TargetLanguageCode: 'en',
      }),
    );

    // Assess
    expect(spanish).toMatchObject({ SourceLanguageCode: 'en', TargetLanguageCode: 'es' });
    expect(spanish.TranslatedText).toMatch(/tiempo/i);
    expect(spanish.TranslatedText).toMatch(/soleado/i);
    expect(spanish.AppliedTerminologies).toBeUndefined();
    expect(auto.SourceLanguageCode).toBe('es');
    expect(auto.TranslatedText).toMatch(/house/i);
  });

  itTranslating('applies a terminology to the output and reports the terms it applied', async () => {
    // Prepare
    const csv = 'en,es\nweather,clima\nMediaplane,Mediaplane\n';
    const imported = await client.send(
      new ImportTerminologyCommand({
        Name: 'media-terms',
        MergeStrategy: 'OVERWRITE',
        Description: 'Brand terms',
        TerminologyData: { File: Buffer.from(csv), Format: 'CSV' },
      }),
    );

    // Act
    const result = await client.send(
      new TranslateTextCommand({
        Text: 'The weather in Mediaplane is good.',
        SourceLanguageCode: 'en',
        TargetLanguageCode: 'es',
        TerminologyNames: ['media-terms'],
      }),
    );
    const got = await client.send(new GetTerminologyCommand({ Name: 'media-terms', TerminologyDataFormat: 'TSV' }));
    const download = await (await fetch(got.TerminologyDataLocation?.Location as string)).text();
    const listed = await client.send(new ListTerminologiesCommand({}));

    // Assess
    expect(imported.TerminologyProperties).toMatchObject({
      Name: 'media-terms',
      Description: 'Brand terms',
      Arn: 'arn:aws:translate:us-east-1:000000000000:terminology/media-terms/LATEST',
      SourceLanguageCode: 'en',
      TargetLanguageCodes: ['es'],
      TermCount: 2,
      Format: 'CSV',
      Directionality: 'UNI',
    });
    expect(result.TranslatedText).toContain('clima');
    expect(result.TranslatedText).toContain('Mediaplane');
    expect(result.AppliedTerminologies).toEqual([
      {
        Name: 'media-terms',
        Terms: expect.arrayContaining([
          { SourceText: 'weather', TargetText: 'clima' },
          { SourceText: 'Mediaplane', TargetText: 'Mediaplane' },
        ]),
      },
    ]);
    expect(got.TerminologyDataLocation?.RepositoryType).toBe('S3');
    expect(download).toBe('en\tes\nweather\tclima\nMediaplane\tMediaplane\n');
    expect(listed.TerminologyPropertiesList?.map((terminology) => terminology.Name)).toEqual(['media-terms']);
  });

  itTranslating('imports TMX terminologies and deletes terminologies', async () => {
    // Prepare
    const tmx =
      '<?xml version="1.0"?><tmx version="1.4"><header srclang="en"/><body>' +
      '<tu><tuv xml:lang="en"><seg>house</seg></tuv><tuv xml:lang="es"><seg>hogar</seg></tuv></tu></body></tmx>';

    // Act
    const imported = await client.send(
      new ImportTerminologyCommand({
        Name: 'tmx-terms',
        MergeStrategy: 'OVERWRITE',
        TerminologyData: { File: Buffer.from(tmx), Format: 'TMX' },
      }),
    );
    const result = await client.send(
      new TranslateTextCommand({
        Text: 'My house is big.',
        SourceLanguageCode: 'en',
        TargetLanguageCode: 'es',
        TerminologyNames: ['tmx-terms'],
      }),
    );
    await client.send(new DeleteTerminologyCommand({ Name: 'tmx-terms' }));

    // Assess
    expect(imported.TerminologyProperties).toMatchObject({ TermCount: 1, Format: 'TMX', SourceLanguageCode: 'en' });
    expect(result.TranslatedText).toContain('hogar');
    await expect(client.send(new GetTerminologyCommand({ Name: 'tmx-terms' }))).rejects.toThrow(
      ResourceNotFoundException,
    );
    await expect(client.send(new DeleteTerminologyCommand({ Name: 'tmx-terms' }))).rejects.toThrow(
      ResourceNotFoundException,
    );
  });

  it('lists terminologies page by page, and gets each back in the format asked', async () => {
    // Prepare
    for (const name of ['paged-1', 'paged-2', 'paged-3']) {
      await client.send(
        new ImportTerminologyCommand({
          Name: name,
          MergeStrategy: 'OVERWRITE',
          TerminologyData: {
            File: Buffer.from(`en,fr,de\nhouse,maison,Haus\n${name},${name},${name}\n`),
            Format: 'CSV',
          },
        }),
      );
    }

    // Act
    const pages = [await client.send(new ListTerminologiesCommand({ MaxResults: 2 }))];
    while (pages.at(-1)?.NextToken !== undefined) {
      pages.push(
        await client.send(new ListTerminologiesCommand({ MaxResults: 2, NextToken: pages.at(-1)?.NextToken })),
      );
    }
    const got = await client.send(new GetTerminologyCommand({ Name: 'paged-2', TerminologyDataFormat: 'CSV' }));
    const download = await (await fetch(got.TerminologyDataLocation?.Location as string)).text();
    for (const name of ['paged-1', 'paged-2', 'paged-3']) {
      await client.send(new DeleteTerminologyCommand({ Name: name }));
    }
    const after = await client.send(new ListTerminologiesCommand({}));

    // Assess
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.slice(0, -1).every((page) => page.TerminologyPropertiesList?.length === 2)).toBe(true);
    const names = pages.flatMap((page) => page.TerminologyPropertiesList!.map((terminology) => terminology.Name));
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['paged-1', 'paged-2', 'paged-3']));
    expect(got.TerminologyProperties).toMatchObject({
      Name: 'paged-2',
      SourceLanguageCode: 'en',
      TargetLanguageCodes: ['fr', 'de'],
      TermCount: 2,
    });
    expect(download).toBe('en,fr,de\nhouse,maison,Haus\npaged-2,paged-2,paged-2\n');
    await expect(client.send(new ListTerminologiesCommand({ NextToken: 'not-a-token' }))).rejects.toThrow(
      InvalidParameterValueException,
    );
    expect(after.TerminologyPropertiesList?.map((terminology) => terminology.Name)).not.toContain('paged-1');
  });

  it('lists Translate languages page by page', async () => {
    // Act
    const first = await client.send(new ListLanguagesCommand({ MaxResults: 10 }));
    const second = await client.send(new ListLanguagesCommand({ MaxResults: 10, NextToken: first.NextToken }));
    const all = await client.send(new ListLanguagesCommand({}));

    // Assess
    expect(first.Languages).toHaveLength(10);
    expect(first.DisplayLanguageCode).toBe('en');
    expect(first.Languages?.[0]).toEqual({ LanguageName: 'Afrikaans', LanguageCode: 'af' });
    expect(second.Languages?.[0]?.LanguageName).not.toBe(first.Languages?.[0]?.LanguageName);
    expect(all.Languages).toContainEqual({ LanguageName: 'Spanish', LanguageCode: 'es' });
    expect(all.NextToken).toBeUndefined();
  });

  it('keeps parallel data read from S3 and serves it back', async () => {
    // Prepare
    await s3Client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'pd.tsv',
        Body: 'en\tes\nGood morning\tBuenos días\nThank you\tGracias\n',
      }),
    );

    // Act
    const created = await client.send(
      new CreateParallelDataCommand({
        Name: 'greetings',
        ParallelDataConfig: { S3Uri: `s3://${BUCKET}/pd.tsv`, Format: 'TSV' },
        ClientToken: 'token-1',
      }),
    );
    await translate.service.translate.idle();
    const got = await client.send(new GetParallelDataCommand({ Name: 'greetings' }));
    const listed = await client.send(new ListParallelDataCommand({}));
    const download = await (await fetch(got.DataLocation?.Location as string)).text();
    const deleted = await client.send(new DeleteParallelDataCommand({ Name: 'greetings' }));

    // Assess
    expect(created).toEqual(expect.objectContaining({ Name: 'greetings', Status: 'CREATING' }));
    expect(got.ParallelDataProperties).toMatchObject({
      Name: 'greetings',
      Status: 'ACTIVE',
      SourceLanguageCode: 'en',
      TargetLanguageCodes: ['es'],
      ImportedRecordCount: 2,
    });
    expect(listed.ParallelDataPropertiesList?.map((data) => data.Name)).toEqual(['greetings']);
    expect(download).toContain('Buenos días');
    expect(deleted.Status).toBe('DELETING');
    await expect(client.send(new GetParallelDataCommand({ Name: 'greetings' }))).rejects.toThrow(
      ResourceNotFoundException,
    );
  });

  it('refuses what the service refuses, with its errors', async () => {
    await expect(
      client.send(
        new TranslateTextCommand({ Text: 'x'.repeat(10_001), SourceLanguageCode: 'en', TargetLanguageCode: 'es' }),
      ),
    ).rejects.toThrow(TextSizeLimitExceededException);
    await expect(
      client.send(new TranslateTextCommand({ Text: 'Hello', SourceLanguageCode: 'en', TargetLanguageCode: 'ja' })),
    ).rejects.toThrow(UnsupportedLanguagePairException);
    await expect(
      client.send(
        new TranslateTextCommand({
          Text: 'Hello',
          SourceLanguageCode: 'en',
          TargetLanguageCode: 'es',
          TerminologyNames: ['nothing'],
        }),
      ),
    ).rejects.toThrow(ResourceNotFoundException);
    await expect(
      client.send(new TranslateTextCommand({ Text: '', SourceLanguageCode: 'en', TargetLanguageCode: 'es' })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      client.send(
        new ImportTerminologyCommand({
          Name: 'bad',
          MergeStrategy: 'OVERWRITE',
          TerminologyData: { File: Buffer.from('just words\n'), Format: 'CSV' },
        }),
      ),
    ).rejects.toThrow(InvalidParameterValueException);
  });

  it('refuses requests signed with the wrong secret', async () => {
    const forger = new TranslateClient({
      region,
      endpoint: translate.service.endpoint,
      credentials: { ...TEST_CREDENTIALS, secretAccessKey: 'not-the-secret' },
    });
    await expect(forger.send(new ListLanguagesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 400 },
    });
    forger.destroy();
  });

  it('names the missing Apertium packages when the pair is not installed', async () => {
    // Prepare
    const bare = await startModule<TranslateService>(translateModuleWith(systemExtras('/nonexistent', '/nonexistent')));
    const bareClient = new TranslateClient({ region, endpoint: bare.service.endpoint, credentials: TEST_CREDENTIALS });

    // Act
    const result = bareClient.send(
      new TranslateTextCommand({ Text: 'Hello', SourceLanguageCode: 'en', TargetLanguageCode: 'fr' }),
    );

    // Assess
    await expect(result).rejects.toThrow(UnsupportedLanguagePairException);
    await expect(result).rejects.toThrow('apertium apertium-eng-fra');
    bareClient.destroy();
    await bare.stop();
  });
});
