import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BadRequestException,
  ConflictException,
  CreateLanguageModelCommand,
  CreateVocabularyCommand,
  DeleteLanguageModelCommand,
  DeleteTranscriptionJobCommand,
  DeleteVocabularyCommand,
  DescribeLanguageModelCommand,
  GetTranscriptionJobCommand,
  GetVocabularyCommand,
  ListLanguageModelsCommand,
  ListTranscriptionJobsCommand,
  ListVocabulariesCommand,
  NotFoundException,
  StartTranscriptionJobCommand,
  TranscribeClient,
  UpdateVocabularyCommand,
} from '@aws-sdk/client-transcribe';
import { systemExtras } from '../../../lib/local/ai-support/extras';
import { s3Module } from '../../../lib/local/s3/module';
import type { LocalService } from '../../../lib/local/service-module';
import { transcribeModule, transcribeModuleWith, type TranscribeService } from '../../../lib/local/transcribe';
import { itNeeding, MISSING_EXTRAS } from '../../support/extras';
import { startModule, TEST_CREDENTIALS } from '../../support/modules';
import { speak, speakStereo, SPOKEN_SENTENCES, wordRecall } from '../../support/speech';

const BUCKET = 'media';
const region = 'us-east-1';
/** Jobs that run hear speech espeak-ng made with PocketSphinx; the rest of the API needs neither. */
const itWithSpeech = itNeeding(MISSING_EXTRAS.recognition, MISSING_EXTRAS.synthesis);

interface TranscriptJson {
  jobName: string;
  accountId: string;
  status: string;
  results: {
    transcripts: Array<{ transcript: string }>;
    items: Array<{
      id: number;
      type: 'pronunciation' | 'punctuation';
      start_time?: string;
      end_time?: string;
      alternatives: Array<{ confidence: string; content: string }>;
      speaker_label?: string;
      channel_label?: string;
    }>;
    speaker_labels?: { speakers: number; segments: Array<{ speaker_label: string; items: unknown[] }> };
    channel_labels?: { number_of_channels: number; channels: Array<{ channel_label: string; items: unknown[] }> };
    audio_segments: Array<{ transcript: string; items: number[] }>;
  };
}

