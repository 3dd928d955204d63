import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CreateCollectionCommand,
  GetCelebrityRecognitionCommand,
  GetContentModerationCommand,
  GetFaceDetectionCommand,
  GetFaceSearchCommand,
  GetLabelDetectionCommand,
  GetPersonTrackingCommand,
  GetSegmentDetectionCommand,
  GetTextDetectionCommand,
  IndexFacesCommand,
  ListCollectionsCommand,
  StartCelebrityRecognitionCommand,
  StartContentModerationCommand,
  StartFaceDetectionCommand,
  StartFaceSearchCommand,
  StartLabelDetectionCommand,
  StartPersonTrackingCommand,
  StartSegmentDetectionCommand,
  StartTextDetectionCommand,
  type RekognitionServiceException,
} from '@aws-sdk/client-rekognition';
import {
  faceSample,
  makeVideo,
  renderText,
  smallFaceSample,
  startRekognition,
  stillVideo,
  type RekognitionHarness,
} from './support';

// Each job runs real models on its frames; the first of each model loads it in the model process.
jest.setTimeout(180_000);

describe('local Rekognition: stored-video jobs', () => {
  let rekognition: RekognitionHarness;
  const video = (key: string) => ({ S3Object: { Bucket: 'media', Name: key } });

  beforeAll(async () => {
    rekognition = await startRekognition();
    const dir = rekognition.scratch;
    await rekognition.put('faces.mp4', stillVideo(faceSample(1), 2, dir, 'faces'));
    await rekognition.put('text.mp4', stillVideo(renderText(['OPENING NIGHT', 'Tickets on sale']), 2, dir, 'text'));
    // Known cuts at 2 s, 4 s and 5 s: colour bars, a moving test pattern, one second of black, another pattern.
    await rekognition.put(
      'cuts.mp4',
      makeVideo(path.join(dir, 'cuts.mp4'), [
        ...['-f', 'lavfi', '-i', 'smptebars=s=640x360:d=2:r=25'],
        ...['-f', 'lavfi', '-i', 'testsrc2=s=640x360:d=2:r=25'],
        ...['-f', 'lavfi', '-i', 'color=c=black:s=640x360:d=1:r=25'],
        ...['-f', 'lavfi', '-i', 'testsrc=s=640x360:d=2:r=25'],
        ...['-filter_complex', '[0:v][1:v][2:v][3:v]concat=n=4:v=1:a=0[v]', '-map', '[v]'],
      ]),
    );
    await rekognition.put('not-a-video.mp4', renderText(['still']));
  });

  afterAll(() => rekognition.stop());

  async function failure(promise: Promise<unknown>): Promise<RekognitionServiceException> {
    try {
      await promise;
    } catch (error) {
      return error as RekognitionServiceException;
    }
    throw new Error('the call succeeded');
  }

  /** Polls a Get* call as a client would until the job is no longer in progress. */
  async function finished<T extends { JobStatus?: string }>(get: () => Promise<T>): Promise<T> {
    for (;;) {
      const response = await get();
      if (response.JobStatus !== 'IN_PROGRESS') return response;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('GetSegmentDetection finds the known cuts as shots, and black frames and colour bars as cues', async () => {
    // Act
    const { JobId } = await rekognition.client.send(
      new StartSegmentDetectionCommand({ Video: video('cuts.mp4'), SegmentTypes: ['SHOT', 'TECHNICAL_CUE'] }),
    );
    const result = await finished(() => rekognition.client.send(new GetSegmentDetectionCommand({ JobId })));

    // Assess
    expect(result.JobStatus).toBe('SUCCEEDED');
    const shots = result.Segments!.filter((segment) => segment.Type === 'SHOT');
    expect(shots.map((shot) => Math.round(shot.StartTimestampMillis! / 100) * 100)).toEqual([0, 2000, 4000, 5000]);
    expect(shots.map((shot) => shot.ShotSegment!.Index)).toEqual([0, 1, 2, 3]);
    expect(shots[1]).toMatchObject({ StartTimecodeSMPTE: '00:00:02:00', StartFrameNumber: 50 });
    const cues = result.Segments!.filter((segment) => segment.Type === 'TECHNICAL_CUE');
    expect(
      cues.map((cue) => [cue.TechnicalCueSegment!.Type, Math.round(cue.StartTimestampMillis! / 100) * 100]),
    ).toEqual([
      ['ColorBars', 0],
      ['Content', 2000],
      ['BlackFrames', 4000],
      ['Content', 5000],
    ]);
    expect(result.VideoMetadata![0]).toMatchObject({ Codec: 'h264', FrameWidth: 640, FrameHeight: 360, FrameRate: 25 });
    expect(result.SelectedSegmentTypes).toEqual([
      { Type: 'SHOT', ModelVersion: '1.0' },
      { Type: 'TECHNICAL_CUE', ModelVersion: '1.0' },
    ]);
  });

  it('GetFaceDetection lists every face of every sampled frame, page by page', async () => {
    // Act
    const { JobId } = await rekognition.client.send(
      new StartFaceDetectionCommand({ Video: video('faces.mp4'), FaceAttributes: 'ALL', JobTag: 'faces-run' }),
    );
    const inProgress = await rekognition.client.send(new GetFaceDetectionCommand({ JobId }));
    const all = await finished(() => rekognition.client.send(new GetFaceDetectionCommand({ JobId })));
    const first = await rekognition.client.send(new GetFaceDetectionCommand({ JobId, MaxResults: 4 }));
    const second = await rekognition.client.send(
      new GetFaceDetectionCommand({ JobId, MaxResults: 4, NextToken: first.NextToken }),
    );

    // Assess: 2 s at one frame a second, three faces a frame
    expect(inProgress).toMatchObject({ JobStatus: 'IN_PROGRESS', Faces: [] });
    expect(all).toMatchObject({ JobStatus: 'SUCCEEDED', JobTag: 'faces-run', Video: video('faces.mp4') });
    expect(all.Faces!.map((face) => face.Timestamp)).toEqual([0, 0, 0, 1000, 1000, 1000]);
    expect(all.Faces![0]!.Face!.AgeRange).toBeDefined();
    expect(first.Faces).toHaveLength(4);
    expect(second.Faces).toHaveLength(2);
    expect(second.NextToken).toBeUndefined();
    expect([...first.Faces!, ...second.Faces!]).toEqual(all.Faces);
  });

  it('GetLabelDetection sorts by name and aggregates sightings into segments', async () => {
    // Act
    const { JobId } = await rekognition.client.send(
      new StartLabelDetectionCommand({ Video: video('faces.mp4'), MinConfidence: 20 }),
    );
    const byTime = await finished(() => rekognition.client.send(new GetLabelDetectionCommand({ JobId })));
    const byName = await rekognition.client.send(new GetLabelDetectionCommand({ JobId, SortBy: 'NAME' }));
    const segments = await rekognition.client.send(new GetLabelDetectionCommand({ JobId, AggregateBy: 'SEGMENTS' }));

    // Assess
    const people = byTime.Labels!.filter((label) => label.Label!.Name === 'Person');
    expect(people.map((label) => label.Timestamp)).toEqual([0, 1000]);
    const names = byName.Labels!.map((label) => label.Label!.Name!);
    expect(names).toEqual([...names].sort());
    expect(byName.GetRequestMetadata).toEqual({ SortBy: 'NAME', AggregateBy: 'TIMESTAMPS' });
    expect(segments.Labels!.find((label) => label.Label!.Name === 'Person')).toMatchObject({
      StartTimestampMillis: 0,
      EndTimestampMillis: 1000,
      DurationMillis: 1000,
    });
    expect(byTime.LabelModelVersion).toBe('3.0');
  });

  it('GetPersonTracking keeps each person’s index from frame to frame', async () => {
    // Act
    const { JobId } = await rekognition.client.send(new StartPersonTrackingCommand({ Video: video('faces.mp4') }));
    const result = await finished(() =>
      rekognition.client.send(new GetPersonTrackingCommand({ JobId, SortBy: 'INDEX' })),
    );

    // Assess: a still picture, so the same people at the same places in both frames
    const byIndex = new Map<number, number[]>();
    for (const person of result.Persons!) {
      byIndex.set(person.Person!.Index!, [...(byIndex.get(person.Person!.Index!) ?? []), person.Timestamp!]);
    }
    expect(byIndex.size).toBeGreaterThan(0);
    for (const timestamps of byIndex.values()) expect(timestamps).toEqual([0, 1000]);
  });

  it('GetFaceSearch matches the video’s faces against a collection', async () => {
    // Prepare
    await rekognition.client.send(new CreateCollectionCommand({ CollectionId: 'cast' }));
    // The photo at the video's own width
    const photo = await smallFaceSample(1);
    const indexed = await rekognition.client.send(
      new IndexFacesCommand({ CollectionId: 'cast', Image: { Bytes: photo }, MaxFaces: 1 }),
    );
    const faceId = indexed.FaceRecords![0]!.Face!.FaceId;

    // Act
    const { JobId } = await rekognition.client.send(
      new StartFaceSearchCommand({ Video: video('faces.mp4'), CollectionId: 'cast' }),
    );
    const result = await finished(() => rekognition.client.send(new GetFaceSearchCommand({ JobId })));

    // Assess: only the indexed person matches, in both frames
    expect(result.Persons!.map((person) => person.Timestamp)).toEqual([0, 1000]);
    for (const person of result.Persons!) {
      expect(person.FaceMatches!.map((match) => match.Face!.FaceId)).toEqual([faceId]);
      expect(person.Person!.Face!.BoundingBox).toBeDefined();
    }
    expect(result.Persons![0]!.Person!.Index).toBe(result.Persons![1]!.Person!.Index);
  });

  it('GetCelebrityRecognition names no one without a known-faces folder', async () => {
    // Act
    const { JobId } = await rekognition.client.send(
      new StartCelebrityRecognitionCommand({ Video: video('faces.mp4') }),
    );
    const result = await finished(() => rekognition.client.send(new GetCelebrityRecognitionCommand({ JobId })));

    // Assess
    expect(fs.existsSync(rekognition.service.knownFacesDirectory)).toBe(false);
    expect(result).toMatchObject({ JobStatus: 'SUCCEEDED', Celebrities: [] });
  });

  it('GetTextDetection reads the text of each sampled frame', async () => {
    // Act
    const { JobId } = await rekognition.client.send(new StartTextDetectionCommand({ Video: video('text.mp4') }));
    const result = await finished(() => rekognition.client.send(new GetTextDetectionCommand({ JobId })));

    // Assess
    const lines = result.TextDetections!.filter((text) => text.TextDetection!.Type === 'LINE');
    expect(lines.map((line) => [line.Timestamp, line.TextDetection!.DetectedText])).toEqual([
      [0, 'OPENING NIGHT'],
      [0, 'Tickets on sale'],
      [1000, 'OPENING NIGHT'],
      [1000, 'Tickets on sale'],
    ]);
  });

  it('GetContentModeration reports the classifier’s labels per frame', async () => {
    // Act
    const { JobId } = await rekognition.client.send(
      new StartContentModerationCommand({ Video: video('faces.mp4'), MinConfidence: 0 }),
    );
    const result = await finished(() =>
      rekognition.client.send(new GetContentModerationCommand({ JobId, SortBy: 'NAME' })),
    );

    // Assess
    expect(result.ModerationModelVersion).toBe('6.1');
    expect(result.ModerationLabels!.map((label) => [label.ModerationLabel!.Name, label.Timestamp])).toEqual([
      ['Explicit Nudity', 0],
      ['Explicit Nudity', 1000],
      ['Illustrated Explicit Nudity', 0],
      ['Illustrated Explicit Nudity', 1000],
      ['Suggestive', 0],
      ['Suggestive', 1000],
    ]);
  });

  it('fails a job on a file that is not H.264 video, as the service does', async () => {
    // Act
    const { JobId } = await rekognition.client.send(
      new StartLabelDetectionCommand({ Video: video('not-a-video.mp4') }),
    );
    const result = await finished(() => rekognition.client.send(new GetLabelDetectionCommand({ JobId })));

    // Assess
    expect(result).toMatchObject({ JobStatus: 'FAILED', StatusMessage: 'Unsupported codec/format.', Labels: [] });
  });

  it('starts a job once per ClientRequestToken and refuses the token for another request', async () => {
    // Act
    const first = await rekognition.client.send(
      new StartPersonTrackingCommand({ Video: video('faces.mp4'), ClientRequestToken: 'once' }),
    );
    const again = await rekognition.client.send(
      new StartPersonTrackingCommand({ Video: video('faces.mp4'), ClientRequestToken: 'once' }),
    );
    const other = await failure(
      rekognition.client.send(new StartPersonTrackingCommand({ Video: video('text.mp4'), ClientRequestToken: 'once' })),
    );
    await rekognition.service.idle();

    // Assess
    expect(again.JobId).toBe(first.JobId);
    expect(first.JobId).toMatch(/^[0-9a-f]{64}$/);
    expect(other.name).toBe('IdempotentParameterMismatchException');
  });

  it.each([
    [
      'a missing video',
      () => new StartFaceDetectionCommand({ Video: video('missing.mp4') }),
      'InvalidS3ObjectException',
    ],
    [
      'no segment types',
      () => new StartSegmentDetectionCommand({ Video: video('cuts.mp4'), SegmentTypes: [] }),
      'InvalidParameterException',
    ],
    [
      'a search without collection',
      () => new StartFaceSearchCommand({ Video: video('faces.mp4'), CollectionId: 'nobody' }),
      'ResourceNotFoundException',
    ],
    ['an unknown job', () => new GetFaceDetectionCommand({ JobId: 'f'.repeat(64) }), 'ResourceNotFoundException'],
  ])('refuses %s', async (_case, command, code) => {
    // Act
    const error = await failure(rekognition.client.send(command() as never));

    // Assess
    expect(error.name).toBe(code);
  });

  // Last: the restart closes the first service.
  it('keeps jobs and collections across a restart and runs again a job the restart interrupted', async () => {
    // Prepare: a job just started, and a collection. Content moderation: the restarted model process loads one small
    // model, where face detection would load five.
    await rekognition.client.send(new CreateCollectionCommand({ CollectionId: 'kept' }));
    const { JobId } = await rekognition.client.send(
      new StartContentModerationCommand({ Video: video('faces.mp4'), MinConfidence: 0 }),
    );
    const before = await rekognition.client.send(new GetContentModerationCommand({ JobId }));

    // Act
    const { client } = await rekognition.restart();
    const result = await finished(() => client.send(new GetContentModerationCommand({ JobId })));
    const collections = await client.send(new ListCollectionsCommand({}));

    // Assess: the same six labels as a run that was never interrupted
    expect(before.JobStatus).toBe('IN_PROGRESS');
    expect(result.JobStatus).toBe('SUCCEEDED');
    expect(result.ModerationLabels).toHaveLength(6);
    expect(collections.CollectionIds).toContain('kept');
  });
});
