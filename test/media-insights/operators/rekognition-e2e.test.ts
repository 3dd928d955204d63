import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateCollectionCommand, IndexFacesCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ffmpegPath } from '../../../lib/local/rekognition/video/media';
import { apiClient, startTestLocalMode, type TestLocalMode } from '../../support/local';
import { faceSample, renderText } from '../../local/rekognition/support';

// Every job runs the stand-in's real models on the video's frames (one a second); the first use loads each model.
jest.setTimeout(600_000);

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

type Execution = {
  AssetId: string;
  Status: string;
  Message?: string;
  Workflow: {
    Stages: Record<string, { Outputs: { Name: string; Status: string; MetaData: Record<string, unknown> }[] }>;
  };
};

/**
 * The Rekognition operators end to end: workflows created and run through the workflow API in local mode, the
 * operator functions calling the local Rekognition (real models) and storing the service's pages in the data plane,
 * read back through GET /metadata/{asset}/{operator}. One video execution and one image execution serve every check.
 */
describe('Media Insights Rekognition operators through local mode', () => {
  let env: TestLocalMode;
  let api: ReturnType<typeof apiClient>;
  let dataplane: ReturnType<typeof apiClient>;
  let video: Execution;
  let image: Execution;

  /** 5 s, 640x360: a photo of three faces (0–2 s), black (2–3 s), a slide reading HELLO WORLD (3–5 s). */
  function makeVideo(directory: string): string {
    const face = path.join(directory, 'faces.jpg');
    const slide = path.join(directory, 'slide.png');
    fs.writeFileSync(face, faceSample(1));
    fs.writeFileSync(slide, renderText(['HELLO WORLD'], 640, 360));
    const output = path.join(directory, 'scenes.mp4');
    const fit = 'scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=25';
    execFileSync(ffmpegPath(), [
      ...['-y', '-v', 'error'],
      ...['-loop', '1', '-framerate', '25', '-t', '2', '-i', face],
      ...['-f', 'lavfi', '-i', 'color=c=black:s=640x360:d=1:r=25'],
      ...['-loop', '1', '-framerate', '25', '-t', '2', '-i', slide],
      ...['-filter_complex', `[0:v]${fit}[a];[1:v]setsar=1[b];[2:v]${fit}[c];[a][b][c]concat=n=3:v=1:a=0[v]`],
      ...['-map', '[v]', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'],
      output,
    ]);
    return output;
  }

  /** Creates a workflow of the given stages (each a list of operations), runs it on `media` and waits for its end. */
  async function run(name: string, stages: [string, string[]][], media: object, configuration: object) {
    for (const [stage, operations] of stages) {
      expect((await api.post('workflow/stage', { Name: stage, Operations: operations })).status).toBe(200);
    }
    const created = await api.post('workflow', {
      Name: name,
      StartAt: stages[0]![0],
      Stages: Object.fromEntries(
        stages.map(([stage], index) => [
          stage,
          index + 1 < stages.length ? { Next: stages[index + 1]![0] } : { End: true },
        ]),
      ),
    });
    expect(created.status).toBe(200);
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
      if (execution.Status === 'Complete' || execution.Status === 'Error') return execution;
      if (Date.now() > deadline) throw new Error(`Execution ${id} is still ${execution.Status}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async function results(execution: Execution, operator: string): Promise<Record<string, any>> {
    const response = await dataplane.get(`metadata/${execution.AssetId}/${operator}`);
    expect([operator, response.status]).toEqual([operator, 200]);
    return response.json().results;
  }

  beforeAll(async () => {
    env = await startTestLocalMode();
    const outputs = env.local.outputs;
    api = apiClient(outputs.MediaInsights?.WorkflowApiEndpoint ?? '', env.local.credentials);
    dataplane = apiClient(outputs.MediaInsights?.DataplaneApiEndpoint ?? '', env.local.credentials);
    const bucket = outputs.MediaInsights?.DataplaneBucket ?? '';
    const client = { region: 'us-east-1', credentials: env.local.credentials };
    const s3 = new S3Client({ ...client, endpoint: outputs.Local?.S3Endpoint, forcePathStyle: true });
    const rekognition = new RekognitionClient({ ...client, endpoint: outputs.Local?.RekognitionEndpoint });
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mie-rekognition-e2e-'));
    try {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'media/scenes.mp4', Body: fs.readFileSync(makeVideo(scratch)) }),
      );
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'media/people.jpg', Body: faceSample(1) }));
      // A face collection that knows the people of the photo, for faceSearchImage.
      await rekognition.send(new CreateCollectionCommand({ CollectionId: 'e2e-people' }));
      await rekognition.send(
        new IndexFacesCommand({
          CollectionId: 'e2e-people',
          Image: { S3Object: { Bucket: bucket, Name: 'media/people.jpg' } },
          ExternalImageId: 'people',
        }),
      );
    } finally {
      s3.destroy();
      rekognition.destroy();
      fs.rmSync(scratch, { recursive: true, force: true });
    }

    // The original's end-to-end shape: a preprocessing stage makes the proxy the Rekognition stage then reads.
    // Per-execution overrides enable the operators registered disabled and give face search its collection.
    [video, image] = await Promise.all([
      run(
        'RekognitionVideoWorkflow',
        [
          ['RekognitionPreprocess', ['Mediainfo', 'Thumbnail']],
          ['RekognitionVideo', VIDEO_OPERATORS],
        ],
        { Video: { S3Bucket: bucket, S3Key: 'media/scenes.mp4' } },
        {
          RekognitionVideo: {
            faceSearch: { MediaType: 'Video', Enabled: true, CollectionId: 'e2e-people' },
            personTracking: { MediaType: 'Video', Enabled: true },
          },
        },
      ),
      run(
        'RekognitionImageWorkflow',
        [['RekognitionImage', IMAGE_OPERATORS]],
        { Image: { S3Bucket: bucket, S3Key: 'media/people.jpg' } },
        { RekognitionImage: { faceSearchImage: { MediaType: 'Image', Enabled: true, CollectionId: 'e2e-people' } } },
      ),
    ]);
  });

  afterAll(() => env?.stop());

  it('runs every video operator to Complete after a preprocessing stage, each after its Rekognition Video job', () => {
    const outputs = video.Workflow.Stages['RekognitionVideo']!.Outputs;

    expect(video.Message).toBeUndefined();
    expect(video.Status).toBe('Complete');
    expect(outputs.map((output) => [output.Name, output.Status]).sort()).toEqual(
      VIDEO_OPERATORS.map((name) => [name, 'Complete']).sort(),
    );
    for (const output of outputs) expect(output.MetaData['JobId']).toEqual(expect.any(String));
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
    const text = await results(video, 'textDetection');
    const lines = text.TextDetections.filter(
      (entry: { TextDetection: { Type: string } }) => entry.TextDetection.Type === 'LINE',
    );

    expect(
      lines.map((entry: { TextDetection: { DetectedText: string } }) => entry.TextDetection.DetectedText),
    ).toContain('HELLO WORLD');
    expect(Math.min(...lines.map((entry: { Timestamp: number }) => entry.Timestamp))).toBeGreaterThanOrEqual(3000);
  });

  it('runs every image operator to Complete, with per-execution configuration', () => {
    const outputs = image.Workflow.Stages['RekognitionImage']!.Outputs;

    expect(image.Message).toBeUndefined();
    expect(image.Status).toBe('Complete');
    expect(outputs.map((output) => [output.Name, output.Status]).sort()).toEqual(
      IMAGE_OPERATORS.map((name) => [name, 'Complete']).sort(),
    );
  });

  it("stores each image answer under the video operator's name, as the original's shared function does", async () => {
    const labels = await results(image, 'labelDetection');
    const faces = await results(image, 'faceDetection');
    const text = await results(image, 'textDetection');
    const search = await results(image, 'faceSearch');
    const celebrities = await results(image, 'celebrityRecognition');
    const moderation = await results(image, 'contentModeration');
    const missing = await dataplane.get(`metadata/${image.AssetId}/labelDetectionImage`);

    expect(labels.Labels.map((label: { Name: string }) => label.Name)).toContain('Person');
    expect(faces.FaceDetails).toHaveLength(3);
    // DetectFaces with the service's default attributes: no age range.
    expect(faces.FaceDetails[0]).not.toHaveProperty('AgeRange');
    expect(text).toHaveProperty('TextDetections');
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
