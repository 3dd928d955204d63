import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mediaTools } from '../../../lambdas/shared/media/tools';
import { apiClient, startTestLocalMode, type TestLocalMode } from '../../support/local';
import { speak, SPOKEN_SENTENCES } from '../../support/speech';

// Every stage runs a stand-in's real engine: Rekognition's models, ffmpeg, PocketSphinx, Apertium, Comprehend's.
jest.setTimeout(600_000);

const run = promisify(execFile);

/** The original's end-to-end workflow (test/e2e/test_complete_workflow.py), stage by stage. */
const STAGES: [string, string[]][] = [
  ['TestPreprocess', ['Mediainfo', 'Thumbnail']],
  [
    'TestVideo',
    [
      'celebrityRecognition',
      'contentModeration',
      'faceDetection',
      'labelDetection',
      'personTracking',
      'shotDetection',
      'textDetection',
      'Mediaconvert',
      'technicalCueDetection',
    ],
  ],
  ['TestAudio', ['TranscribeVideo']],
  ['TestWebCaptions', ['WebCaptions']],
  ['TestText', ['TranslateWebCaptions', 'ComprehendKeyPhrases', 'ComprehendEntities']],
];

type Output = { Name: string; Status: string; MetaData: Record<string, unknown>; Media: Record<string, any> };
type Execution = {
  AssetId: string;
  Status: string;
  Message?: string;
  Workflow: { Stages: Record<string, { Outputs: Output[] }> };
};

/**
 * The original's complete workflow in local mode, on a 4 s clip with speech: created through the workflow API
 * (which fails with "operation not found" for any operator the library lacks), run to Complete, and each operator's
 * results read back from the data plane. One execution serves every check.
 */