/** Transcribe driven by the real SDK client (default configuration plus endpoint), media and outputs in local S3. */
describe('local Transcribe', () => {
  let s3: { service: LocalService; stop(): Promise<void> };
  let transcribe: { service: TranscribeService; stop(): Promise<void> };
  let s3Client: S3Client;
  let client: TranscribeClient;
  let work: string;

  const objectText = async (key: string) => {
    const response = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return (await response.Body?.transformToString()) as string;
  };
  const finished = async (name: string) => {
    await transcribe.service.transcribe.idle();
    return (await client.send(new GetTranscriptionJobCommand({ TranscriptionJobName: name }))).TranscriptionJob!;
  };

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'transcribe-test-'));
    s3 = await startModule<LocalService>(s3Module);
    transcribe = await startModule<TranscribeService>(transcribeModule, { services: { s3: s3.service } });
    s3Client = new S3Client({
      region,
      endpoint: s3.service.endpoint,
      credentials: TEST_CREDENTIALS,
      forcePathStyle: true,
    });
    client = new TranscribeClient({ region, endpoint: transcribe.service.endpoint, credentials: TEST_CREDENTIALS });
    await s3Client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    if (MISSING_EXTRAS.synthesis === undefined) {
      const speech = path.join(work, 'speech.mp3');
      await speak(SPOKEN_SENTENCES.join('. '), speech);
      await s3Client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'in/speech.mp3', Body: fs.readFileSync(speech) }),
      );
      // Two words, for the tests about the job queue rather than about what is heard.
      const short = path.join(work, 'short.mp3');
      await speak('hello world', short);
      await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/short.mp3', Body: fs.readFileSync(short) }));
    }
  });

  afterAll(async () => {
    client?.destroy();
    s3Client?.destroy();
    await transcribe?.stop();
    await s3?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  itWithSpeech(
    'transcribes speech into the requested bucket and key, with timed words, punctuation and subtitles',
    async () => {
      // Act
      const started = await client.send(
        new StartTranscriptionJobCommand({
          TranscriptionJobName: 'speech-1',
          LanguageCode: 'en-US',
          Media: { MediaFileUri: `s3://${BUCKET}/in/speech.mp3` },
          MediaFormat: 'mp3',
          OutputBucketName: BUCKET,
          OutputKey: 'out/',
          Subtitles: { Formats: ['vtt', 'srt'], OutputStartIndex: 1 },
        }),
      );
      const job = await finished('speech-1');

      // Assess
      expect(started.TranscriptionJob).toMatchObject({
        TranscriptionJobName: 'speech-1',
        TranscriptionJobStatus: 'IN_PROGRESS',
      });
      expect(started.TranscriptionJob?.CreationTime).toBeInstanceOf(Date);
      expect(job).toMatchObject({
        TranscriptionJobStatus: 'COMPLETED',
        LanguageCode: 'en-US',
        MediaFormat: 'mp3',
        MediaSampleRateHertz: 22050,
        Transcript: { TranscriptFileUri: `https://s3.us-east-1.amazonaws.com/${BUCKET}/out/speech-1.json` },
        Subtitles: {
          Formats: ['vtt', 'srt'],
          OutputStartIndex: 1,
          SubtitleFileUris: [
            `https://s3.us-east-1.amazonaws.com/${BUCKET}/out/speech-1.vtt`,
            `https://s3.us-east-1.amazonaws.com/${BUCKET}/out/speech-1.srt`,
          ],
        },
      });
      expect(job.CompletionTime!.getTime()).toBeGreaterThanOrEqual(job.StartTime!.getTime());
      const transcript = JSON.parse(await objectText('out/speech-1.json')) as TranscriptJson;
      expect(transcript).toMatchObject({ jobName: 'speech-1', accountId: '000000000000', status: 'COMPLETED' });
      const words = transcript.results.items.filter((item) => item.type === 'pronunciation');
      expect(words.length).toBeGreaterThan(5);
      for (const word of words) {
        expect(word.start_time).toMatch(/^\d+\.\d+$/);
        expect(Number(word.end_time)).toBeGreaterThanOrEqual(Number(word.start_time));
        expect(Number(word.alternatives[0]?.confidence)).toBeGreaterThanOrEqual(0);
        expect(Number(word.alternatives[0]?.confidence)).toBeLessThanOrEqual(1);
      }
      const times = words.map((word) => Number(word.start_time));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(transcript.results.items.at(-1)).toMatchObject({ type: 'punctuation', alternatives: [{ content: '.' }] });
      expect(transcript.results.items.map((item) => item.id)).toEqual(
        transcript.results.items.map((_, index) => index),
      );
      const text = transcript.results.transcripts[0]!.transcript;
      expect(text).toMatch(/^[A-Z].*\.$/);
      expect(transcript.results.audio_segments.map((segment) => segment.transcript).join(' ')).toBe(text);
      // Quality: espeak-ng's robotic voice is hard for PocketSphinx; the bench reports the recall measured.
      expect(wordRecall(SPOKEN_SENTENCES.join(' '), text)).toBeGreaterThanOrEqual(0.15);
      expect(await objectText('out/speech-1.vtt')).toMatch(/^WEBVTT\n\n1\n00:00:\d\d\.\d{3} --> 00:00:\d\d\.\d{3}\n/);
      expect(await objectText('out/speech-1.srt')).toMatch(/^1\n00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}\n/);
    },
  );

  itWithSpeech(
    "keeps a transcript in the service's storage behind a pre-signed link when no bucket is named",
    async () => {
      // Act
      await client.send(
        new StartTranscriptionJobCommand({
          TranscriptionJobName: 'service-bucket',
          IdentifyLanguage: true,
          LanguageOptions: ['en-US', 'es-US'],
          Media: { MediaFileUri: `https://${BUCKET}.s3.us-east-1.amazonaws.com/in/speech.mp3` },
          Settings: { ShowSpeakerLabels: true, MaxSpeakerLabels: 2 },
        }),
      );
      const job = await finished('service-bucket');
      const link = job.Transcript?.TranscriptFileUri as string;
      const transcript = (await (await fetch(link)).json()) as TranscriptJson & {
        results: { language_code: string; language_identification: Array<{ code: string; score: string }> };
      };
      const forged = await fetch(
        link.replace(/Signature=[0-9a-f]/, (match) =>
          match.endsWith('0') ? `${match.slice(0, -1)}1` : `${match.slice(0, -1)}0`,
        ),
      );
      const listed = await client.send(new ListTranscriptionJobsCommand({ JobNameContains: 'SERVICE' }));

      // Assess
      expect(job).toMatchObject({ TranscriptionJobStatus: 'COMPLETED', LanguageCode: 'en-US', IdentifyLanguage: true });
      expect(job.IdentifiedLanguageScore).toBeGreaterThan(0);
      expect(link.startsWith(transcribe.service.endpoint)).toBe(true);
      expect(transcript.results.language_code).toBe('en-US');
      expect(transcript.results.language_identification[0]?.code).toBe('en-US');
      expect(transcript.results.speaker_labels?.speakers).toBe(1);
      expect(
        transcript.results.items
          .filter((item) => item.type === 'pronunciation')
          .every((item) => item.speaker_label === 'spk_0'),
      ).toBe(true);
      expect(forged.status).toBe(403);
      expect(await forged.text()).toContain('<Code>AccessDenied</Code>');
      expect(listed.TranscriptionJobSummaries).toEqual([
        expect.objectContaining({ TranscriptionJobName: 'service-bucket', OutputLocationType: 'SERVICE_BUCKET' }),
      ]);
    },
  );

  itWithSpeech('transcribes each channel on its own with channel identification', async () => {
    // Prepare
    const stereo = path.join(work, 'stereo.wav');
    await speakStereo(SPOKEN_SENTENCES[0]!, SPOKEN_SENTENCES[1]!, stereo);
    await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/stereo.wav', Body: fs.readFileSync(stereo) }));

    // Act
    await client.send(
      new StartTranscriptionJobCommand({
        TranscriptionJobName: 'channels',
        LanguageCode: 'en-US',
        Media: { MediaFileUri: `s3://${BUCKET}/in/stereo.wav` },
        OutputBucketName: BUCKET,
        OutputKey: 'channels/result.json',
        Settings: { ChannelIdentification: true },
      }),
    );
    const job = await finished('channels');
    const transcript = JSON.parse(await objectText('channels/result.json')) as TranscriptJson;

    // Assess
    expect(job.TranscriptionJobStatus).toBe('COMPLETED');
    expect(transcript.results.channel_labels?.number_of_channels).toBe(2);
    expect(transcript.results.channel_labels?.channels.map((channel) => channel.channel_label)).toEqual([
      'ch_0',
      'ch_1',
    ]);
    const labels = new Set(transcript.results.items.map((item) => item.channel_label));
    expect(labels).toEqual(new Set(['ch_0', 'ch_1']));
  });

  itWithSpeech('fails a job whose media is missing or not audio, with the reason', async () => {
    // Prepare
    await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/notes.txt', Body: 'not audio at all' }));

    // Act
    for (const [name, key] of [
      ['missing', 'in/none.mp3'],
      ['not-audio', 'in/notes.txt'],
    ] as const) {
      await client.send(
        new StartTranscriptionJobCommand({
          TranscriptionJobName: name,
          LanguageCode: 'en-US',
          Media: { MediaFileUri: `s3://${BUCKET}/${key}` },
        }),
      );
    }
    const missing = await finished('missing');
    const notAudio = await finished('not-audio');

    // Assess
    expect(missing).toMatchObject({
      TranscriptionJobStatus: 'FAILED',
      FailureReason: expect.stringContaining("can't be accessed"),
    });
    expect(missing.Transcript).toBeUndefined();
    expect(notAudio).toMatchObject({ TranscriptionJobStatus: 'FAILED', FailureReason: 'Failed to parse audio file.' });
  });

  itWithSpeech('queues jobs started while one runs and lists them newest first, page by page', async () => {
    // Act
    const names = ['queue-a', 'queue-b', 'queue-c'];
    const statuses: string[] = [];
    for (const name of names) {
      const started = await client.send(
        new StartTranscriptionJobCommand({
          TranscriptionJobName: name,
          LanguageCode: 'en-US',
          Media: { MediaFileUri: `s3://${BUCKET}/in/short.mp3` },
        }),
      );
      statuses.push(started.TranscriptionJob?.TranscriptionJobStatus as string);
    }
    const queued = await client.send(new ListTranscriptionJobsCommand({ Status: 'QUEUED', JobNameContains: 'queue' }));
    await transcribe.service.transcribe.idle();
    const first = await client.send(new ListTranscriptionJobsCommand({ JobNameContains: 'queue', MaxResults: 2 }));
    const second = await client.send(
      new ListTranscriptionJobsCommand({ JobNameContains: 'queue', MaxResults: 2, NextToken: first.NextToken }),
    );
    const badToken = client.send(
      new ListTranscriptionJobsCommand({ JobNameContains: 'other', NextToken: first.NextToken }),
    );

    // Assess
    expect(statuses).toEqual(['IN_PROGRESS', 'QUEUED', 'QUEUED']);
    expect(queued.Status).toBe('QUEUED');
    expect(queued.TranscriptionJobSummaries?.map((job) => job.TranscriptionJobName)).toEqual(['queue-c', 'queue-b']);
    expect(first.TranscriptionJobSummaries?.map((job) => job.TranscriptionJobName)).toEqual(['queue-c', 'queue-b']);
    expect(first.NextToken).toBeDefined();
    expect(second.TranscriptionJobSummaries?.map((job) => job.TranscriptionJobName)).toEqual(['queue-a']);
    expect(second.NextToken).toBeUndefined();
    expect(second.TranscriptionJobSummaries?.[0]).toMatchObject({
      TranscriptionJobStatus: 'COMPLETED',
      OutputLocationType: 'SERVICE_BUCKET',
    });
    await expect(badToken).rejects.toThrow(BadRequestException);
  });

  itWithSpeech('deletes a job, and answers a job that does not exist as the service does', async () => {
    // Act
    await client.send(new DeleteTranscriptionJobCommand({ TranscriptionJobName: 'queue-a' }));
    const get = client.send(new GetTranscriptionJobCommand({ TranscriptionJobName: 'queue-a' }));
    const remove = client.send(new DeleteTranscriptionJobCommand({ TranscriptionJobName: 'queue-a' }));

    // Assess
    await expect(get).rejects.toThrow(BadRequestException);
    await expect(get).rejects.toThrow("The requested job couldn't be found");
    await expect(remove).rejects.toThrow(BadRequestException);
  });

  const startBad = (input: Partial<ConstructorParameters<typeof StartTranscriptionJobCommand>[0]>) =>
    client.send(
      new StartTranscriptionJobCommand({
        TranscriptionJobName: 'bad',
        LanguageCode: 'en-US',
        Media: { MediaFileUri: `s3://${BUCKET}/in/speech.mp3` },
        ...input,
      } as ConstructorParameters<typeof StartTranscriptionJobCommand>[0]),
    );

  it('refuses malformed job requests with the service errors', async () => {
    await expect(startBad({ TranscriptionJobName: 'has space' })).rejects.toThrow(
      "Value 'has space' at 'transcriptionJobName' failed to satisfy constraint: Member must satisfy regular expression pattern",
    );
    await expect(startBad({ LanguageCode: undefined })).rejects.toThrow(BadRequestException);
    await expect(startBad({ LanguageCode: 'xx-XX' as never })).rejects.toThrow('Member must satisfy enum value set');
    await expect(startBad({ LanguageCode: 'de-DE' })).rejects.toThrow("de-DE isn't supported");
    await expect(startBad({ Media: { MediaFileUri: 'ftp://elsewhere/file.mp3' } })).rejects.toThrow(
      "doesn't point to an S3 object",
    );
    await expect(startBad({ Settings: { ShowSpeakerLabels: true } })).rejects.toThrow('MaxSpeakerLabels');
    await expect(client.send(new GetTranscriptionJobCommand({ TranscriptionJobName: 'bad' }))).rejects.toThrow(
      BadRequestException,
    );
  });

  itWithSpeech('refuses job requests that clash with what exists, with the service errors', async () => {
    await expect(startBad({ TranscriptionJobName: 'speech-1' })).rejects.toThrow(ConflictException);
    await expect(startBad({ OutputBucketName: 'no-such-bucket' })).rejects.toThrow("bucket doesn't exist");
    await expect(startBad({ Settings: { VocabularyName: 'nothing' } })).rejects.toThrow("vocabulary couldn't be found");
  });

  it('refuses requests signed with an unknown key', async () => {
    const stranger = new TranscribeClient({
      region,
      endpoint: transcribe.service.endpoint,
      credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'nope' },
    });
    await expect(stranger.send(new ListTranscriptionJobsCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 400 },
    });
    stranger.destroy();
  });

  it('refuses requests signed with the wrong secret', async () => {
    const forger = new TranscribeClient({
      region,
      endpoint: transcribe.service.endpoint,
      credentials: { ...TEST_CREDENTIALS, secretAccessKey: 'not-the-secret' },
    });
    await expect(forger.send(new ListTranscriptionJobsCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 400 },
    });
    forger.destroy();
  });

  itWithSpeech('makes vocabularies from phrases and from a table file, and applies one to a job', async () => {
    // Prepare
    await s3Client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'vocab/table.txt',
        Body: 'Phrase\tSoundsLike\tIPA\tDisplayAs\nspeech-recognition\t\t\tSpeech-Recognition\nweather\t\t\tWEATHER\n',
      }),
    );

    // Act
    const created = await client.send(
      new CreateVocabularyCommand({
        VocabularyName: 'phrases',
        LanguageCode: 'en-US',
        Phrases: ['Los-Angeles', 'AWS'],
      }),
    );
    await client.send(
      new CreateVocabularyCommand({
        VocabularyName: 'table',
        LanguageCode: 'en-US',
        VocabularyFileUri: `s3://${BUCKET}/vocab/table.txt`,
      }),
    );
    await client.send(
      new CreateVocabularyCommand({
        VocabularyName: 'broken',
        LanguageCode: 'en-US',
        VocabularyFileUri: `s3://${BUCKET}/vocab/none.txt`,
      }),
    );
    await transcribe.service.transcribe.idle();
    const table = await client.send(new GetVocabularyCommand({ VocabularyName: 'table' }));
    const broken = await client.send(new GetVocabularyCommand({ VocabularyName: 'broken' }));
    const download = await (await fetch(table.DownloadUri as string)).text();
    const ready = await client.send(new ListVocabulariesCommand({ StateEquals: 'READY' }));
    await client.send(
      new StartTranscriptionJobCommand({
        TranscriptionJobName: 'with-vocabulary',
        LanguageCode: 'en-US',
        Media: { MediaFileUri: `s3://${BUCKET}/in/speech.mp3` },
        Settings: { VocabularyName: 'table' },
        OutputBucketName: BUCKET,
      }),
    );
    await finished('with-vocabulary');
    const transcript = JSON.parse(await objectText('with-vocabulary.json')) as TranscriptJson;
    await client.send(new DeleteVocabularyCommand({ VocabularyName: 'phrases' }));

    // Assess
    expect(created).toMatchObject({ VocabularyName: 'phrases', LanguageCode: 'en-US', VocabularyState: 'PENDING' });
    expect(table.VocabularyState).toBe('READY');
    expect(download).toContain('speech-recognition\t\t\tSpeech-Recognition');
    expect(broken).toMatchObject({
      VocabularyState: 'FAILED',
      FailureReason: expect.stringContaining("can't be accessed"),
    });
    expect(ready.Vocabularies?.map((vocabulary) => vocabulary.VocabularyName).sort()).toEqual(['phrases', 'table']);
    // A vocabulary word the recognizer heard is written as its DisplayAs says.
    const contents = transcript.results.items.map((item) => item.alternatives[0]?.content);
    if (contents.some((content) => content?.toLowerCase() === 'weather')) expect(contents).toContain('WEATHER');
    await expect(client.send(new GetVocabularyCommand({ VocabularyName: 'phrases' }))).rejects.toThrow(
      NotFoundException,
    );
    await expect(client.send(new DeleteVocabularyCommand({ VocabularyName: 'phrases' }))).rejects.toThrow(
      NotFoundException,
    );
    await expect(
      client.send(new CreateVocabularyCommand({ VocabularyName: 'table', LanguageCode: 'en-US', Phrases: ['x'] })),
    ).rejects.toThrow(ConflictException);
    await expect(
      client.send(new CreateVocabularyCommand({ VocabularyName: 'neither', LanguageCode: 'en-US' })),
    ).rejects.toThrow(BadRequestException);
  });

  itWithSpeech('trains custom language models from text in S3 and lists and describes them', async () => {
    // Prepare
    await s3Client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'training/a.txt',
        Body: 'The AWS Weather report. AWS says the Weather is sunny.',
      }),
    );

    // Act
    const created = await client.send(
      new CreateLanguageModelCommand({
        ModelName: 'weather-model',
        LanguageCode: 'en-US',
        BaseModelName: 'WideBand',
        InputDataConfig: {
          S3Uri: `s3://${BUCKET}/training/`,
          DataAccessRoleArn: 'arn:aws:iam::000000000000:role/TranscribeData',
        },
      }),
    );
    await client.send(
      new CreateLanguageModelCommand({
        ModelName: 'empty-model',
        LanguageCode: 'en-US',
        BaseModelName: 'NarrowBand',
        InputDataConfig: {
          S3Uri: `s3://${BUCKET}/nothing-here/`,
          DataAccessRoleArn: 'arn:aws:iam::000000000000:role/TranscribeData',
        },
      }),
    );
    await transcribe.service.transcribe.idle();
    const described = await client.send(new DescribeLanguageModelCommand({ ModelName: 'weather-model' }));
    const failed = await client.send(new DescribeLanguageModelCommand({ ModelName: 'empty-model' }));
    const listed = await client.send(new ListLanguageModelsCommand({ StatusEquals: 'COMPLETED' }));
    await client.send(
      new StartTranscriptionJobCommand({
        TranscriptionJobName: 'with-model',
        LanguageCode: 'en-US',
        Media: { MediaFileUri: `s3://${BUCKET}/in/speech.mp3` },
        ModelSettings: { LanguageModelName: 'weather-model' },
      }),
    );
    const job = await finished('with-model');
    await client.send(new DeleteLanguageModelCommand({ ModelName: 'empty-model' }));

    // Assess
    expect(created).toMatchObject({
      ModelName: 'weather-model',
      ModelStatus: 'IN_PROGRESS',
      BaseModelName: 'WideBand',
    });
    expect(described.LanguageModel).toMatchObject({
      ModelName: 'weather-model',
      ModelStatus: 'COMPLETED',
      LanguageCode: 'en-US',
      UpgradeAvailability: false,
    });
    expect(described.LanguageModel?.CreateTime).toBeInstanceOf(Date);
    expect(failed.LanguageModel).toMatchObject({
      ModelStatus: 'FAILED',
      FailureReason: expect.stringContaining('empty'),
    });
    expect(listed.Models?.map((model) => model.ModelName)).toEqual(['weather-model']);
    expect(job).toMatchObject({
      TranscriptionJobStatus: 'COMPLETED',
      ModelSettings: { LanguageModelName: 'weather-model' },
    });
    await expect(client.send(new DescribeLanguageModelCommand({ ModelName: 'empty-model' }))).rejects.toThrow(
      NotFoundException,
    );
  });

  it('answers without PocketSphinx as the service answers a request it cannot serve, naming the packages', async () => {
    // Prepare
    const bare = await startModule<TranscribeService>(
      { ...transcribeModuleWith(systemExtras('/nonexistent', '/nonexistent')) },
      { services: { s3: s3.service } },
    );
    const bareClient = new TranscribeClient({ region, endpoint: bare.service.endpoint, credentials: TEST_CREDENTIALS });

    // Act
    const start = bareClient.send(
      new StartTranscriptionJobCommand({
        TranscriptionJobName: 'offline',
        LanguageCode: 'en-US',
        Media: { MediaFileUri: `s3://${BUCKET}/in/speech.mp3` },
      }),
    );

    // Assess
    await expect(start).rejects.toThrow(BadRequestException);
    await expect(start).rejects.toThrow('pocketsphinx and pocketsphinx-en-us');
    bareClient.destroy();
    await bare.stop();
  });

  it('updates a vocabulary in place and lists vocabularies page by page', async () => {
    // Prepare
    for (const name of ['paged-a', 'paged-b', 'paged-c']) {
      await client.send(new CreateVocabularyCommand({ VocabularyName: name, LanguageCode: 'en-US', Phrases: ['AWS'] }));
    }
    await transcribe.service.transcribe.idle();

    // Act
    const updated = await client.send(
      new UpdateVocabularyCommand({ VocabularyName: 'paged-b', LanguageCode: 'en-US', Phrases: ['Mediaplane', 'AWS'] }),
    );
    await transcribe.service.transcribe.idle();
    const got = await client.send(new GetVocabularyCommand({ VocabularyName: 'paged-b' }));
    const download = await (await fetch(got.DownloadUri as string)).text();
    const first = await client.send(new ListVocabulariesCommand({ NameContains: 'paged', MaxResults: 2 }));
    const second = await client.send(
      new ListVocabulariesCommand({ NameContains: 'paged', MaxResults: 2, NextToken: first.NextToken }),
    );
    const missing = client.send(
      new UpdateVocabularyCommand({ VocabularyName: 'paged-z', LanguageCode: 'en-US', Phrases: ['x'] }),
    );

    // Assess
    expect(updated).toMatchObject({ VocabularyName: 'paged-b', LanguageCode: 'en-US', VocabularyState: 'PENDING' });
    expect(updated.LastModifiedTime).toBeInstanceOf(Date);
    expect(got.VocabularyState).toBe('READY');
    expect(download).toContain('Mediaplane');
    // Newest first: the one just updated leads.
    expect(first.Vocabularies?.map((vocabulary) => vocabulary.VocabularyName)).toEqual([
      'paged-b',
      expect.stringMatching(/^paged-[ac]$/),
    ]);
    expect(first.NextToken).toBeDefined();
    expect(second.Vocabularies).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
    expect(
      [...first.Vocabularies!, ...second.Vocabularies!].map((vocabulary) => vocabulary.VocabularyName).sort(),
    ).toEqual(['paged-a', 'paged-b', 'paged-c']);
    await expect(missing).rejects.toThrow(NotFoundException);
  });

  it('lists and describes custom language models page by page', async () => {
    // Prepare
    await s3Client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'paged-training/a.txt', Body: 'The iPhone report from AWS.' }),
    );
    for (const name of ['paged-model-a', 'paged-model-b']) {
      await client.send(
        new CreateLanguageModelCommand({
          ModelName: name,
          LanguageCode: 'en-US',
          BaseModelName: 'WideBand',
          InputDataConfig: {
            S3Uri: `s3://${BUCKET}/paged-training/`,
            DataAccessRoleArn: 'arn:aws:iam::000000000000:role/TranscribeData',
          },
        }),
      );
    }
    await transcribe.service.transcribe.idle();

    // Act
    const first = await client.send(new ListLanguageModelsCommand({ NameContains: 'paged-model', MaxResults: 1 }));
    const second = await client.send(
      new ListLanguageModelsCommand({ NameContains: 'paged-model', MaxResults: 1, NextToken: first.NextToken }),
    );
    const described = await client.send(new DescribeLanguageModelCommand({ ModelName: 'paged-model-a' }));

    // Assess
    expect(first.Models).toHaveLength(1);
    expect(first.NextToken).toBeDefined();
    expect(second.Models).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
    expect([...first.Models!, ...second.Models!].map((model) => model.ModelName).sort()).toEqual([
      'paged-model-a',
      'paged-model-b',
    ]);
    expect(described.LanguageModel).toMatchObject({
      ModelName: 'paged-model-a',
      ModelStatus: 'COMPLETED',
      InputDataConfig: { S3Uri: `s3://${BUCKET}/paged-training/` },
    });
    await expect(client.send(new DescribeLanguageModelCommand({ ModelName: 'no-model' }))).rejects.toThrow(
      NotFoundException,
    );
  });
});
