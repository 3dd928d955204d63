import * as fs from 'node:fs';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ComprehendClient } from '@aws-sdk/client-comprehend';
import { PollyClient } from '@aws-sdk/client-polly';
import { TranscribeClient } from '@aws-sdk/client-transcribe';
import { TranslateClient } from '@aws-sdk/client-translate';
import { ComprehendLanguage, jobOutputObject } from '../../../lambdas/shared/ai/comprehend';
import { PollySpeech } from '../../../lambdas/shared/ai/polly';
import { s3ObjectOfUri, withRetries } from '../../../lambdas/shared/ai/jobs';
import { parseTranscript, TranscribeSpeech, TranscriptionFailed } from '../../../lambdas/shared/ai/transcribe';
import { TranslateText } from '../../../lambdas/shared/ai/translate';
import { S3Objects } from '../../../lambdas/shared/media/s3-objects';
import { comprehendModule } from '../../../lib/local/comprehend';
import { pollyModule } from '../../../lib/local/polly';
import { s3Module } from '../../../lib/local/s3/module';
import type { LocalService } from '../../../lib/local/service-module';
import { transcribeModule } from '../../../lib/local/transcribe';
import { translateModule } from '../../../lib/local/translate';
import { ENTITY_PARAGRAPH } from '../../support/language';
import { itNeeding, MISSING_EXTRAS } from '../../support/extras';
import { startModule, TEST_CREDENTIALS } from '../../support/modules';

const region = 'us-east-1';
const BUCKET = 'ai-media';
const FAST = { pollMs: 50, maxPollMs: 200, timeoutMs: 60_000 };
const itWithSpeech = itNeeding(MISSING_EXTRAS.synthesis, MISSING_EXTRAS.recognition);
const itTranscribing = itNeeding(MISSING_EXTRAS.recognition);
const itTranslating = itNeeding(MISSING_EXTRAS.translation);

