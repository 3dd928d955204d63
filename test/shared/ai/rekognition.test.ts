import * as path from 'node:path';
import {
  InvalidPageTokenError,
  RekognitionVision,
  withRetries,
  type RetryPolicy,
} from '../../../lambdas/shared/ai/rekognition';
import {
  faceSample,
  makeVideo,
  renderText,
  smallFaceSample,
  startRekognition,
  stillVideo,
  type RekognitionHarness,
} from '../../local/rekognition/support';

// Real models answer through the local stand-in; the first call of each loads it.
jest.setTimeout(180_000);

describe('Rekognition adapter (through the local stand-in)', () => {
  let rekognition: RekognitionHarness;
  let vision: RekognitionVision;

  beforeAll(async () => {
    rekognition = await startRekognition();
    vision = new RekognitionVision(rekognition.client);
  });

  afterAll(() => rekognition.stop());

  it('maps faces to the neutral type with every measured attribute', async () => {
    // Act
    const faces = await vision.detectFaces({ bytes: await smallFaceSample(1) });

    // Assess
    expect(faces).toHaveLength(3);
    for (const face of faces) {
      expect(face.ageRange.low).toBeLessThan(face.ageRange.high);
      expect(face.gender.value).toBe('Female');
      expect(face.emotions.length).toBeGreaterThan(0);
      expect(face.attributes.smile).toEqual({ value: expect.any(Boolean), confidence: expect.any(Number) });
      expect(face.landmarks.find((landmark) => landmark.type === 'nose')).toBeDefined();
      expect(face.timestampMs).toBeUndefined();
    }
  });

  it('maps labels with their parents, and text as lines and words', async () => {
    // Prepare
    await rekognition.put('adapter/slide.png', renderText(['HELLO WORLD'], 640, 360));

    // Act
    const labels = await vision.detectLabels({ bytes: await smallFaceSample(1) }, { minConfidence: 20 });
    const text = await vision.detectText({ bucket: rekognition.bucket, key: 'adapter/slide.png' });

    // Assess
    expect(labels.find((label) => label.name === 'Person')).toMatchObject({
      parents: [],
      aliases: ['Human'],
      categories: ['Person Description'],
    });
    expect(text.filter((found) => found.type === 'LINE').map((found) => found.text)).toEqual(['HELLO WORLD']);
    expect(text.filter((found) => found.type === 'WORD').map((found) => found.parentId)).toEqual([0, 0]);
  });

  it('keeps a face collection: index, search, list every page, delete', async () => {
    // Act
    const { arn } = await vision.createCollection('adapter-people');
    const photo = await smallFaceSample(1);
    const { indexed, unindexed } = await vision.indexFaces(
      'adapter-people',
      { bytes: photo },
      {
        externalImageId: 'sample1',
      },
    );
    const search = await vision.searchFacesByImage('adapter-people', { bytes: photo });
    const listed = await vision.listFaces('adapter-people', { pageSize: 1 });
    const similar = await vision.searchFaces('adapter-people', indexed[0]!.faceId, { faceMatchThreshold: 0 });
    const removed = await vision.deleteFaces('adapter-people', [indexed[0]!.faceId]);
    const collections = await vision.listCollections();
    await vision.deleteCollection('adapter-people');

    // Assess
    expect(arn).toMatch(/collection\/adapter-people$/);
    expect(indexed).toHaveLength(3);
    expect(unindexed).toEqual([]);
    expect(indexed[0]).toMatchObject({ externalImageId: 'sample1', faceId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(search.matches[0]!.face.faceId).toBe(indexed[0]!.faceId);
    expect(search.matches[0]!.similarity).toBeGreaterThan(95);
    expect(listed.map((face) => face.faceId).sort()).toEqual(indexed.map((face) => face.faceId).sort());
    expect(similar.map((match) => match.face.faceId)).not.toContain(indexed[0]!.faceId);
    expect(removed).toEqual({ deleted: [indexed[0]!.faceId], notFound: [] });
    expect(collections).toContain('adapter-people');
    expect(await vision.listCollections()).not.toContain('adapter-people');
  });

  it('starts a stored-video analysis and waits for every page of its results', async () => {
    // Prepare: cuts at 1 s and 2 s, and a still photo of three faces for 2 s
    const dir = rekognition.scratch;
    await rekognition.put(
      'adapter/cuts.mp4',
      makeVideo(path.join(dir, 'adapter-cuts.mp4'), [
        ...['-f', 'lavfi', '-i', 'testsrc=s=320x240:d=1:r=25'],
        ...['-f', 'lavfi', '-i', 'testsrc2=s=320x240:d=1:r=25'],
        ...['-f', 'lavfi', '-i', 'mandelbrot=s=320x240:r=25'],
        ...['-filter_complex', '[0:v][1:v][2:v]concat=n=3:v=1:a=0[v]', '-map', '[v]', '-t', '3'],
      ]),
    );
    await rekognition.put('adapter/faces.mp4', stillVideo(faceSample(1), 2, dir, 'adapter-faces'));

    // Act
    const shotsJob = await vision.startVideoAnalysis(
      'segments',
      { bucket: rekognition.bucket, key: 'adapter/cuts.mp4' },
      { segmentTypes: ['SHOT'] },
    );
    const facesJob = await vision.startVideoAnalysis('faces', { bucket: rekognition.bucket, key: 'adapter/faces.mp4' });
    const shots = await vision.waitForVideoAnalysis('segments', shotsJob, { pageSize: 1, pollMs: 200 });
    const faces = await vision.waitForVideoAnalysis('faces', facesJob, { pageSize: 2, pollMs: 200 });

    // Assess
    expect(shots.status).toBe('SUCCEEDED');
    expect(shots.findings.map((segment) => [segment.type, Math.round(segment.startMs / 100) * 100])).toEqual([
      ['SHOT', 0],
      ['SHOT', 1000],
      ['SHOT', 2000],
    ]);
    expect(shots.video).toMatchObject({ codec: 'h264', width: 320, height: 240 });
    expect(faces.findings.map((face) => face.timestampMs)).toEqual([0, 0, 0, 1000, 1000, 1000]);
  });

  it('answers a Get* page, an image analysis and a collection as the service sent them, for raw consumers', async () => {
    // Prepare
    await rekognition.put('adapter/raw-slide.png', renderText(['RAW ANSWER'], 640, 360));
    await rekognition.put(
      'adapter/raw-cuts.mp4',
      makeVideo(path.join(rekognition.scratch, 'adapter-raw-cuts.mp4'), [
        ...['-f', 'lavfi', '-i', 'testsrc=s=320x240:d=1:r=25'],
        ...['-f', 'lavfi', '-i', 'testsrc2=s=320x240:d=1:r=25'],
        ...['-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0[v]', '-map', '[v]'],
      ]),
    );
    await vision.createCollection('adapter-raw');

    // Act
    const text = await vision.imageAnalysisResponse('text', {
      bucket: rekognition.bucket,
      key: 'adapter/raw-slide.png',
    });
    const collection = await vision.describeCollection('adapter-raw');
    const missing = vision.describeCollection('adapter-none');
    const jobId = await vision.startVideoAnalysis(
      'segments',
      { bucket: rekognition.bucket, key: 'adapter/raw-cuts.mp4' },
      { segmentTypes: ['SHOT'] },
    );
    await vision.waitForVideoAnalysis('segments', jobId, { pollMs: 200 });
    const first = await vision.getVideoAnalysisPage('segments', jobId, { pageSize: 1 });
    const second = await vision.getVideoAnalysisPage('segments', jobId, { pageSize: 1, nextToken: first.nextToken });
    const refused = vision.getVideoAnalysisPage('segments', jobId, { nextToken: 'not-a-token' });

    // Assess
    expect(text).not.toHaveProperty('$metadata');
    expect(text).toMatchObject({ TextDetections: expect.arrayContaining([expect.objectContaining({ Type: 'LINE' })]) });
    expect(collection).toMatchObject({ arn: expect.stringMatching(/collection\/adapter-raw$/), faceCount: 0 });
    await expect(missing).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(first).toMatchObject({ status: 'SUCCEEDED', nextToken: expect.any(String) });
    expect(first.response).toMatchObject({
      JobStatus: 'SUCCEEDED',
      Segments: [expect.objectContaining({ Type: 'SHOT' })],
    });
    expect(first.response).not.toHaveProperty('$metadata');
    expect(second.nextToken).toBeUndefined();
    expect(second.response['NextToken']).toBeUndefined();
    await expect(refused).rejects.toBeInstanceOf(InvalidPageTokenError);
  });

  it('reports a failed job with the service’s reason', async () => {
    // Prepare
    await rekognition.put('adapter/not-video.mp4', renderText(['x']));

    // Act
    const jobId = await vision.startVideoAnalysis('labels', {
      bucket: rekognition.bucket,
      key: 'adapter/not-video.mp4',
    });
    const result = await vision.waitForVideoAnalysis('labels', jobId, { pollMs: 100 });

    // Assess
    expect(result).toMatchObject({ status: 'FAILED', statusMessage: 'Unsupported codec/format.', findings: [] });
  });
});

describe('withRetries', () => {
  const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250 };
  const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

  it('retries throttling with growing, capped waits until the call succeeds', async () => {
    // Prepare
    const waits: number[] = [];
    let calls = 0;

    // Act
    const result = await withRetries(
      async () => {
        calls++;
        if (calls < 4) throw throttled();
        return 'done';
      },
      policy,
      async (ms) => {
        waits.push(ms);
      },
      () => 1,
    );

    // Assess
    expect(result).toBe('done');
    expect(waits).toEqual([100, 200, 250]);
  });

  it('gives up after the last attempt and passes other errors through at once', async () => {
    // Prepare
    let calls = 0;
    const invalid = Object.assign(new Error('bad'), { name: 'InvalidParameterException' });

    // Act
    const exhausted = withRetries(
      async () => {
        calls++;
        throw throttled();
      },
      policy,
      async () => {},
    );
    await expect(exhausted).rejects.toThrow('Rate exceeded');
    const callsWhenExhausted = calls;
    calls = 0;
    const refused = withRetries(
      async () => {
        calls++;
        throw invalid;
      },
      policy,
      async () => {},
    );

    // Assess
    await expect(refused).rejects.toBe(invalid);
    expect(callsWhenExhausted).toBe(4);
    expect(calls).toBe(1);
  });
});