describe('The original end-to-end Media Insights workflow through local mode', () => {
  let env: TestLocalMode;
  let dataplane: ReturnType<typeof apiClient>;
  let s3: S3Client;
  let execution: Execution;
  let executionId: string;

  const output = (stage: string, name: string): Output =>
    execution.Workflow.Stages[stage]!.Outputs.find((candidate) => candidate.Name === name)!;

  async function results(operator: string): Promise<Record<string, any>> {
    const response = await dataplane.get(`metadata/${execution.AssetId}/${operator}`);
    expect([operator, response.status]).toEqual([operator, 200]);
    return response.json().results;
  }

  async function text(object: { S3Bucket: string; S3Key: string }): Promise<string> {
    const response = await s3.send(new GetObjectCommand({ Bucket: object.S3Bucket, Key: object.S3Key }));
    return response.Body!.transformToString();
  }

  // Rekognition's results are checked by rekognition-e2e; here its seven jobs only need to run: one frame in two
  // seconds halves the stage that takes most of this suite's time. Read by the stand-in in this process.
  const framesPerSecond = process.env.MEDIAPLANE_REKOGNITION_FRAMES_PER_SECOND;

  beforeAll(async () => {
    process.env.MEDIAPLANE_REKOGNITION_FRAMES_PER_SECOND = '0.5';
    env = await startTestLocalMode();
    const outputs = env.local.outputs;
    const api = apiClient(outputs.MediaInsights?.WorkflowApiEndpoint ?? '', env.local.credentials);
    dataplane = apiClient(outputs.MediaInsights?.DataplaneApiEndpoint ?? '', env.local.credentials);
    const bucket = outputs.MediaInsights?.DataplaneBucket ?? '';
    s3 = new S3Client({
      region: 'us-east-1',
      credentials: env.local.credentials,
      endpoint: outputs.Local?.S3Endpoint,
      forcePathStyle: true,
    });

    // 320x240 test pattern with a spoken sentence (about 4 s).
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mie-workflow-e2e-'));
    try {
      const speech = path.join(scratch, 'speech.wav');
      const clip = path.join(scratch, 'speech.mp4');
      await speak(SPOKEN_SENTENCES[1]!, speech);
      await run(mediaTools().ffmpeg, [
        ...['-nostdin', '-v', 'error', '-y'],
        ...['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25', '-i', speech],
        ...['-shortest', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
        clip,
      ]);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'media/speech.mp4', Body: fs.readFileSync(clip) }));
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }

    for (const [stage, operations] of STAGES) {
      const created = await api.post('workflow/stage', { Name: stage, Operations: operations });
      expect([stage, created.status, created.text]).toEqual([stage, 200, expect.any(String)]);
    }
    const workflow = await api.post('workflow', {
      Name: 'TestCompleteWorkflow',
      StartAt: STAGES[0]![0],
      Stages: Object.fromEntries(
        STAGES.map(([stage], index) => [
          stage,
          index + 1 < STAGES.length ? { Next: STAGES[index + 1]![0] } : { End: true },
        ]),
      ),
    });
    expect([workflow.status, workflow.text]).toEqual([200, expect.any(String)]);
    // As the original's test: personTracking is registered disabled, the test turns it on.
    const started = await api.post('workflow/execution', {
      Name: 'TestCompleteWorkflow',
      Input: { Media: { Video: { S3Bucket: bucket, S3Key: 'media/speech.mp4' } } },
      Configuration: { TestVideo: { personTracking: { MediaType: 'Video', Enabled: true } } },
    });
    expect(started.status).toBe(200);
    const id = started.json().Id as string;
    executionId = id;
    const deadline = Date.now() + 540_000;
    for (;;) {
      execution = (await api.get(`workflow/execution/${id}`)).json() as Execution;
      if (execution.Status === 'Complete' || execution.Status === 'Error') break;
      if (Date.now() > deadline) throw new Error(`Execution ${id} is still ${execution.Status}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });

  afterAll(async () => {
    s3?.destroy();
    await env?.stop();
    if (framesPerSecond === undefined) delete process.env.MEDIAPLANE_REKOGNITION_FRAMES_PER_SECOND;
    else process.env.MEDIAPLANE_REKOGNITION_FRAMES_PER_SECOND = framesPerSecond;
  });

  it('runs every stage to Complete', () => {
    expect(execution.Message).toBeUndefined();
    expect(execution.Status).toBe('Complete');
    for (const [stage, operations] of STAGES) {
      const statuses = execution.Workflow.Stages[stage]!.Outputs.map((entry) => [entry.Name, entry.Status]);
      expect(statuses.sort()).toEqual(operations.map((name) => [name, 'Complete']).sort());
    }
  });

  it('extracts the audio track through MediaConvert into the execution folder', async () => {
    const mediaconvert = output('TestVideo', 'Mediaconvert');
    const head = await s3.send(new GetObjectCommand({ ...toS3(mediaconvert.Media['Audio']) }));

    expect(mediaconvert.Media['Audio'].S3Key).toBe(
      `private/assets/${execution.AssetId}/workflows/${executionId}/speech_audio.mp4`,
    );
    expect(head.ContentLength).toBeGreaterThan(1000);
    expect(await results('labelDetection')).toMatchObject({ JobStatus: 'SUCCEEDED' });
  });

  it('stores the transcript as Transcribe wrote it, with the text beside it, and passes the language on', async () => {
    const transcribe = output('TestAudio', 'TranscribeVideo');
    const transcript = await results('TranscribeVideo');
    const plain = await text(transcript.TextTranscriptUri);

    expect(transcribe.MetaData).toMatchObject({ TranscribeSourceLanguage: 'en-US' });
    expect(transcribe.Media['Text'].S3Key).toMatch(/\.json$/);
    expect(transcript.results.transcripts[0].transcript).toBe(plain);
    // PocketSphinx hears espeak-ng's voice through two AAC encodes poorly: words, not the sentence, are certain.
    expect(plain).toMatch(/\w+ \w+/);
    expect(transcript.results.items[0]).toMatchObject({ start_time: expect.any(String), type: 'pronunciation' });
  });

  it('breaks the transcript into web captions and translates them line by line', async () => {
    const captions = (await results('WebCaptions_en')).WebCaptions;
    const heard = (await results('WebCaptionsTranscribeVideo_en')).WebCaptions;
    const spanish = (await results('WebCaptions_es')).WebCaptions;
    const collection = (await results('TranslateWebCaptions')).CaptionsCollection;

    expect(captions).toEqual(heard);
    expect(captions[0]).toMatchObject({
      start: expect.any(Number),
      end: expect.any(Number),
      caption: expect.any(String),
    });
    expect(captions[0].wordConfidence[0]).toEqual({ w: expect.any(String), c: expect.any(Number) });
    expect(spanish.map((line: { sourceCaption: string }) => line.sourceCaption)).toEqual(
      captions.map((line: { caption: string }) => line.caption),
    );
    expect(collection).toEqual([
      expect.objectContaining({ OperatorName: 'TranslateWebCaptions_es', TargetLanguageCode: 'es' }),
    ]);
    expect((await text(collection[0].TranslationText)).length).toBeGreaterThan(0);
  });

  it('stores the Comprehend jobs’ output files under the original’s names', async () => {
    const phrases = await results('key_phrases');
    const entities = await results('entities');

    expect(phrases).toMatchObject({ LanguageCode: 'en', Results: [expect.any(String)] });
    expect(entities).toMatchObject({ LanguageCode: 'en', Results: [expect.any(String)] });
    expect(JSON.parse(phrases.Results[0].split('\n')[0])).toMatchObject({ KeyPhrases: expect.any(Array) });
    expect(output('TestText', 'ComprehendEntities').MetaData).toHaveProperty('comprehend_entity_job_id');
  });
});

function toS3(object: { S3Bucket: string; S3Key: string }) {
  return { Bucket: object.S3Bucket, Key: object.S3Key };
}
