import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CreateCollectionCommand, IndexFacesCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mediaTools } from '../../../lambdas/shared/media/tools';
import { apiClient, startTestLocalMode, type TestLocalMode } from '../../support/local';
import { speak, SPOKEN_SENTENCES } from '../../support/speech';
import { faceSample, renderText } from '../../local/rekognition/support';

// Every stage runs a stand-in's real engine: Rekognition's models, ffmpeg, PocketSphinx, Apertium, Comprehend's.
jest.setTimeout(600_000);

const run = promisify(execFile);

const VIDEO_OPERATORS = [
  'celebrityRecognition',
  'contentModeration',
  'faceDetection',
  'faceSearch',
  'labelDetection',
  'personTracking',
  'shotDetection',
  'technicalCueDetection',
  'textDetection',
];
const IMAGE_OPERATORS = [
  'celebrityRecognitionImage',
  'contentModerationImage',
  'faceDetectionImage',
  'faceSearchImage',
  'labelDetectionImage',
  'textDetectionImage',
];

/**
 * The original's end-to-end workflow (test/e2e/test_complete_workflow.py), stage by stage, with all nine video
 * operators (its test enables personTracking; faceSearch needs a collection).
 */
const STAGES: [string, string[]][] = [
  ['TestPreprocess', ['Mediainfo', 'Thumbnail']],
  ['TestVideo', [...VIDEO_OPERATORS, 'Mediaconvert']],
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
 * The original's complete workflow in local mode on one 6 s clip with faces, a black second, a slide of text and
 * speech, and the Rekognition image operators on the photo of the clip's faces: both created through the workflow
 * API (which fails with "operation not found" for any operator the library lacks), run to Complete side by side,
 * and each operator's results read back from the data plane. One video and one image execution serve every check.
 */
describe('The original end-to-end Media Insights workflow and the Rekognition operators through local mode', () => {
  let env: TestLocalMode;
  let api: ReturnType<typeof apiClient>;
  let dataplane: ReturnType<typeof apiClient>;
  let s3: S3Client;
  let video: Execution;
  let image: Execution;
  let videoId: string;

  const output = (stage: string, name: string): Output =>
    video.Workflow.Stages[stage]!.Outputs.find((candidate) => candidate.Name === name)!;

  async function results(execution: Execution, operator: string): Promise<Record<string, any>> {
    const response = await dataplane.get(`metadata/${execution.AssetId}/${operator}`);
    expect([operator, response.status]).toEqual([operator, 200]);
    return response.json().results;
  }

  async function text(object: { S3Bucket: string; S3Key: string }): Promise<string> {
    const response = await s3.send(new GetObjectCommand({ Bucket: object.S3Bucket, Key: object.S3Key }));
    return response.Body!.transformToString();
  }

  /**
   * 6 s, 640x360: a photo of three faces (0–2 s), black and silent (2–3 s: the service's black-frame cue is black
   * and silent), a slide reading HELLO WORLD (3–6 s) over a spoken sentence.
   */
  async function makeVideo(directory: string): Promise<string> {
    const face = path.join(directory, 'faces.jpg');
    const slide = path.join(directory, 'slide.png');
    const speech = path.join(directory, 'speech.wav');
    fs.writeFileSync(face, faceSample(1));
    fs.writeFileSync(slide, renderText(['HELLO WORLD'], 640, 360));
    await speak(SPOKEN_SENTENCES[1]!, speech);
    const clip = path.join(directory, 'scenes.mp4');
    const fit = 'scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=25';
    await run(mediaTools().ffmpeg, [
      ...['-nostdin', '-v', 'error', '-y'],
      ...['-loop', '1', '-framerate', '25', '-t', '2', '-i', face],
      ...['-f', 'lavfi', '-i', 'color=c=black:s=640x360:d=1:r=25'],
      ...['-loop', '1', '-framerate', '25', '-t', '3', '-i', slide],
      ...['-i', speech],
      ...[
        '-filter_complex',
        `[0:v]${fit}[a];[1:v]setsar=1[b];[2:v]${fit}[c];[a][b][c]concat=n=3:v=1:a=0[v];` + '[3:a]adelay=3000,apad[s]',
      ],
      ...['-map', '[v]', '-map', '[s]', '-t', '6', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
      ...['-c:a', 'aac', '-movflags', '+faststart', clip],
    ]);
    return clip;
  }

  /** Creates a workflow of the given stages (each a list of operations), runs it on `media` and waits for its end. */
  async function execute(name: string, stages: [string, string[]][], media: object, configuration: object) {
    for (const [stage, operations] of stages) {
      const created = await api.post('workflow/stage', { Name: stage, Operations: operations });
      expect([stage, created.status, created.text]).toEqual([stage, 200, expect.any(String)]);
    }
    const workflow = await api.post('workflow', {
      Name: name,
      StartAt: stages[0]![0],
      Stages: Object.fromEntries(
        stages.map(([stage], index) => [
          stage,
          index + 1 < stages.length ? { Next: stages[index + 1]![0] } : { End: true },
        ]),
      ),
    });
    expect([workflow.status, workflow.text]).toEqual([200, expect.any(String)]);
    const started = await api.post('workflow/execution', {
      Name: name,
      Input: { Media: media },
      Configuration: configuration,
    });
    expect(started.status).toBe(200);
    const id = started.json().Id as string;
    const deadline = Date.now() + 540_000;
    for (;;) {
      const execution = (await api.get(`workflow/execution/${id}`)).json() as Execution;
      if (execution.Status === 'Complete' || execution.Status === 'Error') return { id, execution };
      if (Date.now() > deadline) throw new Error(`Execution ${id} is still ${execution.Status}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  // The video jobs dominate this suite's time, one model pass per sampled frame and operator: one frame in four
  // seconds samples the faces (0 s) and the slide (4 s), all the checks below need. Read by the stand-in in this
  // process.
  const framesPerSecond = process.env.MEDIAPLANE_REKOGNITION_FRAMES_PER_SECOND;

  beforeAll(async () => {
    process.env.MEDIAPLANE_REKOGNITION_FRAMES_PER_SECOND = '0.25';
    env = await startTestLocalMode();
    const outputs = env.local.outputs;
    api = apiClient(outputs.MediaInsights?.WorkflowApiEndpoint ?? '', env.local.credentials);
    dataplane = apiClient(outputs.MediaInsights?.DataplaneApiEndpoint ?? '', env.local.credentials);
    const bucket = outputs.MediaInsights?.DataplaneBucket ?? '';
    const client = { region: 'us-east-1', credentials: env.local.credentials };
    s3 = new S3Client({ ...client, endpoint: outputs.Local?.S3Endpoint, forcePathStyle: true });
    const rekognition = new RekognitionClient({ ...client, endpoint: outputs.Local?.RekognitionEndpoint });
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mie-workflow-e2e-'));
    try {
      const clip = await makeVideo(scratch);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'media/scenes.mp4', Body: fs.readFileSync(clip) }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'media/people.jpg', Body: faceSample(1) }));
      // A face collection that knows the people of the photo, for faceSearch and faceSearchImage.
      await rekognition.send(new CreateCollectionCommand({ CollectionId: 'e2e-people' }));
      await rekognition.send(
        new IndexFacesCommand({
          CollectionId: 'e2e-people',
          Image: { S3Object: { Bucket: bucket, Name: 'media/people.jpg' } },
          ExternalImageId: 'people',
        }),
      );
    } finally {
      rekognition.destroy();
      fs.rmSync(scratch, { recursive: true, force: true });
    }

    // As the original's test: faceSearch and personTracking are registered disabled, the execution turns them on
    // (face search with its collection).
    const [complete, rekognitionImage] = await Promise.all([
      execute(
        'TestCompleteWorkflow',
        STAGES,
        { Video: { S3Bucket: bucket, S3Key: 'media/scenes.mp4' } },
        {
          TestVideo: {
            faceSearch: { MediaType: 'Video', Enabled: true, CollectionId: 'e2e-people' },
            personTracking: { MediaType: 'Video', Enabled: true },
          },
        },
      ),
      execute(
        'RekognitionImageWorkflow',
        [['RekognitionImage', IMAGE_OPERATORS]],
        { Image: { S3Bucket: bucket, S3Key: 'media/people.jpg' } },
        { RekognitionImage: { faceSearchImage: { MediaType: 'Image', Enabled: true, CollectionId: 'e2e-people' } } },
      ),
    ]);
    ({ id: videoId, execution: video } = complete);
    image = rekognitionImage.execution;
  });

  afterAll(async () => {
    s3?.destroy();
    await env?.stop();
    if (framesPerSecond === undefined) delete process.env.MEDIAPLANE_REKOGNITION_FRAMES_PER_SECOND;
    else process.env.MEDIAPLANE_REKOGNITION_FRAMES_PER_SECOND = framesPerSecond;
  });

  it('runs every stage to Complete, each video operator after its Rekognition Video job', () => {
    expect(video.Message).toBeUndefined();
    expect(video.Status).toBe('Complete');
    for (const [stage, operations] of STAGES) {
      const statuses = video.Workflow.Stages[stage]!.Outputs.map((entry) => [entry.Name, entry.Status]);
      expect(statuses.sort()).toEqual(operations.map((name) => [name, 'Complete']).sort());
    }
    for (const name of VIDEO_OPERATORS)
      expect([name, output('TestVideo', name).MetaData['JobId']]).toEqual([name, expect.any(String)]);
  });

  it("stores each job's Get* answer in the data plane as the service sent it", async () => {
    const labels = await results(video, 'labelDetection');
    const faces = await results(video, 'faceDetection');

    expect(labels).toMatchObject({ JobStatus: 'SUCCEEDED', VideoMetadata: { Codec: 'h264', FrameWidth: 640 } });
    // The job read the proxy the Thumbnail operator made, not the upload.
    expect(labels.Video.S3Object.Name).toMatch(/^private\/assets\/.+\/scenes_proxy\.mp4$/);
    expect(labels).not.toHaveProperty('$metadata');
    expect(labels.Labels.map((entry: { Label: { Name: string } }) => entry.Label.Name)).toContain('Person');
    // Face detection asks for every attribute, as the original.
    expect(faces.Faces.length).toBeGreaterThanOrEqual(3);
    expect(faces.Faces[0]).toMatchObject({ Timestamp: expect.any(Number), Face: { AgeRange: expect.any(Object) } });
  });

  it('finds the people of the collection, and tracks and names (or not) the faces it sees', async () => {
    const search = await results(video, 'faceSearch');
    const persons = await results(video, 'personTracking');
    const celebrities = await results(video, 'celebrityRecognition');
    const moderation = await results(video, 'contentModeration');

    expect(search.Persons.length).toBeGreaterThan(0);
    expect(search.Persons[0].FaceMatches[0]).toMatchObject({ Face: { ExternalImageId: 'people' } });
    expect(persons).toMatchObject({ JobStatus: 'SUCCEEDED', Persons: expect.any(Array) });
    expect(persons.Persons.length).toBeGreaterThan(0);
    // No famous faces are known offline unless the data directory names some.
    expect(celebrities).toMatchObject({ JobStatus: 'SUCCEEDED', Celebrities: [] });
    expect(moderation).toMatchObject({ JobStatus: 'SUCCEEDED', ModerationLabels: expect.any(Array) });
  });

  it('keeps shots and technical cues apart, as the two operators ask for one segment type each', async () => {
    const shots = await results(video, 'shotDetection');
    const cues = await results(video, 'technicalCueDetection');

    expect(shots.Segments.length).toBeGreaterThanOrEqual(2);
    expect(new Set(shots.Segments.map((segment: { Type: string }) => segment.Type))).toEqual(new Set(['SHOT']));
    expect(shots.SelectedSegmentTypes).toEqual([expect.objectContaining({ Type: 'SHOT' })]);
    expect(new Set(cues.Segments.map((segment: { Type: string }) => segment.Type))).toEqual(new Set(['TECHNICAL_CUE']));
    expect(
      cues.Segments.map((segment: { TechnicalCueSegment: { Type: string } }) => segment.TechnicalCueSegment.Type),
    ).toContain('BlackFrames');
  });

  it('reads the text of the slide with its timestamp', async () => {
    const detections = await results(video, 'textDetection');
    const lines = detections.TextDetections.filter(
      (entry: { TextDetection: { Type: string } }) => entry.TextDetection.Type === 'LINE',
    );

    expect(
      lines.map((entry: { TextDetection: { DetectedText: string } }) => entry.TextDetection.DetectedText),
    ).toContain('HELLO WORLD');
    expect(Math.min(...lines.map((entry: { Timestamp: number }) => entry.Timestamp))).toBeGreaterThanOrEqual(3000);
  });

  it('extracts the audio track through MediaConvert into the execution folder', async () => {
    const mediaconvert = output('TestVideo', 'Mediaconvert');
    const head = await s3.send(new GetObjectCommand({ ...toS3(mediaconvert.Media['Audio']) }));

    expect(mediaconvert.Media['Audio'].S3Key).toBe(
      `private/assets/${video.AssetId}/workflows/${videoId}/scenes_audio.mp4`,
    );
    expect(head.ContentLength).toBeGreaterThan(1000);
  });

  it('stores the transcript as Transcribe wrote it, with the text beside it, and passes the language on', async () => {
    const transcribe = output('TestAudio', 'TranscribeVideo');
    const transcript = await results(video, 'TranscribeVideo');
    const plain = await text(transcript.TextTranscriptUri);

    expect(transcribe.MetaData).toMatchObject({ TranscribeSourceLanguage: 'en-US' });
    expect(transcribe.Media['Text'].S3Key).toMatch(/\.json$/);
    expect(transcript.results.transcripts[0].transcript).toBe(plain);
    // PocketSphinx hears espeak-ng's voice through two AAC encodes poorly: words, not the sentence, are certain.
    expect(plain).toMatch(/\w+ \w+/);
    expect(transcript.results.items[0]).toMatchObject({ start_time: expect.any(String), type: 'pronunciation' });
  });

  it('breaks the transcript into web captions and translates them line by line', async () => {
    const captions = (await results(video, 'WebCaptions_en')).WebCaptions;
    const heard = (await results(video, 'WebCaptionsTranscribeVideo_en')).WebCaptions;
    const spanish = (await results(video, 'WebCaptions_es')).WebCaptions;
    const collection = (await results(video, 'TranslateWebCaptions')).CaptionsCollection;

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
    const phrases = await results(video, 'key_phrases');
    const entities = await results(video, 'entities');

    expect(phrases).toMatchObject({ LanguageCode: 'en', Results: [expect.any(String)] });
    expect(entities).toMatchObject({ LanguageCode: 'en', Results: [expect.any(String)] });
    expect(JSON.parse(phrases.Results[0].split('\n')[0])).toMatchObject({ KeyPhrases: expect.any(Array) });
    expect(output('TestText', 'ComprehendEntities').MetaData).toHaveProperty('comprehend_entity_job_id');
  });

  it('runs every image operator to Complete, with per-execution configuration', () => {
    const outputs = image.Workflow.Stages['RekognitionImage']!.Outputs;

    expect(image.Message).toBeUndefined();
    expect(image.Status).toBe('Complete');
    expect(outputs.map((entry) => [entry.Name, entry.Status]).sort()).toEqual(
      IMAGE_OPERATORS.map((name) => [name, 'Complete']).sort(),
    );
  });

  it("stores each image answer under the video operator's name, as the original's shared function does", async () => {
    const labels = await results(image, 'labelDetection');
    const faces = await results(image, 'faceDetection');
    const detections = await results(image, 'textDetection');
    const search = await results(image, 'faceSearch');
    const celebrities = await results(image, 'celebrityRecognition');
    const moderation = await results(image, 'contentModeration');
    const missing = await dataplane.get(`metadata/${image.AssetId}/labelDetectionImage`);

    expect(labels.Labels.map((label: { Name: string }) => label.Name)).toContain('Person');
    expect(faces.FaceDetails).toHaveLength(3);
    // DetectFaces with the service's default attributes: no age range.
    expect(faces.FaceDetails[0]).not.toHaveProperty('AgeRange');
    expect(detections).toHaveProperty('TextDetections');
    expect(search.FaceMatches.length).toBeGreaterThan(0);
    expect(search.FaceMatches[0]).toMatchObject({
      Similarity: expect.any(Number),
      Face: { ExternalImageId: 'people' },
    });
    expect(celebrities).toMatchObject({ CelebrityFaces: [], UnrecognizedFaces: expect.any(Array) });
    expect(moderation).toHaveProperty('ModerationLabels');
    expect(missing.status).toBe(404);
  });
});

function toS3(object: { S3Bucket: string; S3Key: string }) {
  return { Bucket: object.S3Bucket, Key: object.S3Key };
}
