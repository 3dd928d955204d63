import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeVoicesCommand,
  GetSpeechSynthesisTaskCommand,
  InvalidS3BucketException,
  InvalidSampleRateException,
  ListSpeechSynthesisTasksCommand,
  MarksNotSupportedForFormatException,
  PollyClient,
  StartSpeechSynthesisTaskCommand,
  SynthesisTaskNotFoundException,
  SynthesizeSpeechCommand,
  TextLengthExceededException,
} from '@aws-sdk/client-polly';
import aws4 from 'aws4';
import { probeMedia } from '../../../lambdas/shared/media/ffmpeg';
import { mediaTools } from '../../../lambdas/shared/media/tools';
import { systemExtras } from '../../../lib/local/ai-support/extras';
import { pollyModule, pollyModuleWith, type PollyService } from '../../../lib/local/polly';
import { s3Module } from '../../../lib/local/s3/module';
import type { LocalService } from '../../../lib/local/service-module';
import { itNeeding, MISSING_EXTRAS } from '../../support/extras';
import { startModule, TEST_CREDENTIALS } from '../../support/modules';

const region = 'us-east-1';
const BUCKET = 'speech';
/** Speech needs espeak-ng; voices, task lookups and validation do not. */
const itSpeaking = itNeeding(MISSING_EXTRAS.synthesis);

interface Mark {
  time: number;
  type: string;
  start: number;
  end: number;
  value: string;
}

