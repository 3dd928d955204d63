import * as fs from 'node:fs';
import * as path from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateJobCommand,
  DescribeEndpointsCommand,
  GetJobCommand,
  MediaConvertClient,
} from '@aws-sdk/client-mediaconvert';
import { ComprehendClient, DetectEntitiesCommand } from '@aws-sdk/client-comprehend';
import { GetSpeechSynthesisTaskCommand, PollyClient, StartSpeechSynthesisTaskCommand } from '@aws-sdk/client-polly';
import { DetectTextCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { DetectDocumentTextCommand, TextractClient } from '@aws-sdk/client-textract';
import { GetTranscriptionJobCommand, StartTranscriptionJobCommand, TranscribeClient } from '@aws-sdk/client-transcribe';
import { TranslateClient, TranslateTextCommand } from '@aws-sdk/client-translate';
import type { LambdaService } from '../../lib/local/lambda/module';
import type { SqsService } from '../../lib/local/sqs/module';
import { itNeeding, MISSING_EXTRAS } from '../support/extras';
import { request, startTestLocalMode, type TestLocalMode } from '../support/local';
import { testClip } from './mediaconvert/support';
import { renderText } from './rekognition/support';
import { textImage } from './textract/support';

describe('local mode', () => {
  let env: TestLocalMode;
  let dataplane: string;

  beforeAll(async () => {
    env = await startTestLocalMode();
    dataplane = env.local.outputs.MediaInsights?.DataplaneApiEndpoint ?? '';
  });
  afterAll(async () => {
    await env.stop();
  });

  it('writes outputs.json in the shape of cdk deploy --outputs-file, pointing at local endpoints', () => {
    const outputs = JSON.parse(fs.readFileSync(path.join(env.dataDir, 'outputs.json'), 'utf8'));

    expect(outputs.MediaInsights.DataplaneApiEndpoint).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/media-insights-dataplane-api\/api\/$/,
    );
    expect(outputs.MediaInsights.DataplaneBucket).toMatch(/^mediainsights-/);
    expect(outputs.Local).toMatchObject({
      Region: 'us-east-1',
      S3Endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      DynamoDbEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      Profile: 'mediaplane',
    });
  });

  it("wires each asynchronously invoked function's failures to its own queue", () => {
    const lambda = env.local.service<LambdaService>('lambda');
    const sqs = env.local.service<SqsService>('sqs');
    const named = (part: string) => [...lambda.functions.keys()].find((arn) => arn.includes(part)) as string;

    for (const fn of [
      'Media2Cloud-PipelineAssetRemoval',
      'Media2Cloud-PipelineS3Event',
      'MediaInsights-WorkflowScheduler',
    ]) {
      const config = lambda.asyncInvokeConfig(named(fn));
      expect(config.onFailure).toMatch(/^arn:aws:sqs:us-east-1:000000000000:/);
      // The queue exists (an unknown queue throws) and nothing has failed yet.
      expect(sqs.messages(config.onFailure as string)).toEqual([]);
    }
  });

  it('writes a shared-credentials file with the mediaplane profile the gateway accepts', () => {
    const text = fs.readFileSync(path.join(env.dataDir, 'credentials'), 'utf8');

    expect(text).toContain('[mediaplane]');
    expect(text).toContain(`aws_access_key_id = ${env.local.credentials.accessKeyId}`);
    expect(fs.statSync(path.join(env.dataDir, 'credentials')).mode & 0o077).toBe(0);
  });

  it('serves an unauthenticated route without a signature', async () => {
    const response = await request(dataplane);

    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ hello: 'world' });
  });

  it('answers 403 Missing Authentication Token for an unsigned call to an IAM route', async () => {
    const response = await request(`${dataplane}version`);

    expect(response.status).toBe(403);
    expect(response.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(response.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
  });

  it('answers 403 Missing Authentication Token for an unknown path, method or stage, as API Gateway does', async () => {
    const credentials = env.local.credentials;

    const unknownPath = await request(`${dataplane}no/such/route`, { credentials });
    const unknownMethod = await request(`${dataplane}version`, { method: 'PATCH', credentials });
    const unknownStage = await request(dataplane.replace('/api/', '/prod/') + 'version', { credentials });

    for (const response of [unknownPath, unknownMethod, unknownStage]) {
      expect(response.status).toBe(403);
      expect(response.json()).toEqual({ message: 'Missing Authentication Token' });
    }
  });

  it('answers 403 with the signature mismatch message for a wrong secret', async () => {
    const response = await request(`${dataplane}version`, {
      credentials: { accessKeyId: env.local.credentials.accessKeyId, secretAccessKey: 'wrong' },
    });

    expect(response.status).toBe(403);
    expect(response.headers['x-amzn-errortype']).toBe('InvalidSignatureException');
    expect(response.json().message).toMatch(/^The request signature we calculated does not match/);
  });

  it('answers 403 for an access key it does not know', async () => {
    const response = await request(`${dataplane}version`, {
      credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' },
    });

    expect(response.status).toBe(403);
    expect(response.json()).toEqual({ message: 'The security token included in the request is invalid.' });
  });

  it('passes a signed request through to the function, with the caller in the request context', async () => {
    const response = await request(`${dataplane}version`, { credentials: env.local.credentials });

    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ ApiVersion: '3.0.0' });
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("rejects a body over API Gateway's 10 MB limit with 413 before calling the function", async () => {
    const response = await request(`${dataplane}create`, {
      method: 'POST',
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61),
      credentials: env.local.credentials,
    });

    expect(response.status).toBe(413);
    expect(response.json()).toEqual({ message: 'Request Too Long' });
  });

  it("answers a CORS preflight from the template's mock integration without a signature", async () => {
    const response = await request(`${dataplane}create`, { method: 'OPTIONS' });

    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-methods']).toContain('POST');
  });

  it('pages S3 listings with continuation tokens (s3rver needs single DES, which OpenSSL 3 hides)', async () => {
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: env.local.outputs.Local?.S3Endpoint,
      credentials: env.local.credentials,
    });
    const Bucket = env.local.outputs.MediaInsights?.DataplaneBucket;
    for (const name of ['a', 'b', 'c'])
      await s3.send(new PutObjectCommand({ Bucket, Key: `list/${name}`, Body: name }));

    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'list/', MaxKeys: 1, ContinuationToken }));
      keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);
    s3.destroy();

    expect(keys).toEqual(['list/a', 'list/b', 'list/c']);
  });

  it("gives each bucket the CORS rules of its template, and answers other buckets' preflights without CORS", async () => {
    // Prepare
    const s3 = env.local.outputs.Local?.S3Endpoint;
    const preflight = (bucket: string | undefined, method: string) =>
      fetch(`${s3}/${bucket}/upload/clip.mp4`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://ingest.example', 'Access-Control-Request-Method': method },
      });

    // Act
    const ingest = await preflight(env.local.outputs.Media2Cloud?.IngestBucket, 'PUT');
    const proxyPut = await preflight(env.local.outputs.Media2Cloud?.ProxyBucket, 'PUT');
    const dataplaneBucket = await preflight(env.local.outputs.MediaInsights?.DataplaneBucket, 'GET');

    // Assess
    expect(ingest.status).toBe(200);
    expect(ingest.headers.get('access-control-allow-origin')).toBe('*');
    expect(ingest.headers.get('access-control-allow-methods')).toBe('GET, PUT, POST, HEAD');
    expect(ingest.headers.get('access-control-expose-headers')).toContain('x-amz-meta-uuid');
    for (const refused of [proxyPut, dataplaneBucket]) {
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
  it('serves Rekognition with the local keys, reading images from the local buckets', async () => {
    // Prepare
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: env.local.outputs.Local?.S3Endpoint,
      credentials: env.local.credentials,
      forcePathStyle: true,
    });
    const Bucket = env.local.outputs.MediaInsights?.DataplaneBucket;
    await s3.send(
      new PutObjectCommand({ Bucket, Key: 'slides/title.png', Body: renderText(['LOCAL MODE READS THIS']) }),
    );
    const rekognition = new RekognitionClient({
      region: 'us-east-1',
      endpoint: env.local.outputs.Local?.RekognitionEndpoint,
      credentials: env.local.credentials,
    });

    // Act
    const { TextDetections } = await rekognition.send(
      new DetectTextCommand({ Image: { S3Object: { Bucket, Name: 'slides/title.png' } } }),
    );
    s3.destroy();
    rekognition.destroy();

    // Assess
    expect(TextDetections?.filter((text) => text.Type === 'LINE').map((text) => text.DetectedText)).toEqual([
      'LOCAL MODE READS THIS',
    ]);
  }, 180_000);

  it('serves Textract and MediaConvert with the local keys, on the local buckets', async () => {
    // Prepare
    const client = { region: 'us-east-1', credentials: env.local.credentials };
    const s3 = new S3Client({ ...client, endpoint: env.local.outputs.Local?.S3Endpoint, forcePathStyle: true });
    const Bucket = env.local.outputs.MediaInsights?.DataplaneBucket;
    await s3.send(new PutObjectCommand({ Bucket, Key: 'scans/letter.png', Body: textImage(['Dear local mode']) }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'uploads/clip.mp4', Body: await testClip(2) }));
    const textract = new TextractClient({ ...client, endpoint: env.local.outputs.Local?.TextractEndpoint });
    const mediaConvert = new MediaConvertClient({ ...client, endpoint: env.local.outputs.Local?.MediaConvertEndpoint });

    // Act
    const text = await textract.send(
      new DetectDocumentTextCommand({ Document: { S3Object: { Bucket, Name: 'scans/letter.png' } } }),
    );
    const endpoints = await mediaConvert.send(new DescribeEndpointsCommand({}));
    const { Job } = await mediaConvert.send(
      new CreateJobCommand({
        Role: 'arn:aws:iam::000000000000:role/MediaConvert',
        Settings: {
          Inputs: [{ FileInput: `s3://${Bucket}/uploads/clip.mp4` }],
          OutputGroups: [
            {
              OutputGroupSettings: {
                Type: 'FILE_GROUP_SETTINGS',
                FileGroupSettings: { Destination: `s3://${Bucket}/proxies/` },
              },
              Outputs: [
                {
                  NameModifier: '_proxy',
                  VideoDescription: {
                    CodecSettings: { Codec: 'H_264', H264Settings: { RateControlMode: 'QVBR' } },
                  },
                },
              ],
            },
          ],
        },
      }),
    );
    let status = Job?.Status;
    while (status === 'SUBMITTED' || status === 'PROGRESSING') {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await mediaConvert.send(new GetJobCommand({ Id: Job?.Id }))).Job?.Status;
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'proxies/' }));
    for (const used of [s3, textract, mediaConvert]) used.destroy();

    // Assess
    expect(text.Blocks?.filter((block) => block.BlockType === 'LINE').map((block) => block.Text)).toEqual([
      'Dear local mode',
    ]);
    expect(endpoints.Endpoints).toEqual([{ Url: env.local.outputs.Local?.MediaConvertEndpoint }]);
    expect(status).toBe('COMPLETE');
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['proxies/clip_proxy.mp4']);
  }, 120_000);

  it('serves Comprehend with the local keys', async () => {
    // Prepare
    const client = { region: 'us-east-1', credentials: env.local.credentials };
    const comprehend = new ComprehendClient({ ...client, endpoint: env.local.outputs.Local?.ComprehendEndpoint });

    // Act
    const { Entities } = await comprehend.send(
      new DetectEntitiesCommand({ Text: 'Ada Lovelace lived in London.', LanguageCode: 'en' }),
    );
    comprehend.destroy();

    // Assess
    expect(Entities?.map((entity) => [entity.Text, entity.Type])).toEqual([
      ['Ada Lovelace', 'PERSON'],
      ['London', 'LOCATION'],
    ]);
  });

  itNeeding(MISSING_EXTRAS.synthesis, MISSING_EXTRAS.recognition, MISSING_EXTRAS.translation)(
    'serves Polly, Transcribe and Translate with the local keys, on the local buckets',
    async () => {
      // Prepare
      const client = { region: 'us-east-1', credentials: env.local.credentials };
      const Bucket = env.local.outputs.MediaInsights?.DataplaneBucket as string;
      const polly = new PollyClient({ ...client, endpoint: env.local.outputs.Local?.PollyEndpoint });
      const transcribe = new TranscribeClient({ ...client, endpoint: env.local.outputs.Local?.TranscribeEndpoint });
      const translate = new TranslateClient({ ...client, endpoint: env.local.outputs.Local?.TranslateEndpoint });
      const until = async <T>(get: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
        for (let value = await get(); ; value = await get()) {
          if (done(value)) return value;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      };

      // Act
      const { SynthesisTask } = await polly.send(
        new StartSpeechSynthesisTaskCommand({
          Text: 'Hello world. The weather today is sunny.',
          VoiceId: 'Joey',
          OutputFormat: 'mp3',
          OutputS3BucketName: Bucket,
          OutputS3KeyPrefix: 'speech/',
        }),
      );
      const task = await until(
        async () =>
          (await polly.send(new GetSpeechSynthesisTaskCommand({ TaskId: SynthesisTask?.TaskId }))).SynthesisTask,
        (current) => current?.TaskStatus === 'completed' || current?.TaskStatus === 'failed',
      );
      const key = `speech/.${SynthesisTask?.TaskId}.mp3`;
      await transcribe.send(
        new StartTranscriptionJobCommand({
          TranscriptionJobName: 'local-mode-speech',
          LanguageCode: 'en-US',
          Media: { MediaFileUri: `s3://${Bucket}/${key}` },
          OutputBucketName: Bucket,
        }),
      );
      const job = await until(
        async () =>
          (await transcribe.send(new GetTranscriptionJobCommand({ TranscriptionJobName: 'local-mode-speech' })))
            .TranscriptionJob,
        (current) => current?.TranscriptionJobStatus === 'COMPLETED' || current?.TranscriptionJobStatus === 'FAILED',
      );
      const spanish = await translate.send(
        new TranslateTextCommand({ Text: 'The house is big.', SourceLanguageCode: 'en', TargetLanguageCode: 'es' }),
      );
      for (const used of [polly, transcribe, translate]) used.destroy();

      // Assess
      expect(task?.TaskStatus).toBe('completed');
      expect(job?.TranscriptionJobStatus).toBe('COMPLETED');
      expect(job?.Transcript?.TranscriptFileUri).toBe(
        `https://s3.us-east-1.amazonaws.com/${Bucket}/local-mode-speech.json`,
      );
      expect(spanish.TranslatedText).toMatch(/casa/i);
    },
    120_000,
  );

  it('runs a second instance side by side with its own ports and data', async () => {
    const other = await startTestLocalMode();
    try {
      expect(other.local.endpoint).not.toBe(env.local.endpoint);
      expect(other.local.credentials.accessKeyId).not.toBe(env.local.credentials.accessKeyId);
      const response = await request(`${other.local.outputs.MediaInsights?.DataplaneApiEndpoint}version`, {
        credentials: other.local.credentials,
      });
      expect(response.status).toBe(200);
    } finally {
      await other.stop();
    }
  });
});

