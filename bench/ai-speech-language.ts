import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ComprehendClient } from '@aws-sdk/client-comprehend';
import { PollyClient } from '@aws-sdk/client-polly';
import { TranscribeClient } from '@aws-sdk/client-transcribe';
import { TranslateClient } from '@aws-sdk/client-translate';
import { ComprehendLanguage } from '../lambdas/shared/ai/comprehend';
import { PollySpeech } from '../lambdas/shared/ai/polly';
import { TranscribeSpeech } from '../lambdas/shared/ai/transcribe';
import { TranslateText } from '../lambdas/shared/ai/translate';
import { S3Objects } from '../lambdas/shared/media/s3-objects';
import { probeMedia } from '../lambdas/shared/media/ffmpeg';
import { mediaTools } from '../lambdas/shared/media/tools';
import { comprehendModule } from '../lib/local/comprehend';
import { pollyModule } from '../lib/local/polly';
import { s3Module } from '../lib/local/s3/module';
import type { LocalService, LocalServiceModule } from '../lib/local/service-module';
import { transcribeModule } from '../lib/local/transcribe';
import { translateModule } from '../lib/local/translate';
import { ENTITY_PARAGRAPH, entityRecall } from '../test/support/language';
import { startModule, TEST_CREDENTIALS } from '../test/support/modules';
import { speak, SPOKEN_SENTENCES, wordRecall } from '../test/support/speech';
import type { BenchRow } from './table';

const row = (kase: string, metric: string, value: string, reference?: string): BenchRow => ({
  benchmark: 'ai speech+language',
  case: kase,
  metric,
  value,
  ...(reference ? { reference } : {}),
});

const FAST = { pollMs: 50, maxPollMs: 250 };
const BUCKET = 'bench-speech';

/**
 * Transcribe, Comprehend, Translate and Polly stand-ins through the adapters: word recall of PocketSphinx on speech
 * espeak-ng renders, the audio real-time factor of a transcription job, entity recall on a paragraph with known
 * entities, and the time of the language and synthesis calls.
 */
export async function speechLanguageBenchmark(): Promise<BenchRow[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-speech-'));
  const started: Array<{ service: LocalService; stop(): Promise<void> }> = [];
  const clients: Array<{ destroy(): void }> = [];
  try {
    const s3 = await startModule<LocalService>(s3Module);
    started.push(s3);
    const endpoint = async (module: LocalServiceModule) => {
      const running = await startModule<LocalService>(module, { services: { s3: s3.service } });
      started.push(running);
      return { region: 'us-east-1', endpoint: running.service.endpoint as string, credentials: TEST_CREDENTIALS };
    };
    const s3Client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.service.endpoint,
      credentials: TEST_CREDENTIALS,
      forcePathStyle: true,
    });
    const transcribeClient = new TranscribeClient(await endpoint(transcribeModule));
    const comprehendClient = new ComprehendClient(await endpoint(comprehendModule));
    const translateClient = new TranslateClient(await endpoint(translateModule));
    const pollyClient = new PollyClient(await endpoint(pollyModule));
    clients.push(s3Client, transcribeClient, comprehendClient, translateClient, pollyClient);
    await s3Client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const rows: BenchRow[] = [];

    // Transcribe: half a minute of speech, so the real-time factor is the job's, not its start-up.
    const text = Array.from({ length: 4 }, () => SPOKEN_SENTENCES.join('. ')).join('. ');
    const audio = path.join(work, 'speech.mp3');
    await speak(text, audio);
    const seconds = Number((await probeMedia(mediaTools().ffprobe, audio)).format?.duration ?? 0);
    await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'speech.mp3', Body: fs.readFileSync(audio) }));
    const transcribe = new TranscribeSpeech(transcribeClient, new S3Objects(s3Client));
    const transcribeStart = performance.now();
    await transcribe.startTranscription(
      { bucket: BUCKET, key: 'speech.mp3' },
      { jobName: 'bench', languageCode: 'en-US' },
    );
    const transcript = await transcribe.waitForTranscript('bench', FAST);
    const transcribeSeconds = (performance.now() - transcribeStart) / 1000;
    rows.push(
      row('transcribe (pocketsphinx)', 'word recall, espeak-ng speech', wordRecall(text, transcript.text).toFixed(2)),
    );
    rows.push(
      row(
        'transcribe (pocketsphinx)',
        `real-time factor, ${seconds.toFixed(0)} s of speech`,
        (transcribeSeconds / seconds).toFixed(2),
        '< 1 is faster than real time',
      ),
    );

    // Comprehend.
    const comprehend = new ComprehendLanguage(comprehendClient);
    const entityStart = performance.now();
    const entities = await comprehend.detectEntities(ENTITY_PARAGRAPH, 'en');
    rows.push(
      row(
        'comprehend DetectEntities',
        'entity recall (text and type)',
        entityRecall(entities.map((entity) => ({ Text: entity.text, Type: entity.type }))).toFixed(2),
      ),
    );
    rows.push(
      row('comprehend DetectEntities', 'time, 3 sentences', `${(performance.now() - entityStart).toFixed(0)} ms`),
    );
    const batchStart = performance.now();
    await comprehend.batchDetectKeyPhrases(
      Array.from({ length: 25 }, () => ENTITY_PARAGRAPH),
      'en',
    );
    rows.push(
      row(
        'comprehend BatchDetectKeyPhrases',
        'time, 25 documents',
        `${(performance.now() - batchStart).toFixed(0)} ms`,
      ),
    );

    // Translate.
    const translate = new TranslateText(translateClient);
    const translateStart = performance.now();
    const translation = await translate.translate(ENTITY_PARAGRAPH, 'en', 'es');
    rows.push(
      row('translate en→es (apertium)', 'time, 3 sentences', `${(performance.now() - translateStart).toFixed(0)} ms`),
    );
    rows.push(row('translate en→es (apertium)', 'output characters', String(translation.text.length)));

    // Polly, and the round trip through the recognizer.
    const polly = new PollySpeech(pollyClient);
    const pollyStart = performance.now();
    const speech = await polly.synthesizeToS3(
      SPOKEN_SENTENCES.join('. '),
      { voiceId: 'Joey', bucket: BUCKET, keyPrefix: 'polly/bench' },
      FAST,
    );
    rows.push(
      row(
        'polly task (espeak-ng)',
        'time, 2 sentences to mp3 in S3',
        `${(performance.now() - pollyStart).toFixed(0)} ms`,
      ),
    );
    await transcribe.startTranscription(speech.audio, { jobName: 'bench-polly', languageCode: 'en-US' });
    const heard = await transcribe.waitForTranscript('bench-polly', FAST);
    rows.push(row('polly → transcribe', 'word recall', wordRecall(SPOKEN_SENTENCES.join(' '), heard.text).toFixed(2)));
    return rows;
  } finally {
    for (const client of clients) client.destroy();
    for (const running of started.reverse()) await running.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
