import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BatchDetectDominantLanguageCommand,
  BatchDetectEntitiesCommand,
  BatchDetectKeyPhrasesCommand,
  BatchDetectSentimentCommand,
  BatchSizeLimitExceededException,
  ComprehendClient,
  CreateEntityRecognizerCommand,
  DeleteEntityRecognizerCommand,
  DescribeEntitiesDetectionJobCommand,
  DescribeEntityRecognizerCommand,
  DescribeKeyPhrasesDetectionJobCommand,
  DetectDominantLanguageCommand,
  DetectEntitiesCommand,
  DetectKeyPhrasesCommand,
  DetectSentimentCommand,
  JobNotFoundException,
  ResourceInUseException,
  ResourceNotFoundException,
  ListEntitiesDetectionJobsCommand,
  ListEntityRecognizersCommand,
  ListKeyPhrasesDetectionJobsCommand,
  StartEntitiesDetectionJobCommand,
  StartKeyPhrasesDetectionJobCommand,
  StopEntitiesDetectionJobCommand,
  StopKeyPhrasesDetectionJobCommand,
  TextSizeLimitExceededException,
  UnsupportedLanguageException,
} from '@aws-sdk/client-comprehend';
import { extract } from 'tar-stream';
import { comprehendModule, type ComprehendService } from '../../../lib/local/comprehend';
import { s3Module } from '../../../lib/local/s3/module';
import type { LocalService } from '../../../lib/local/service-module';
import { ENTITY_PARAGRAPH, entityRecall } from '../../support/language';
import { startModule, TEST_CREDENTIALS } from '../../support/modules';

const BUCKET = 'texts';
const ROLE = 'arn:aws:iam::000000000000:role/ComprehendData';
const region = 'us-east-1';

/** The files of a tar archive, by name. */
async function untar(archive: Buffer): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        files[header.name] = Buffer.concat(chunks).toString('utf8');
        next();
      });
    });
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  reader.end(archive);
  await done;
  return files;
}