/** The speech and language adapters through the local stand-ins, with SDK clients as a function makes them. */
describe('speech and language adapters', () => {
  const started: Array<{ service: LocalService; stop(): Promise<void> }> = [];
  let s3Client: S3Client;
  let transcribe: TranscribeSpeech;
  let comprehend: ComprehendLanguage;
  let translate: TranslateText;
  let polly: PollySpeech;
  const clients: Array<{ destroy(): void }> = [];

  beforeAll(async () => {
    const s3 = await startModule<LocalService>(s3Module);
    started.push(s3);
    const start = async (module: Parameters<typeof startModule>[0]) => {
      const running = await startModule<LocalService>(module, { services: { s3: s3.service } });
      started.push(running);
      return running.service.endpoint as string;
    };
    const options = (endpoint: string) => ({ region, endpoint, credentials: TEST_CREDENTIALS });
    s3Client = new S3Client({ ...options(s3.service.endpoint as string), forcePathStyle: true });
    const transcribeClient = new TranscribeClient(options(await start(transcribeModule)));
    const comprehendClient = new ComprehendClient(options(await start(comprehendModule)));
    const translateClient = new TranslateClient(options(await start(translateModule)));
    const pollyClient = new PollyClient(options(await start(pollyModule)));
    clients.push(s3Client, transcribeClient, comprehendClient, translateClient, pollyClient);
    transcribe = new TranscribeSpeech(transcribeClient, new S3Objects(s3Client));
    comprehend = new ComprehendLanguage(comprehendClient);
    translate = new TranslateText(translateClient);
    polly = new PollySpeech(pollyClient);
    await s3Client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    for (const running of started.reverse()) await running.stop();
  });

  itWithSpeech('speaks text into S3 with Polly and hears it back with Transcribe', async () => {
    // Act
    const speech = await polly.synthesizeToS3(
      'Hello world. The weather today is sunny and warm.',
      { voiceId: 'Joey', bucket: BUCKET, keyPrefix: 'speech/hello', withMarks: true },
      FAST,
    );
    await transcribe.startTranscription(speech.audio, {
      jobName: 'round-trip',
      languageCode: 'en-US',
      output: { bucket: BUCKET, key: 'transcripts/round-trip.json' },
    });
    const transcript = await transcribe.waitForTranscript('round-trip', FAST);

    // Assess
    expect(speech).toMatchObject({ voiceId: 'Joey', languageCode: 'en-US', format: 'mp3', sampleRateHz: 22050 });
    expect(speech.audio.key).toMatch(/^speech\/hello\.[0-9a-f-]{36}\.mp3$/);
    expect(speech.marks?.filter((mark) => mark.type === 'sentence').map((mark) => mark.value)).toEqual([
      'Hello world.',
      'The weather today is sunny and warm.',
    ]);
    expect(transcript.languageCode).toBe('en-US');
    expect(transcript.items.length).toBeGreaterThan(3);
    const word = transcript.items.find((item) => item.type === 'pronunciation');
    expect(word?.startMs).toEqual(expect.any(Number));
    expect(word?.confidence).toBeGreaterThanOrEqual(0);
    expect(transcript.text.length).toBeGreaterThan(0);
  });

  itTranscribing('throws TranscriptionFailed for a job that failed', async () => {
    // Act
    await transcribe.startTranscription(
      { bucket: BUCKET, key: 'missing.mp3' },
      { jobName: 'fails', languageCode: 'en-US' },
    );

    // Assess
    await expect(transcribe.waitForTranscript('fails', FAST)).rejects.toThrow(TranscriptionFailed);
  });

  it('finds entities, key phrases, sentiment and language, one text or many', async () => {
    // Act
    const entities = await comprehend.detectEntities(ENTITY_PARAGRAPH, 'en');
    const phrases = await comprehend.detectKeyPhrases('The red car stopped at the old bridge.', 'en');
    const sentiment = await comprehend.detectSentiment('What a wonderful day!', 'en');
    const languages = await comprehend.detectDominantLanguage('Dies ist ein deutscher Satz über das Wetter.');
    const batch = await comprehend.batchDetectEntities(
      Array.from({ length: 30 }, (_, index) => `Barack Obama spoke in Paris on day ${index + 1}.`),
      'en',
    );

    // Assess
    expect(entities).toContainEqual({
      text: 'Barack Obama',
      type: 'PERSON',
      score: expect.any(Number),
      beginOffset: 18,
      endOffset: 30,
    });
    expect(phrases.map((phrase) => phrase.text)).toEqual(['The red car', 'the old bridge']);
    expect(sentiment.sentiment).toBe('POSITIVE');
    expect(languages[0]?.languageCode).toBe('de');
    expect(batch).toHaveLength(30);
    expect(batch[29]?.map((found) => found.type)).toContain('PERSON');
  });

  it('runs an entities job and reads its output', async () => {
    // Prepare
    await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'docs/a.txt', Body: ENTITY_PARAGRAPH }));

    // Act
    const job = await comprehend.startJob('entities', {
      input: `s3://${BUCKET}/docs/`,
      output: `s3://${BUCKET}/analysis/`,
      dataAccessRoleArn: 'arn:aws:iam::000000000000:role/ComprehendData',
      languageCode: 'en',
    });
    const done = await comprehend.waitForJob('entities', job.jobId, FAST);
    const object = jobOutputObject(done.outputUri as string)!;
    const archive = await s3Client.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
    const documents = await ComprehendLanguage.readJobOutput('entities', await archive.Body!.transformToByteArray());

    // Assess
    expect(done.status).toBe('COMPLETED');
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ file: 'a.txt' });
    expect(documents[0]?.results.map((found) => found.text)).toContain('Angela Merkel');
  });

  itTranslating('translates text and lists the languages', async () => {
    // Act
    const translation = await translate.translate('The house is big.', 'auto', 'es');
    const languages = await translate.languages();

    // Assess
    expect(translation).toMatchObject({ sourceLanguageCode: 'en', targetLanguageCode: 'es' });
    expect(translation.text).toMatch(/casa/i);
    expect(languages.get('es')).toBe('Spanish');
  });

  it("retries the speech and language services' throttling and passing faults, by their own names", async () => {
    // Prepare: each service's name for "try again" (Transcribe, Comprehend and Translate, Polly).
    const names = [
      'LimitExceededException',
      'InternalFailureException',
      'InternalServerException',
      'ServiceFailureException',
    ];
    const waits: number[] = [];

    // Act
    const results = await Promise.all(
      names.map((name) => {
        let calls = 0;
        return withRetries(
          async () => {
            calls += 1;
            if (calls < 2) throw Object.assign(new Error('try again'), { name });
            return name;
          },
          { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
          async (ms) => {
            waits.push(ms);
          },
          () => 1,
        );
      }),
    );
    const refused = withRetries(async () => {
      throw Object.assign(new Error('bad'), { name: 'UnsupportedLanguagePairException' });
    });

    // Assess
    expect(results).toEqual(names);
    expect(waits).toEqual([100, 100, 100, 100]);
    await expect(refused).rejects.toThrow('bad');
  });

  it('reads S3 objects from the URLs the services return, and not from pre-signed links', () => {
    expect(s3ObjectOfUri('https://s3.us-east-1.amazonaws.com/bucket/a/b%20c.json')).toEqual({
      bucket: 'bucket',
      key: 'a/b c.json',
    });
    expect(s3ObjectOfUri('https://bucket.s3.eu-west-1.amazonaws.com/key.json')).toEqual({
      bucket: 'bucket',
      key: 'key.json',
    });
    expect(s3ObjectOfUri('s3://bucket/out/output.tar.gz')).toEqual({ bucket: 'bucket', key: 'out/output.tar.gz' });
    expect(s3ObjectOfUri('https://s3.us-east-1.amazonaws.com/b/k.json?X-Amz-Signature=abc')).toBeUndefined();
    expect(s3ObjectOfUri('http://127.0.0.1:4000/_mediaplane/files/x?Signature=1')).toBeUndefined();
  });

  it('parses the transcript JSON Transcribe writes', () => {
    // Act
    const transcript = parseTranscript(
      JSON.parse(fs.readFileSync(require.resolve('./fixtures/transcript.json'), 'utf8')),
      'en-US',
    );

    // Assess
    expect(transcript).toEqual({
      languageCode: 'en-US',
      text: 'Hi there.',
      items: [
        { type: 'pronunciation', content: 'Hi', confidence: 0.99, startMs: 40, endMs: 300, speaker: 'spk_0' },
        { type: 'pronunciation', content: 'there', confidence: 0.87, startMs: 310, endMs: 700, speaker: 'spk_0' },
        { type: 'punctuation', content: '.', confidence: 0 },
      ],
    });
  });
});