describe('local mode restart', () => {
  it('keeps every record and object and the same credentials after a restart', async () => {
    const first = await startTestLocalMode();
    const endpoint = first.local.outputs.MediaInsights?.DataplaneApiEndpoint ?? '';
    const credentials = first.local.credentials;
    const created = await request(`${endpoint}create`, {
      method: 'POST',
      body: { Input: { MediaType: 'Video', S3Bucket: 'media', S3Key: 'clip.mp4' } },
      credentials,
    });
    const assetId = created.json().AssetId as string;
    await request(`${endpoint}metadata/${assetId}`, {
      method: 'POST',
      body: { OperatorName: 'Mediainfo', WorkflowId: 'wf-1', Results: { duration: 12.5 } },
      credentials,
    });
    await first.stop({ remove: false });

    const second = await startTestLocalMode(first.dataDir);
    try {
      const endpointAfter = second.local.outputs.MediaInsights?.DataplaneApiEndpoint ?? '';
      const metadata = await request(`${endpointAfter}metadata/${assetId}/Mediainfo`, {
        credentials: second.local.credentials,
      });

      expect(created.status).toBe(200);
      expect(second.local.credentials).toEqual(credentials);
      expect(metadata.status).toBe(200);
      expect(JSON.stringify(metadata.json())).toContain('12.5');
    } finally {
      await second.stop();
    }
  });
});