/** Comprehend driven by the real SDK client (default configuration plus endpoint), job data in local S3. */
describe('local Comprehend', () => {
  let s3: { service: LocalService; stop(): Promise<void> };
  let comprehend: { service: ComprehendService; stop(): Promise<void> };
  let s3Client: S3Client;
  let client: ComprehendClient;

  beforeAll(async () => {
    s3 = await startModule<LocalService>(s3Module);
    comprehend = await startModule<ComprehendService>(comprehendModule, { services: { s3: s3.service } });
    s3Client = new S3Client({
      region,
      endpoint: s3.service.endpoint,
      credentials: TEST_CREDENTIALS,
      forcePathStyle: true,
    });
    client = new ComprehendClient({ region, endpoint: comprehend.service.endpoint, credentials: TEST_CREDENTIALS });
    await s3Client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  afterAll(async () => {
    client?.destroy();
    s3Client?.destroy();
    await comprehend?.stop();
    await s3?.stop();
  });

  it('finds entities with Comprehend types, offsets into the text and scores', async () => {
    // Act
    const { Entities } = await client.send(new DetectEntitiesCommand({ Text: ENTITY_PARAGRAPH, LanguageCode: 'en' }));

    // Assess
    expect(entityRecall(Entities ?? [])).toBeGreaterThanOrEqual(0.8);
    for (const entity of Entities ?? []) {
      expect(ENTITY_PARAGRAPH.slice(entity.BeginOffset, entity.EndOffset)).toBe(entity.Text);
      expect(entity.Score).toBeGreaterThan(0);
      expect(entity.Score).toBeLessThanOrEqual(1);
    }
    expect(Entities).toContainEqual({
      Text: 'Barack Obama',
      Type: 'PERSON',
      Score: expect.any(Number),
      BeginOffset: 18,
      EndOffset: 30,
    });
  });

  it('finds key phrases, sentiment and the dominant language', async () => {
    // Act
    const phrases = await client.send(
      new DetectKeyPhrasesCommand({ Text: 'The quick brown fox jumps over the lazy dog.', LanguageCode: 'en' }),
    );
    const positive = await client.send(
      new DetectSentimentCommand({ Text: 'I love this camera, the pictures are wonderful!', LanguageCode: 'en' }),
    );
    const negative = await client.send(
      new DetectSentimentCommand({ Text: 'This is the worst, most awful service ever.', LanguageCode: 'en' }),
    );
    const neutral = await client.send(
      new DetectSentimentCommand({ Text: 'The train leaves at nine.', LanguageCode: 'en' }),
    );
    const mixed = await client.send(
      new DetectSentimentCommand({ Text: 'The food was terrible but the service was excellent.', LanguageCode: 'en' }),
    );
    const french = await client.send(
      new DetectDominantLanguageCommand({
        Text: 'Ceci est une phrase en français pour tester la détection de la langue.',
      }),
    );

    // Assess
    expect(phrases.KeyPhrases?.map((phrase) => phrase.Text)).toEqual(
      expect.arrayContaining(['The quick brown fox', 'the lazy dog']),
    );
    expect(positive.Sentiment).toBe('POSITIVE');
    expect(negative.Sentiment).toBe('NEGATIVE');
    expect(neutral.Sentiment).toBe('NEUTRAL');
    expect(mixed.Sentiment).toBe('MIXED');
    const scores = positive.SentimentScore!;
    expect(scores.Positive! + scores.Negative! + scores.Neutral! + scores.Mixed!).toBeCloseTo(1, 5);
    expect(french.Languages?.[0]).toEqual({ LanguageCode: 'fr', Score: expect.any(Number) });
    expect(french.Languages?.[0]?.Score).toBeGreaterThan(0.8);
  });

  it('answers batches with a result or an error per document, in order', async () => {
    // Act
    const entities = await client.send(
      new BatchDetectEntitiesCommand({
        TextList: ['Barack Obama visited Paris.', 'x'.repeat(100_001), 'Microsoft is in Redmond.'],
        LanguageCode: 'en',
      }),
    );
    const phrases = await client.send(
      new BatchDetectKeyPhrasesCommand({ TextList: ['A red car.'], LanguageCode: 'en' }),
    );
    const sentiment = await client.send(
      new BatchDetectSentimentCommand({ TextList: ['Great!', 'Awful.'], LanguageCode: 'en' }),
    );
    const languages = await client.send(
      new BatchDetectDominantLanguageCommand({
        TextList: [
          'This is plainly an English sentence about the weather.',
          'Esto es una frase en español sobre el tiempo que hace hoy.',
        ],
      }),
    );

    // Assess
    expect(entities.ResultList?.map((result) => result.Index)).toEqual([0, 2]);
    expect(entities.ResultList?.[0]?.Entities?.map((entity) => entity.Type)).toEqual(['PERSON', 'LOCATION']);
    expect(entities.ErrorList).toEqual([
      { Index: 1, ErrorCode: 'TextSizeLimitExceededException', ErrorMessage: expect.stringContaining('100000 bytes') },
    ]);
    expect(phrases.ResultList?.[0]?.KeyPhrases?.[0]?.Text).toBe('A red car');
    expect(sentiment.ResultList?.map((result) => result.Sentiment)).toEqual(['POSITIVE', 'NEGATIVE']);
    expect(languages.ResultList?.map((result) => result.Languages?.[0]?.LanguageCode)).toEqual(['en', 'es']);
  });

  it('refuses what the service refuses, with its errors', async () => {
    await expect(client.send(new DetectEntitiesCommand({ Text: '', LanguageCode: 'en' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining(
        "at 'text' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ),
    });
    await expect(
      client.send(new DetectSentimentCommand({ Text: 'a'.repeat(5001), LanguageCode: 'en' })),
    ).rejects.toThrow(TextSizeLimitExceededException);
    await expect(client.send(new DetectEntitiesCommand({ Text: 'Hola', LanguageCode: 'es' }))).rejects.toThrow(
      UnsupportedLanguageException,
    );
    await expect(
      client.send(new DetectEntitiesCommand({ Text: 'Hi', LanguageCode: 'xx' as never })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      client.send(
        new BatchDetectSentimentCommand({ TextList: Array.from({ length: 26 }, () => 'Fine.'), LanguageCode: 'en' }),
      ),
    ).rejects.toThrow(BatchSizeLimitExceededException);
    await expect(client.send(new DescribeEntitiesDetectionJobCommand({ JobId: 'nope' }))).rejects.toThrow(
      JobNotFoundException,
    );
  });

  it('runs an entities job over S3 documents and writes output.tar.gz with a JSON line per document', async () => {
    // Prepare
    await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/story.txt', Body: ENTITY_PARAGRAPH }));
    await s3Client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'in/short.txt', Body: 'Barack Obama lives in Washington.' }),
    );

    // Act
    const started = await client.send(
      new StartEntitiesDetectionJobCommand({
        JobName: 'news',
        InputDataConfig: { S3Uri: `s3://${BUCKET}/in/`, InputFormat: 'ONE_DOC_PER_FILE' },
        OutputDataConfig: { S3Uri: `s3://${BUCKET}/out` },
        DataAccessRoleArn: ROLE,
        LanguageCode: 'en',
        ClientRequestToken: 'token-1',
      }),
    );
    const again = await client.send(
      new StartEntitiesDetectionJobCommand({
        JobName: 'news',
        InputDataConfig: { S3Uri: `s3://${BUCKET}/in/`, InputFormat: 'ONE_DOC_PER_FILE' },
        OutputDataConfig: { S3Uri: `s3://${BUCKET}/out` },
        DataAccessRoleArn: ROLE,
        LanguageCode: 'en',
        ClientRequestToken: 'token-1',
      }),
    );
    await comprehend.service.comprehend.idle();
    const described = await client.send(new DescribeEntitiesDetectionJobCommand({ JobId: started.JobId }));
    const output = described.EntitiesDetectionJobProperties?.OutputDataConfig?.S3Uri as string;
    const key = output.replace(`s3://${BUCKET}/`, '');
    const archive = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const files = await untar(gunzipSync(Buffer.from(await archive.Body!.transformToByteArray())));
    const lines = files
      .output!.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { File: string; Entities: Array<{ Text: string; Type: string }> });
    const listed = await client.send(new ListEntitiesDetectionJobsCommand({ Filter: { JobStatus: 'COMPLETED' } }));

    // Assess
    expect(started).toMatchObject({
      JobStatus: 'SUBMITTED',
      JobArn: `arn:aws:comprehend:us-east-1:000000000000:entities-detection-job/${started.JobId}`,
    });
    expect(again.JobId).toBe(started.JobId);
    expect(described.EntitiesDetectionJobProperties).toMatchObject({
      JobName: 'news',
      JobStatus: 'COMPLETED',
      LanguageCode: 'en',
      DataAccessRoleArn: ROLE,
      InputDataConfig: { S3Uri: `s3://${BUCKET}/in/`, InputFormat: 'ONE_DOC_PER_FILE' },
    });
    expect(described.EntitiesDetectionJobProperties?.EndTime).toBeInstanceOf(Date);
    expect(output).toBe(`s3://${BUCKET}/out/000000000000-NER-${started.JobId}/output/output.tar.gz`);
    expect(Object.keys(files)).toEqual(['output']);
    expect(lines.map((line) => line.File).sort()).toEqual(['short.txt', 'story.txt']);
    expect(entityRecall(lines.find((line) => line.File === 'story.txt')!.Entities)).toBeGreaterThanOrEqual(0.8);
    expect(listed.EntitiesDetectionJobPropertiesList?.map((job) => job.JobId)).toEqual([started.JobId]);
  });

  it('runs a key phrases job line by line, and fails a job whose input is empty', async () => {
    // Prepare
    await s3Client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'lines/doc.txt',
        Body: 'The red car.\n\nA tall building in the city.\n',
      }),
    );

    // Act
    const started = await client.send(
      new StartKeyPhrasesDetectionJobCommand({
        InputDataConfig: { S3Uri: `s3://${BUCKET}/lines/doc.txt` },
        OutputDataConfig: { S3Uri: `s3://${BUCKET}/kp/` },
        DataAccessRoleArn: ROLE,
        LanguageCode: 'en',
      }),
    );
    const empty = await client.send(
      new StartKeyPhrasesDetectionJobCommand({
        InputDataConfig: { S3Uri: `s3://${BUCKET}/nothing/` },
        OutputDataConfig: { S3Uri: `s3://${BUCKET}/kp/` },
        DataAccessRoleArn: ROLE,
        LanguageCode: 'en',
      }),
    );
    await comprehend.service.comprehend.idle();
    const done = await client.send(new DescribeKeyPhrasesDetectionJobCommand({ JobId: started.JobId }));
    const failed = await client.send(new DescribeKeyPhrasesDetectionJobCommand({ JobId: empty.JobId }));
    const key = `kp/000000000000-KP-${started.JobId}/output/output.tar.gz`;
    const archive = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const files = await untar(gunzipSync(Buffer.from(await archive.Body!.transformToByteArray())));
    const lines = files
      .output!.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { File: string; Line: number; KeyPhrases: Array<{ Text: string }> });

    // Assess
    expect(done.KeyPhrasesDetectionJobProperties).toMatchObject({
      JobStatus: 'COMPLETED',
      InputDataConfig: { InputFormat: 'ONE_DOC_PER_LINE' },
    });
    expect(lines.map((line) => [line.File, line.Line])).toEqual([
      ['doc.txt', 0],
      ['doc.txt', 2],
    ]);
    expect(lines[1]!.KeyPhrases.map((phrase) => phrase.Text)).toEqual(['A tall building', 'the city']);
    expect(failed.KeyPhrasesDetectionJobProperties).toMatchObject({
      JobStatus: 'FAILED',
      Message: expect.stringContaining('NO_READ_ACCESS_TO_INPUT'),
    });
    await expect(client.send(new DescribeEntitiesDetectionJobCommand({ JobId: started.JobId }))).rejects.toThrow(
      JobNotFoundException,
    );
  });

  it('lists key phrase jobs page by page, oldest first, and stops a job that has not finished', async () => {
    // Prepare
    await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'paged/doc.txt', Body: ENTITY_PARAGRAPH }));
    const start = () =>
      client.send(
        new StartKeyPhrasesDetectionJobCommand({
          JobName: 'paged',
          InputDataConfig: { S3Uri: `s3://${BUCKET}/paged/` },
          OutputDataConfig: { S3Uri: `s3://${BUCKET}/paged-out/` },
          DataAccessRoleArn: ROLE,
          LanguageCode: 'en',
        }),
      );

    // Act: four jobs at once, one analysed at a time, so the last still waits when it is stopped.
    const started = await Promise.all([start(), start(), start(), start()]);
    const last = started[3]!.JobId as string;
    const stopped = await client.send(new StopKeyPhrasesDetectionJobCommand({ JobId: last }));
    await comprehend.service.comprehend.idle();
    const filter = { JobName: 'paged' };
    const first = await client.send(new ListKeyPhrasesDetectionJobsCommand({ Filter: filter, MaxResults: 3 }));
    const second = await client.send(
      new ListKeyPhrasesDetectionJobsCommand({ Filter: filter, MaxResults: 3, NextToken: first.NextToken }),
    );
    const onlyStopped = await client.send(
      new ListKeyPhrasesDetectionJobsCommand({ Filter: { JobName: 'paged', JobStatus: 'STOPPED' } }),
    );

    // Assess
    expect(stopped.JobId).toBe(last);
    expect(['STOPPED', 'STOP_REQUESTED']).toContain(stopped.JobStatus);
    const listed = [...first.KeyPhrasesDetectionJobPropertiesList!, ...second.KeyPhrasesDetectionJobPropertiesList!];
    expect(first.KeyPhrasesDetectionJobPropertiesList).toHaveLength(3);
    expect(first.NextToken).toBeDefined();
    expect(second.NextToken).toBeUndefined();
    expect(listed.map((job) => job.JobId).sort()).toEqual(started.map((job) => job.JobId).sort());
    const submitted = listed.map((job) => job.SubmitTime!.getTime());
    expect(submitted).toEqual([...submitted].sort((a, b) => a - b));
    expect(listed.filter((job) => job.JobId !== last).map((job) => job.JobStatus)).toEqual([
      'COMPLETED',
      'COMPLETED',
      'COMPLETED',
    ]);
    expect(onlyStopped.KeyPhrasesDetectionJobPropertiesList?.map((job) => job.JobId)).toEqual([last]);
    await expect(client.send(new StopKeyPhrasesDetectionJobCommand({ JobId: started[0]!.JobId }))).rejects.toThrow(
      JobNotFoundException,
    );
    // A key phrase job is not an entities job, as in the service.
    await expect(client.send(new StopEntitiesDetectionJobCommand({ JobId: last }))).rejects.toThrow(
      JobNotFoundException,
    );
  });

  it('refuses requests signed with the wrong secret', async () => {
    const forger = new ComprehendClient({
      region,
      endpoint: comprehend.service.endpoint,
      credentials: { ...TEST_CREDENTIALS, secretAccessKey: 'not-the-secret' },
    });
    await expect(forger.send(new DetectSentimentCommand({ Text: 'Fine.', LanguageCode: 'en' }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 400 },
    });
    forger.destroy();
  });

  it('trains a custom entity recognizer from an entity list, lists it by status and finds its entities in a job', async () => {
    // Prepare
    const put = (Key: string, Body: string) => s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
    await put(
      'recognizer/docs/train.txt',
      [
        'The Falcon drone landed on the roof.',
        'Pilots fly the Falcon drone at dawn.',
        'A Heron glider crossed the valley.',
        'Nobody saw the Heron glider land.',
      ].join('\n'),
    );
    await put('recognizer/entities.csv', 'Text,Type\nFalcon drone,AIRCRAFT\nHeron glider,AIRCRAFT\n');
    await put('recognizer/wrong-type.csv', 'Text,Type\nFalcon drone,BOAT\n');
    await put('recognizer/input/doc.txt', 'At noon the falcon drone and a Heron glider met.');
    const create = (name: string, entityList: string) =>
      client.send(
        new CreateEntityRecognizerCommand({
          RecognizerName: name,
          LanguageCode: 'en',
          DataAccessRoleArn: ROLE,
          InputDataConfig: {
            EntityTypes: [{ Type: 'AIRCRAFT' }],
            Documents: { S3Uri: `s3://${BUCKET}/recognizer/docs/` },
            EntityList: { S3Uri: `s3://${BUCKET}/recognizer/${entityList}` },
          },
        }),
      );

    // Act
    const created = await create('aircraft', 'entities.csv');
    const failed = await create('aircraft-wrong', 'wrong-type.csv');
    const duplicate = await create('aircraft', 'entities.csv').catch((error: unknown) => error);
    await comprehend.service.recognizers.idle();
    const described = await client.send(
      new DescribeEntityRecognizerCommand({ EntityRecognizerArn: created.EntityRecognizerArn }),
    );
    const trained = await client.send(new ListEntityRecognizersCommand({ Filter: { Status: 'TRAINED' } }));
    const broken = await client.send(
      new DescribeEntityRecognizerCommand({ EntityRecognizerArn: failed.EntityRecognizerArn }),
    );
    const job = await client.send(
      new StartEntitiesDetectionJobCommand({
        InputDataConfig: { S3Uri: `s3://${BUCKET}/recognizer/input/`, InputFormat: 'ONE_DOC_PER_FILE' },
        OutputDataConfig: { S3Uri: `s3://${BUCKET}/recognizer/output/` },
        DataAccessRoleArn: ROLE,
        LanguageCode: 'en',
        EntityRecognizerArn: created.EntityRecognizerArn,
      }),
    );
    await comprehend.service.comprehend.idle();
    const output = (await client.send(new DescribeEntitiesDetectionJobCommand({ JobId: job.JobId })))
      .EntitiesDetectionJobProperties?.OutputDataConfig?.S3Uri as string;
    const archive = await s3Client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: output.replace(`s3://${BUCKET}/`, '') }),
    );
    const files = await untar(gunzipSync(Buffer.from(await archive.Body!.transformToByteArray())));
    await client.send(new DeleteEntityRecognizerCommand({ EntityRecognizerArn: failed.EntityRecognizerArn }));
    const gone = await client
      .send(new DescribeEntityRecognizerCommand({ EntityRecognizerArn: failed.EntityRecognizerArn }))
      .catch((error: unknown) => error);

    // Assess
    expect(created.EntityRecognizerArn).toBe('arn:aws:comprehend:us-east-1:000000000000:entity-recognizer/aircraft');
    expect(duplicate).toBeInstanceOf(ResourceInUseException);
    expect(described.EntityRecognizerProperties).toMatchObject({
      Status: 'TRAINED',
      LanguageCode: 'en',
      RecognizerMetadata: { EntityTypes: [{ Type: 'AIRCRAFT', NumberOfTrainMentions: 4 }] },
    });
    expect(trained.EntityRecognizerPropertiesList?.map((item) => item.EntityRecognizerArn)).toEqual([
      created.EntityRecognizerArn,
    ]);
    expect(broken.EntityRecognizerProperties).toMatchObject({
      Status: 'IN_ERROR',
      Message: 'The entity list has the type BOAT, which EntityTypes does not declare.',
    });
    expect(JSON.parse(files.output as string).Entities).toEqual([
      { Score: 1, Type: 'AIRCRAFT', Text: 'falcon drone', BeginOffset: 12, EndOffset: 24 },
      { Score: 1, Type: 'AIRCRAFT', Text: 'Heron glider', BeginOffset: 31, EndOffset: 43 },
    ]);
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
  });
});