/** Polly driven by the real SDK client (default configuration plus endpoint), speech by espeak-ng. */
describe('local Polly', () => {
  let s3: { service: LocalService; stop(): Promise<void> };
  let polly: { service: PollyService; stop(): Promise<void> };
  let client: PollyClient;
  let s3Client: S3Client;
  let work: string;

  const probe = async (audio: Uint8Array, name: string) => {
    const file = path.join(work, name);
    fs.writeFileSync(file, audio);
    const report = await probeMedia(mediaTools().ffprobe, file);
    const stream = report.streams?.[0] as { codec_name?: string; sample_rate?: string; channels?: number };
    return {
      codec: stream.codec_name,
      sampleRate: stream.sample_rate,
      channels: stream.channels,
      duration: Number(report.format?.duration),
    };
  };

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'polly-test-'));
    s3 = await startModule<LocalService>(s3Module);
    polly = await startModule<PollyService>(pollyModule, { services: { s3: s3.service } });
    client = new PollyClient({ region, endpoint: polly.service.endpoint, credentials: TEST_CREDENTIALS });
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
    await polly?.stop();
    await s3?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  itSpeaking('synthesizes speech as mp3, ogg_vorbis and pcm at the requested sample rate', async () => {
    // Act
    const mp3 = await client.send(
      new SynthesizeSpeechCommand({ Text: 'Hello from the local Polly.', VoiceId: 'Joanna', OutputFormat: 'mp3' }),
    );
    const mp3Bytes = await mp3.AudioStream!.transformToByteArray();
    const ogg = await client.send(
      new SynthesizeSpeechCommand({
        Text: 'Hello again.',
        VoiceId: 'Matthew',
        OutputFormat: 'ogg_vorbis',
        SampleRate: '16000',
      }),
    );
    const oggBytes = await ogg.AudioStream!.transformToByteArray();
    const pcm = await client.send(
      new SynthesizeSpeechCommand({ Text: 'Raw samples.', VoiceId: 'Amy', OutputFormat: 'pcm', SampleRate: '8000' }),
    );
    const pcmBytes = await pcm.AudioStream!.transformToByteArray();

    // Assess
    expect(mp3).toMatchObject({ ContentType: 'audio/mpeg', RequestCharacters: 27 });
    expect(await probe(mp3Bytes, 'a.mp3')).toMatchObject({ codec: 'mp3', sampleRate: '22050', channels: 1 });
    expect((await probe(mp3Bytes, 'b.mp3')).duration).toBeGreaterThan(1);
    expect(ogg.ContentType).toBe('audio/ogg');
    expect(await probe(oggBytes, 'c.ogg')).toMatchObject({ codec: 'vorbis', sampleRate: '16000' });
    expect(pcm.ContentType).toBe('audio/pcm');
    // 16-bit mono at 8 kHz: at least half a second of speech.
    expect(pcmBytes.length % 2).toBe(0);
    expect(pcmBytes.length).toBeGreaterThan(8000);
  });

  itSpeaking('returns sentence and word speech marks with times and byte offsets into the text', async () => {
    // Prepare
    const text = 'Café culture is great. The second sentence follows!';

    // Act
    const result = await client.send(
      new SynthesizeSpeechCommand({
        Text: text,
        VoiceId: 'Joanna',
        OutputFormat: 'json',
        SpeechMarkTypes: ['sentence', 'word'],
      }),
    );
    const marks = (await result.AudioStream!.transformToString())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Mark);

    // Assess
    expect(result.ContentType).toBe('application/x-json-stream');
    const bytes = Buffer.from(text);
    for (const mark of marks) expect(bytes.subarray(mark.start, mark.end).toString()).toBe(mark.value);
    expect(marks.filter((mark) => mark.type === 'sentence').map((mark) => mark.value)).toEqual([
      'Café culture is great.',
      'The second sentence follows!',
    ]);
    expect(marks.filter((mark) => mark.type === 'word').map((mark) => mark.value)).toEqual([
      'Café', 'culture', 'is', 'great', 'The', 'second', 'sentence', 'follows',
    ]); // prettier-ignore
    const times = marks.map((mark) => mark.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(marks.find((mark) => mark.value === 'The')!.time).toBeGreaterThan(500);
  });

  itSpeaking('speaks SSML and reports its marks', async () => {
    // Act
    const result = await client.send(
      new SynthesizeSpeechCommand({
        Text: '<speak>Hello <mark name="here"/>world &amp; friends.</speak>',
        TextType: 'ssml',
        VoiceId: 'Brian',
        OutputFormat: 'json',
        SpeechMarkTypes: ['ssml', 'word'],
      }),
    );
    const marks = (await result.AudioStream!.transformToString())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Mark);

    // Assess
    expect(marks.map((mark) => [mark.type, mark.value])).toEqual([
      ['word', 'Hello'],
      ['ssml', 'here'],
      ['word', 'world'],
      ['word', 'friends'],
    ]);
    expect(result.RequestCharacters).toBe('Hello world &amp; friends.'.length);
  });

  it('lists the voices it speaks, by language', async () => {
    // Act
    const all = await client.send(new DescribeVoicesCommand({}));
    const german = await client.send(new DescribeVoicesCommand({ LanguageCode: 'de-DE' }));

    // Assess
    expect(all.Voices?.length).toBeGreaterThan(20);
    expect(german.Voices?.map((voice) => voice.Id)).toEqual(['Marlene', 'Vicki', 'Hans']);
    expect(german.Voices?.[2]).toMatchObject({
      Gender: 'Male',
      LanguageName: 'German',
      SupportedEngines: ['standard', 'neural'],
    });
  });

  itSpeaking('runs synthesis tasks that write to S3, and lists them', async () => {
    // Act
    const started = await client.send(
      new StartSpeechSynthesisTaskCommand({
        Text: 'A task for the bucket.',
        VoiceId: 'Salli',
        OutputFormat: 'mp3',
        OutputS3BucketName: BUCKET,
        OutputS3KeyPrefix: 'audio/',
      }),
    );
    const task = started.SynthesisTask!;
    await polly.service.polly.idle();
    const done = await client.send(new GetSpeechSynthesisTaskCommand({ TaskId: task.TaskId }));
    const key = `audio/.${task.TaskId}.mp3`;
    const object = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const audio = await object.Body!.transformToByteArray();
    const listed = await client.send(new ListSpeechSynthesisTasksCommand({ Status: 'completed' }));

    // Assess
    expect(task).toMatchObject({
      TaskStatus: 'scheduled',
      OutputFormat: 'mp3',
      VoiceId: 'Salli',
      RequestCharacters: 22,
    });
    expect(task.OutputUri).toBe(`https://s3.us-east-1.amazonaws.com/${BUCKET}/${key}`);
    expect(done.SynthesisTask).toMatchObject({ TaskStatus: 'completed', OutputUri: task.OutputUri });
    expect(object.ContentType).toBe('audio/mpeg');
    expect(await probe(audio, 'task.mp3')).toMatchObject({ codec: 'mp3' });
    expect(listed.SynthesisTasks?.map((entry) => entry.TaskId)).toEqual([task.TaskId]);
  });

  itSpeaking('lists synthesis tasks page by page', async () => {
    // Prepare
    const ids: string[] = [];
    for (const text of ['First page test.', 'Second page test.']) {
      const started = await client.send(
        new StartSpeechSynthesisTaskCommand({
          Text: text,
          VoiceId: 'Joanna',
          OutputFormat: 'ogg_vorbis',
          OutputS3BucketName: BUCKET,
          OutputS3KeyPrefix: 'paged/',
        }),
      );
      ids.push(started.SynthesisTask?.TaskId as string);
    }
    await polly.service.polly.idle();

    // Act
    const first = await client.send(new ListSpeechSynthesisTasksCommand({ MaxResults: 1 }));
    const rest = await client.send(
      new ListSpeechSynthesisTasksCommand({ MaxResults: 100, NextToken: first.NextToken }),
    );
    const badToken = client.send(new ListSpeechSynthesisTasksCommand({ NextToken: 'not-a-token' }));

    // Assess
    expect(first.SynthesisTasks).toHaveLength(1);
    expect(first.NextToken).toBeDefined();
    expect(rest.NextToken).toBeUndefined();
    const listed = [...first.SynthesisTasks!, ...rest.SynthesisTasks!].map((task) => task.TaskId);
    expect(listed).toEqual(expect.arrayContaining(ids));
    expect(new Set(listed).size).toBe(listed.length);
    await expect(badToken).rejects.toMatchObject({ name: 'InvalidNextTokenException' });
  });

  it('refuses requests signed with the wrong secret', async () => {
    const forger = new PollyClient({
      region,
      endpoint: polly.service.endpoint,
      credentials: { ...TEST_CREDENTIALS, secretAccessKey: 'not-the-secret' },
    });
    await expect(forger.send(new DescribeVoicesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 403 },
    });
    forger.destroy();
  });

  it('answers HTTP/1.1 clients on the port the SDK reaches over HTTP/2', async () => {
    // Prepare
    const url = new URL(`${polly.service.endpoint}/v1/voices?LanguageCode=it-IT`);
    const signed = aws4.sign(
      { host: url.host, method: 'GET', path: `${url.pathname}${url.search}`, service: 'polly', region },
      TEST_CREDENTIALS,
    );

    // Act
    const response = await fetch(url, { headers: signed.headers as Record<string, string> });
    const unsigned = await fetch(url);

    // Assess
    expect(response.status).toBe(200);
    expect(((await response.json()) as { Voices: Array<{ Id: string }> }).Voices.map((voice) => voice.Id)).toEqual([
      'Carla',
      'Giorgio',
    ]);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });

  it('refuses what Polly refuses, with its errors', async () => {
    await expect(
      client.send(
        new SynthesizeSpeechCommand({ Text: 'x', VoiceId: 'Joanna', OutputFormat: 'mp3', SpeechMarkTypes: ['word'] }),
      ),
    ).rejects.toThrow(MarksNotSupportedForFormatException);
    await expect(
      client.send(
        new SynthesizeSpeechCommand({ Text: 'x', VoiceId: 'Joanna', OutputFormat: 'pcm', SampleRate: '22050' }),
      ),
    ).rejects.toThrow(InvalidSampleRateException);
    await expect(
      client.send(new SynthesizeSpeechCommand({ Text: 'x'.repeat(3001), VoiceId: 'Joanna', OutputFormat: 'mp3' })),
    ).rejects.toThrow(TextLengthExceededException);
    await expect(
      client.send(new SynthesizeSpeechCommand({ Text: 'x', VoiceId: 'Nobody' as never, OutputFormat: 'mp3' })),
    ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    await expect(
      client.send(
        new StartSpeechSynthesisTaskCommand({
          Text: 'x',
          VoiceId: 'Joanna',
          OutputFormat: 'mp3',
          OutputS3BucketName: 'no-such-bucket',
        }),
      ),
    ).rejects.toThrow(InvalidS3BucketException);
    await expect(client.send(new GetSpeechSynthesisTaskCommand({ TaskId: 'missing' }))).rejects.toThrow(
      SynthesisTaskNotFoundException,
    );
  });

  it('names espeak-ng when it is not installed', async () => {
    // Prepare
    const bare = await startModule<PollyService>(pollyModuleWith(systemExtras('/nonexistent', '/nonexistent')));
    const bareClient = new PollyClient({ region, endpoint: bare.service.endpoint, credentials: TEST_CREDENTIALS });

    // Act
    const result = bareClient.send(new SynthesizeSpeechCommand({ Text: 'Hi', VoiceId: 'Joanna', OutputFormat: 'mp3' }));

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'EngineNotSupportedException',
      message: expect.stringContaining('espeak-ng'),
    });
    bareClient.destroy();
    await bare.stop();
  });
});
