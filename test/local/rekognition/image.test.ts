import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DetectFacesCommand,
  type DetectFacesCommandOutput,
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  DetectTextCommand,
  RecognizeCelebritiesCommand,
  type RekognitionServiceException,
} from '@aws-sdk/client-rekognition';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { faceSample, renderText, startRekognition, type RekognitionHarness } from './support';

// The first call of each model loads it in the model process: seconds on an idle machine, more on a busy one.
jest.setTimeout(180_000);

describe('local Rekognition: image analysis', () => {
  let rekognition: RekognitionHarness;

  beforeAll(async () => {
    rekognition = await startRekognition();
  });

  afterAll(() => rekognition.stop());

  // DetectFaces (DEFAULT) of the first sample, asked once: the DEFAULT test checks it, the celebrity test crops a face
  // by it.
  let sampleFaces: Promise<DetectFacesCommandOutput> | undefined;
  const detectSampleFaces = () =>
    (sampleFaces ??= rekognition.client.send(new DetectFacesCommand({ Image: { Bytes: faceSample(1) } })));

  async function failure(promise: Promise<unknown>): Promise<RekognitionServiceException> {
    try {
      await promise;
    } catch (error) {
      return error as RekognitionServiceException;
    }
    throw new Error('the call succeeded');
  }

  it('DetectFaces finds each face with its box, 30 landmarks, pose and quality (DEFAULT)', async () => {
    // Act
    const { FaceDetails } = await detectSampleFaces();

    // Assess
    expect(FaceDetails).toHaveLength(3);
    for (const face of FaceDetails ?? []) {
      const box = face.BoundingBox!;
      expect(box.Left! + box.Width!).toBeLessThanOrEqual(1);
      expect(face.Confidence).toBeGreaterThan(90);
      expect(face.Landmarks).toHaveLength(30);
      expect(face.Landmarks!.map((landmark) => landmark.Type)).toEqual(
        expect.arrayContaining(['eyeLeft', 'eyeRight', 'nose', 'mouthLeft', 'mouthRight', 'chinBottom']),
      );
      const eyeLeft = face.Landmarks!.find((landmark) => landmark.Type === 'eyeLeft')!;
      const eyeRight = face.Landmarks!.find((landmark) => landmark.Type === 'eyeRight')!;
      expect(eyeLeft.X!).toBeLessThan(eyeRight.X!);
      expect(eyeLeft.X!).toBeGreaterThan(box.Left!);
      expect(face.Pose).toEqual({ Roll: expect.any(Number), Yaw: expect.any(Number), Pitch: expect.any(Number) });
      expect(face.Quality!.Brightness).toBeGreaterThan(0);
      expect(face.AgeRange).toBeUndefined();
    }
  });

  it('DetectFaces with Attributes ALL adds age range, gender, emotions, smile, eyes and mouth', async () => {
    // Act
    const { FaceDetails } = await rekognition.client.send(
      new DetectFacesCommand({ Image: { Bytes: faceSample(1) }, Attributes: ['ALL'] }),
    );

    // Assess
    for (const face of FaceDetails ?? []) {
      expect(face.AgeRange!.Low!).toBeLessThan(face.AgeRange!.High!);
      expect(face.AgeRange!.Low!).toBeGreaterThan(10);
      expect(face.AgeRange!.High!).toBeLessThan(50);
      expect(face.Gender).toEqual({ Value: 'Female', Confidence: expect.any(Number) });
      const confidences = face.Emotions!.map((emotion) => emotion.Confidence!);
      expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
      expect(face.Smile!.Value).toEqual(expect.any(Boolean));
      expect(face.EyesOpen!.Value).toBe(true);
      expect(face.MouthOpen!.Value).toEqual(expect.any(Boolean));
    }
  });

  it('DetectLabels names the people in a photo with a box per person and Rekognition label fields', async () => {
    // Act
    const response = await rekognition.client.send(
      new DetectLabelsCommand({ Image: { Bytes: faceSample(1) }, MinConfidence: 20 }),
    );

    // Assess
    const person = response.Labels!.find((label) => label.Name === 'Person');
    expect(person).toBeDefined();
    expect(person!.Instances!.length).toBeGreaterThanOrEqual(2);
    expect(person!.Aliases).toEqual([{ Name: 'Human' }]);
    expect(person!.Categories).toEqual([{ Name: 'Person Description' }]);
    expect(response.LabelModelVersion).toBe('3.0');
    for (const label of response.Labels!) expect(label.Confidence!).toBeGreaterThanOrEqual(20);
  });

  it('DetectLabels reads the image from S3 and applies MaxLabels and exclusion filters', async () => {
    // Prepare
    await rekognition.put('photos/sample2.jpg', faceSample(2));

    // Act
    const response = await rekognition.client.send(
      new DetectLabelsCommand({
        Image: { S3Object: { Bucket: rekognition.bucket, Name: 'photos/sample2.jpg' } },
        MinConfidence: 10,
        MaxLabels: 2,
        Settings: { GeneralLabels: { LabelExclusionFilters: ['Person'] } },
      }),
    );

    // Assess
    expect(response.Labels!.length).toBeGreaterThan(0);
    expect(response.Labels!.length).toBeLessThanOrEqual(2);
    expect(response.Labels!.map((label) => label.Name)).not.toContain('Person');
  });

  it('DetectText reads rendered lines and their words, words pointing at their line', async () => {
    // Prepare
    const image = renderText(['QUARTERLY RESULTS 2024', 'Revenue grew strongly']);

    // Act
    const { TextDetections, TextModelVersion } = await rekognition.client.send(
      new DetectTextCommand({ Image: { Bytes: image } }),
    );

    // Assess
    const lines = TextDetections!.filter((text) => text.Type === 'LINE').map((text) => text.DetectedText);
    expect(lines).toEqual(['QUARTERLY RESULTS 2024', 'Revenue grew strongly']);
    const words = TextDetections!.filter((text) => text.Type === 'WORD');
    expect(words.map((word) => word.DetectedText)).toContain('Revenue');
    expect(words.every((word) => word.ParentId === 0 || word.ParentId === 1)).toBe(true);
    expect(words[0]!.Geometry!.Polygon).toHaveLength(4);
    expect(TextModelVersion).toBe('3.0');
  });

  it('DetectText keeps only the words inside the regions of interest', async () => {
    // Prepare
    const image = renderText(['TOP LINE HERE', 'BOTTOM LINE HERE']);

    // Act
    const { TextDetections } = await rekognition.client.send(
      new DetectTextCommand({
        Image: { Bytes: image },
        Filters: { RegionsOfInterest: [{ BoundingBox: { Left: 0, Top: 0, Width: 1, Height: 0.25 } }] },
      }),
    );

    // Assess
    expect(TextDetections!.filter((text) => text.Type === 'LINE').map((text) => text.DetectedText)).toEqual([
      'TOP LINE HERE',
    ]);
  });

  it('DetectModerationLabels reports what the NSFW classifier finds, in the 6.1 taxonomy', async () => {
    // Act: party photos the classifier calls suggestive, and a slide of text it does not
    const photo = await rekognition.client.send(new DetectModerationLabelsCommand({ Image: { Bytes: faceSample(3) } }));
    const slide = await rekognition.client.send(
      new DetectModerationLabelsCommand({ Image: { Bytes: renderText(['Agenda', 'Budget review']) } }),
    );

    // Assess
    expect(photo.ModerationModelVersion).toBe('6.1');
    expect(photo.ModerationLabels).toEqual([
      { Name: 'Suggestive', ParentName: '', TaxonomyLevel: 1, Confidence: expect.any(Number) },
    ]);
    expect(photo.ModerationLabels![0]!.Confidence!).toBeGreaterThan(80);
    expect(slide.ModerationLabels).toEqual([]);
  });

  it('RecognizeCelebrities names a face from the known-faces folder and leaves the others unrecognized', async () => {
    // Prepare: one person's face, cropped from the photo, in known-faces/<Name>/
    const photo = faceSample(1);
    const { FaceDetails } = await detectSampleFaces();
    const box = FaceDetails![0]!.BoundingBox!;
    const image = await loadImage(photo);
    const [x, y, w, h] = [box.Left! - 0.05, box.Top! - 0.05, box.Width! + 0.1, box.Height! + 0.1].map((v, i) =>
      Math.round(v * (i % 2 === 0 ? image.width : image.height)),
    ) as [number, number, number, number];
    const crop = createCanvas(w, h);
    crop.getContext('2d').drawImage(image, x, y, w, h, 0, 0, w, h);
    const folder = path.join(rekognition.service.knownFacesDirectory, 'Ada Lovelace');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'portrait.jpg'), crop.toBuffer('image/jpeg'));

    // Act
    const response = await rekognition.client.send(new RecognizeCelebritiesCommand({ Image: { Bytes: photo } }));

    // Assess
    expect(response.CelebrityFaces).toHaveLength(1);
    const celebrity = response.CelebrityFaces![0]!;
    expect(celebrity).toMatchObject({ Name: 'Ada Lovelace', Urls: [], Id: expect.stringMatching(/^[0-9A-Za-z]{8}$/) });
    expect(celebrity.MatchConfidence!).toBeGreaterThan(90);
    expect(Math.abs(celebrity.Face!.BoundingBox!.Left! - box.Left!)).toBeLessThan(0.02);
    expect(celebrity.Face!.Landmarks).toHaveLength(5);
    expect(response.UnrecognizedFaces).toHaveLength(2);
  });

  it.each([
    ['a GIF', { Bytes: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'binary') }, 'InvalidImageFormatException'],
    ['a truncated JPEG', { Bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 3]) }, 'InvalidImageFormatException'],
    ['more than 5 MB of bytes', { Bytes: Buffer.alloc(5 * 1024 * 1024 + 1, 0xff) }, 'ImageTooLargeException'],
    ['a missing S3 object', { S3Object: { Bucket: 'media', Name: 'nothing-here.jpg' } }, 'InvalidS3ObjectException'],
    [
      'both bytes and an S3 object',
      { Bytes: Buffer.from([1]), S3Object: { Bucket: 'media', Name: 'x.jpg' } },
      'InvalidParameterException',
    ],
  ])('refuses %s as Rekognition does', async (_case, image, code) => {
    // Act
    const error = await failure(rekognition.client.send(new DetectLabelsCommand({ Image: image })));

    // Assess
    expect(error.name).toBe(code);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('refuses an out-of-range MinConfidence with InvalidParameterException', async () => {
    // Act
    const error = await failure(
      rekognition.client.send(new DetectLabelsCommand({ Image: { Bytes: faceSample(1) }, MinConfidence: 101 })),
    );

    // Assess
    expect(error.name).toBe('InvalidParameterException');
  });

  it('refuses an unsigned request as the service does', async () => {
    // Act
    const response = await fetch(rekognition.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'RekognitionService.ListCollections' },
      body: '{}',
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });
});
