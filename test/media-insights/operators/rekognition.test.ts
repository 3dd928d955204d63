import {
  InvalidPaginationTokenException,
  InvalidS3ObjectException,
  ResourceNotFoundException,
} from '@aws-sdk/client-rekognition';
import {
  InvalidPageTokenError,
  RekognitionVision,
  type FaceCollectionInfo,
  type ImageAnalysisKind,
  type ImageInput,
  type VideoAnalysisKind,
  type VideoAnalysisOptions,
  type VideoAnalysisPage,
  type VideoInput,
} from '../../../lambdas/shared/ai/rekognition';
import {
  Messages,
  PAGES_PER_INVOCATION,
  runRekognitionCheck,
  runRekognitionStart,
  serviceErrorText,
  type RekognitionPort,
} from '../../../lambdas/media-insights/operators/rekognition/operator';
import type { OperatorObject } from '../../../lambdas/media-insights/workflow/domain/types';
import { ASSET_ID, EXECUTION_ID, failureOf, InMemoryDataplane, operatorEvent } from './support';

/**
 * A `GetLabelDetection` page shaped as the service documents it (Rekognition Developer Guide, "Detecting labels in a
 * video"): the job's state, the video's metadata and labels with their timestamps.
 */
function labelPage(timestamp: number, nextToken?: string): Record<string, unknown> {
  return {
    JobStatus: 'SUCCEEDED',
    VideoMetadata: {
      Codec: 'h264',
      DurationMillis: 67301,
      Format: 'QuickTime / MOV',
      FrameRate: 29.97,
      FrameHeight: 1080,
      FrameWidth: 1920,
      ColorRange: 'LIMITED',
    },
    Labels: [
      {
        Timestamp: timestamp,
        Label: {
          Name: 'Car',
          Confidence: 99.64,
          Instances: [{ BoundingBox: { Width: 0.2, Height: 0.2, Left: 0.1, Top: 0.3 }, Confidence: 99.64 }],
          Parents: [{ Name: 'Vehicle' }, { Name: 'Transportation' }],
          Aliases: [{ Name: 'Automobile' }],
          Categories: [{ Name: 'Vehicles and Automotive' }],
        },
      },
    ],
    LabelModelVersion: '3.0',
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

/** A `DetectLabels` answer as the service documents it for an image. */
const DETECT_LABELS_RESPONSE = {
  Labels: [
    {
      Name: 'Mobile Phone',
      Parents: [{ Name: 'Phone' }],
      Categories: [{ Name: 'Technology and Computing' }],
      Confidence: 99.9364013671875,
      Instances: [
        {
          BoundingBox: { Width: 0.26779675483703613, Height: 0.8562285900115967, Left: 0.3604024350643158, Top: 0 },
          Confidence: 99.9364013671875,
        },
      ],
      Aliases: [{ Name: 'Cell Phone' }],
    },
  ],
  LabelModelVersion: '3.0',
};

interface FakeJob {
  kind: VideoAnalysisKind;
  input: VideoInput;
  options: VideoAnalysisOptions;
  status: string;
  statusMessage?: string;
  pages: Record<string, unknown>[];
}

/** Rekognition as the operators see it: jobs whose state and pages a test sets, images with fixed answers. */
class FakeRekognition implements RekognitionPort {
  readonly jobs = new Map<string, FakeJob>();
  readonly calls: string[] = [];
  readonly imageCalls: { kind: ImageAnalysisKind; input: ImageInput; options: { collectionId?: string } }[] = [];
  collections = new Set(['known-people']);
  imageResponse: Record<string, unknown> = DETECT_LABELS_RESPONSE;
  s3Error: Error | undefined;
  /** Tokens the service refuses, once each. */
  readonly expiredTokens = new Set<string>();

  async startVideoAnalysis(kind: VideoAnalysisKind, input: VideoInput, options: VideoAnalysisOptions = {}) {
    this.calls.push(`start:${kind}`);
    if (this.s3Error) throw this.s3Error;
    const jobId = `job-${this.jobs.size + 1}`;
    this.jobs.set(jobId, { kind, input, options, status: 'IN_PROGRESS', pages: [] });
    return jobId;
  }

  async getVideoAnalysisPage(
    kind: VideoAnalysisKind,
    jobId: string,
    options: { nextToken?: string } = {},
  ): Promise<VideoAnalysisPage> {
    this.calls.push(`get:${kind}:${options.nextToken ?? ''}`);
    const job = this.jobs.get(jobId);
    if (!job) throw new ResourceNotFoundException({ message: 'The job does not exist', $metadata: {} });
    if (options.nextToken && this.expiredTokens.delete(options.nextToken)) {
      throw new InvalidPageTokenError('Invalid Token');
    }
    if (job.status !== 'SUCCEEDED') {
      return {
        status: job.status,
        ...(job.statusMessage ? { statusMessage: job.statusMessage } : {}),
        response: { JobStatus: job.status },
      };
    }
    const index = options.nextToken ? Number(options.nextToken.slice(1)) : 0;
    const response = job.pages[index]!;
    const nextToken = response['NextToken'] as string | undefined;
    return { status: 'SUCCEEDED', ...(nextToken ? { nextToken } : {}), response };
  }

  async imageAnalysisResponse(kind: ImageAnalysisKind, input: ImageInput, options: { collectionId?: string } = {}) {
    this.imageCalls.push({ kind, input, options });
    if (this.s3Error) throw this.s3Error;
    return this.imageResponse;
  }

  async describeCollection(collectionId: string): Promise<FaceCollectionInfo> {
    this.calls.push(`describe:${collectionId}`);
    if (!this.collections.has(collectionId)) {
      throw new ResourceNotFoundException({ message: 'The collection id: nobody does not exist', $metadata: {} });
    }
    return {
      arn: `aws:rekognition:us-east-1:123456789012:collection/${collectionId}`,
      faceCount: 1,
      faceModelVersion: '7.0',
    };
  }

  /** The job succeeded with `count` pages, chained by tokens `p1`, `p2`, … */
  succeed(jobId: string, count: number): void {
    const job = this.jobs.get(jobId)!;
    job.status = 'SUCCEEDED';
    job.pages = Array.from({ length: count }, (_, index) =>
      labelPage(index * 1000, index + 1 < count ? `p${index + 1}` : undefined),
    );
  }
}

const MEDIA_BUCKET = 'media-bucket';

function videoOperator(name: string, key = 'upload/clip.mp4', overrides: Partial<OperatorObject> = {}): OperatorObject {
  return operatorEvent({
    Name: name,
    Input: { Media: { Video: { S3Bucket: MEDIA_BUCKET, S3Key: key } }, MetaData: {} },
    ...overrides,
  });
}

function imageOperator(
  name: string,
  key = 'upload/photo.jpg',
  overrides: Partial<OperatorObject> = {},
): OperatorObject {
  return operatorEvent({
    Name: name,
    Configuration: { MediaType: 'Image', Enabled: true },
    Input: { Media: { Image: { S3Bucket: MEDIA_BUCKET, S3Key: key } }, MetaData: {} },
    ...overrides,
  });
}

describe('Rekognition operators', () => {
  let rekognition: FakeRekognition;
  let dataplane: InMemoryDataplane;
  const deps = () => ({ rekognition, dataplane });

  beforeEach(() => {
    rekognition = new FakeRekognition();
    dataplane = new InMemoryDataplane();
  });

  /** Starts the video operator, lets its job succeed with `pages` pages, and runs the monitor until it is done. */
  async function runVideo(name: string, pages: number): Promise<OperatorObject[]> {
    let output = await runRekognitionStart(videoOperator(name), deps());
    rekognition.succeed(output.MetaData['JobId'] as string, pages);
    const outputs = [output];
    while (output.Status === 'Executing') {
      output = await runRekognitionCheck(output, deps());
      outputs.push(output);
    }
    return outputs;
  }

  describe('start', () => {
    it.each([
      ['labelDetection', 'labels', {}],
      ['celebrityRecognition', 'celebrities', {}],
      ['faceDetection', 'faces', { faceAttributes: 'ALL' }],
      ['contentModeration', 'moderation', {}],
      ['textDetection', 'text', {}],
      ['personTracking', 'persons', {}],
      ['shotDetection', 'segments', { segmentTypes: ['SHOT'] }],
      ['technicalCueDetection', 'segments', { segmentTypes: ['TECHNICAL_CUE'] }],
    ])('%s starts a %s job on a video and answers Executing with its JobId', async (name, kind, options) => {
      // Act
      const output = await runRekognitionStart(videoOperator(name), deps());

      // Assess
      expect(output).toMatchObject({
        Name: name,
        Status: 'Executing',
        MetaData: { JobId: 'job-1', AssetId: ASSET_ID, WorkflowExecutionId: EXECUTION_ID },
      });
      expect(rekognition.jobs.get('job-1')).toMatchObject({
        kind,
        input: { bucket: MEDIA_BUCKET, key: 'upload/clip.mp4' },
        options,
      });
    });

    it('reads the proxy encode before the video, as the original', async () => {
      // Prepare
      const operator = videoOperator('labelDetection');
      operator.Input.Media['ProxyEncode'] = { S3Bucket: 'dataplane', S3Key: 'private/assets/a/clip_proxy.mp4' };

      // Act
      await runRekognitionStart(operator, deps());

      // Assess
      expect(rekognition.jobs.get('job-1')?.input).toEqual({
        bucket: 'dataplane',
        key: 'private/assets/a/clip_proxy.mp4',
      });
    });

    it('tells media by the extension, whatever the case', async () => {
      // Act
      const mov = await runRekognitionStart(videoOperator('labelDetection', 'a/CLIP.MOV'), deps());
      const avi = await runRekognitionStart(videoOperator('labelDetection', 'a/clip.avi'), deps());
      const other = await failureOf(() => runRekognitionStart(videoOperator('labelDetection', 'a/clip.mkv'), deps()));

      // Assess
      expect([mov.Status, avi.Status]).toEqual(['Executing', 'Executing']);
      expect(other).toMatchObject({ Status: 'Error', MetaData: { LabelDetectionError: Messages.notValidFileType } });
    });

    it.each([
      ['labelDetectionImage', 'labels', 'labelDetection'],
      ['celebrityRecognitionImage', 'celebrities', 'celebrityRecognition'],
      ['faceDetectionImage', 'faces', 'faceDetection'],
      ['contentModerationImage', 'moderation', 'contentModeration'],
      ['textDetectionImage', 'text', 'textDetection'],
    ])(
      '%s analyses the image and stores the answer as it came, under %s in the data plane as %s',
      async (name, kind, stored) => {
        // Act
        const output = await runRekognitionStart(imageOperator(name), deps());

        // Assess
        expect(output).toMatchObject({
          Name: name,
          Status: 'Complete',
          MetaData: { AssetId: ASSET_ID, WorkflowExecutionId: EXECUTION_ID },
        });
        expect(rekognition.imageCalls).toEqual([
          { kind, input: { bucket: MEDIA_BUCKET, key: 'upload/photo.jpg' }, options: {} },
        ]);
        expect(dataplane.calls).toEqual([
          {
            request: {
              assetId: ASSET_ID,
              operatorName: stored,
              workflowId: EXECUTION_ID,
              results: DETECT_LABELS_RESPONSE,
            },
            page: undefined,
          },
        ]);
      },
    );

    it('a video operator given an image analyses it at once, as the original (PNG and JPEG alike)', async () => {
      // Act
      const output = await runRekognitionStart(videoOperator('faceDetection', 'frames/still.PNG'), deps());

      // Assess
      expect(output.Status).toBe('Complete');
      expect(rekognition.imageCalls.map((call) => call.kind)).toEqual(['faces']);
      expect(dataplane.results('faceDetection')).toEqual(DETECT_LABELS_RESPONSE);
    });

    it('personTracking completes an image without analysing it (the original never implemented it)', async () => {
      // Act
      const output = await runRekognitionStart(videoOperator('personTracking', 'a/photo.jpg'), deps());

      // Assess
      expect(output).toMatchObject({ Status: 'Complete', MetaData: { WorkflowExecutionId: EXECUTION_ID } });
      expect(rekognition.imageCalls).toEqual([]);
      expect(dataplane.calls).toEqual([]);
    });

    it('technicalCueDetection reads no image: an Image input is no input, an image under Video no valid file', async () => {
      // Act
      const imageOnly = await failureOf(() => runRekognitionStart(imageOperator('technicalCueDetection'), deps()));
      const imageAsVideo = await failureOf(() =>
        runRekognitionStart(videoOperator('technicalCueDetection', 'a/photo.jpg'), deps()),
      );

      // Assess
      expect(imageOnly.MetaData).toMatchObject({ TechnicalCueDetectionError: Messages.noValidInputs });
      expect(imageAsVideo.MetaData).toMatchObject({ TechnicalCueDetectionError: Messages.notValidFileType });
    });

    it("reports shot detection's errors under LabelDetectionError, as the original", async () => {
      // Act
      const output = await failureOf(() => runRekognitionStart(videoOperator('shotDetection', 'a/clip.txt'), deps()));

      // Assess
      expect(output.MetaData).toEqual({ LabelDetectionError: Messages.notValidFileType });
    });

    it('fails with No valid inputs when the stage has no media, or the media no S3Key', async () => {
      // Act
      const none = await failureOf(() =>
        runRekognitionStart(operatorEvent({ Name: 'labelDetection', Input: { Media: {}, MetaData: {} } }), deps()),
      );
      const noKey = await failureOf(() =>
        runRekognitionStart(
          operatorEvent({
            Name: 'labelDetection',
            Input: { Media: { Video: { S3Bucket: MEDIA_BUCKET } as never }, MetaData: {} },
          }),
          deps(),
        ),
      );

      // Assess
      expect(none).toMatchObject({ Status: 'Error', MetaData: { LabelDetectionError: 'No valid inputs' } });
      expect(noKey).toMatchObject({ Status: 'Error', MetaData: { LabelDetectionError: 'No valid inputs' } });
    });

    it("words a service's refusal as the original's SDK does, under the operator's error key", async () => {
      // Prepare
      rekognition.s3Error = new InvalidS3ObjectException({
        message: 'Unable to get object metadata from S3. Check object key, region and/or access permissions.',
        $metadata: {},
      });

      // Act
      const video = await failureOf(() => runRekognitionStart(videoOperator('textDetection'), deps()));
      const image = await failureOf(() => runRekognitionStart(imageOperator('textDetectionImage'), deps()));

      // Assess
      expect(video.MetaData['TextDetectionError']).toBe(
        'An error occurred (InvalidS3ObjectException) when calling the StartTextDetection operation: ' +
          'Unable to get object metadata from S3. Check object key, region and/or access permissions.',
      );
      expect(image.MetaData['TextDetectionError']).toMatch(
        /^An error occurred \(InvalidS3ObjectException\) when calling the DetectText operation: /,
      );
      expect(serviceErrorText(new Error('socket hang up'), 'DetectText')).toBe('socket hang up');
    });

    it('fails an image whose results the data plane refuses', async () => {
      // Prepare
      dataplane.refuse = true;

      // Act
      const output = await failureOf(() => runRekognitionStart(imageOperator('labelDetectionImage'), deps()));

      // Assess
      expect(output).toMatchObject({
        Status: 'Error',
        MetaData: {
          AssetId: ASSET_ID,
          WorkflowExecutionId: EXECUTION_ID,
          LabelDetectionError: `Unable to upload metadata for asset: ${ASSET_ID}`,
        },
      });
    });

    it('refuses an operator name it has no analysis for', async () => {
      // Act
      const output = await failureOf(() => runRekognitionStart(videoOperator('danceDetection'), deps()));

      // Assess
      expect(output.MetaData).toEqual({ danceDetectionError: Messages.notRekognition('danceDetection') });
    });
  });

  describe('faceSearch', () => {
    const withCollection = (operator: OperatorObject, CollectionId?: string) => ({
      ...operator,
      Configuration: { ...operator.Configuration, ...(CollectionId === undefined ? {} : { CollectionId }) },
    });

    it('checks the collection, then starts a face search job on it (CollectionId from the configuration)', async () => {
      // Act
      const output = await runRekognitionStart(withCollection(videoOperator('faceSearch'), 'known-people'), deps());

      // Assess
      expect(output.Status).toBe('Executing');
      expect(rekognition.calls).toEqual(['describe:known-people', 'start:faceSearch']);
      expect(rekognition.jobs.get('job-1')?.options).toEqual({ collectionId: 'known-people' });
    });

    it('searches the collection for the faces of an image and stores the answer under faceSearch', async () => {
      // Act
      const output = await runRekognitionStart(
        withCollection(imageOperator('faceSearchImage'), 'known-people'),
        deps(),
      );

      // Assess
      expect(output.Status).toBe('Complete');
      expect(rekognition.imageCalls[0]).toMatchObject({
        kind: 'faceSearch',
        options: { collectionId: 'known-people' },
      });
      expect(dataplane.results('faceSearch')).toEqual(DETECT_LABELS_RESPONSE);
    });

    it('fails without a CollectionId, and with one that does not exist (as DescribeCollection words it)', async () => {
      // Act
      const missing = await failureOf(() => runRekognitionStart(videoOperator('faceSearch'), deps()));
      const unknown = await failureOf(() =>
        runRekognitionStart(withCollection(videoOperator('faceSearch'), 'nobody'), deps()),
      );

      // Assess
      expect(missing.MetaData).toEqual({ FaceSearchError: 'Collection Id is not defined' });
      expect(unknown.MetaData['FaceSearchError']).toBe(
        'An error occurred (ResourceNotFoundException) when calling the DescribeCollection operation: ' +
          'The collection id: nobody does not exist',
      );
      expect(rekognition.jobs.size).toBe(0);
    });
  });

  describe('monitor', () => {
    it('answers Executing while the job runs', async () => {
      // Prepare
      const started = await runRekognitionStart(videoOperator('labelDetection'), deps());

      // Act
      const output = await runRekognitionCheck(started, deps());

      // Assess
      expect(output).toMatchObject({
        Status: 'Executing',
        MetaData: { JobId: 'job-1', AssetId: ASSET_ID, WorkflowExecutionId: EXECUTION_ID },
      });
      expect(dataplane.calls).toEqual([]);
    });

    it('stores a one-page result as it came, not paginated, and completes with the JobId', async () => {
      // Act
      const outputs = await runVideo('labelDetection', 1);

      // Assess
      expect(outputs.map((output) => output.Status)).toEqual(['Executing', 'Complete']);
      expect(outputs[1]!.MetaData).toMatchObject({ JobId: 'job-1' });
      expect(dataplane.calls).toEqual([
        {
          request: {
            assetId: ASSET_ID,
            operatorName: 'labelDetection',
            workflowId: EXECUTION_ID,
            results: labelPage(0),
          },
          page: undefined,
        },
      ]);
    });

    it('stores several pages as a paginated list, the last one ending it', async () => {
      // Act
      await runVideo('labelDetection', 3);

      // Assess
      expect(dataplane.calls.map((call) => call.page)).toEqual([{ end: false }, { end: false }, { end: true }]);
      expect(dataplane.results('labelDetection')).toEqual([labelPage(0, 'p1'), labelPage(1000, 'p2'), labelPage(2000)]);
    });

    it('stores 11 pages per invocation, hands over with PageToken, and the next invocation carries on', async () => {
      // Act
      const outputs = await runVideo('shotDetection', PAGES_PER_INVOCATION + 2);

      // Assess
      expect(outputs.map((output) => output.Status)).toEqual(['Executing', 'Executing', 'Complete']);
      expect(outputs[1]!.MetaData).toMatchObject({ PageToken: `p${PAGES_PER_INVOCATION}`, JobId: 'job-1' });
      expect(outputs[2]!.MetaData).not.toHaveProperty('PageToken');
      expect(dataplane.calls.map((call) => call.page?.end)).toEqual([
        ...Array.from({ length: PAGES_PER_INVOCATION + 1 }, () => false),
        true,
      ]);
      expect((dataplane.results('shotDetection') as unknown[]).length).toBe(PAGES_PER_INVOCATION + 2);
    });

    it('reads again from the first page when the service refuses a page token', async () => {
      // Prepare
      const started = await runRekognitionStart(videoOperator('labelDetection'), deps());
      rekognition.succeed('job-1', 2);
      rekognition.expiredTokens.add('p1');
      const handedOver = { ...started, MetaData: { ...started.MetaData, PageToken: 'p1' } };

      // Act
      const output = await runRekognitionCheck(handedOver, deps());

      // Assess
      expect(rekognition.calls.filter((call) => call.startsWith('get:'))).toEqual([
        'get:labels:p1',
        'get:labels:',
        'get:labels:p1',
      ]);
      expect(dataplane.calls.map((call) => call.page)).toEqual([{ end: false }, { end: true }]);
      expect(output.Status).toBe('Complete');
    });

    it("fails with the job's StatusMessage when the job failed", async () => {
      // Prepare
      const started = await runRekognitionStart(videoOperator('textDetection'), deps());
      Object.assign(rekognition.jobs.get('job-1')!, { status: 'FAILED', statusMessage: 'Unsupported codec/format.' });

      // Act
      const output = await failureOf(() => runRekognitionCheck(started, deps()));

      // Assess
      expect(output).toMatchObject({
        Status: 'Error',
        MetaData: { JobId: 'job-1', TextDetectionError: 'Unsupported codec/format.' },
      });
    });

    it('completes at once when the start already completed (an image)', async () => {
      // Prepare
      const done = await runRekognitionStart(imageOperator('labelDetection'), deps());

      // Act
      const output = await runRekognitionCheck(done, deps());

      // Assess
      expect(output.Status).toBe('Complete');
      expect(rekognition.calls).toEqual([]);
    });

    it("names the metadata it misses as the original: 'AssetId' first, then the JobId", async () => {
      // Act
      const noAsset = await failureOf(() =>
        runRekognitionCheck(operatorEvent({ Name: 'faceDetection', Status: 'Executing' }), deps()),
      );
      const noJob = await failureOf(() =>
        runRekognitionCheck(
          operatorEvent({ Name: 'faceDetection', Status: 'Executing', MetaData: { AssetId: ASSET_ID } }),
          deps(),
        ),
      );

      // Assess
      expect(noAsset.MetaData).toEqual({ FaceDetectionError: "Missing key 'AssetId'" });
      expect(noJob.MetaData).toMatchObject({ FaceDetectionError: "Missing a required metadata key 'JobId'" });
    });

    it('fails when the data plane refuses a page, keeping the JobId', async () => {
      // Prepare
      const started = await runRekognitionStart(videoOperator('contentModeration'), deps());
      rekognition.succeed('job-1', 1);
      dataplane.refuse = true;

      // Act
      const output = await failureOf(() => runRekognitionCheck(started, deps()));

      // Assess
      expect(output.MetaData).toMatchObject({
        JobId: 'job-1',
        ContentModerationError: `Unable to upload metadata for ${ASSET_ID}: The data plane is unavailable`,
      });
    });

    it('reports a Get* call the service refuses under the error key, worded as the SDK words it', async () => {
      // Prepare
      const started = await runRekognitionStart(videoOperator('celebrityRecognition'), deps());
      rekognition.jobs.clear();

      // Act
      const output = await failureOf(() => runRekognitionCheck(started, deps()));

      // Assess
      expect(output.MetaData['CelebrityRecognitionError']).toBe(
        'An error occurred (ResourceNotFoundException) when calling the GetCelebrityRecognition operation: ' +
          'The job does not exist',
      );
    });
  });

  it("the adapter answers raw pages without the SDK's $metadata, and names a refused page token", async () => {
    // Prepare
    const answers: unknown[] = [
      new InvalidPaginationTokenException({ message: 'Invalid Token', $metadata: {} }),
      { ...labelPage(0, 'next'), $metadata: { httpStatusCode: 200, requestId: 'r-1' } },
    ];
    const client = {
      send: async () => {
        const answer = answers.shift();
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
    const vision = new RekognitionVision(client as never, { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 });

    // Act
    const refused = vision.getVideoAnalysisPage('labels', 'job-1', { nextToken: 'old' });
    await expect(refused).rejects.toBeInstanceOf(InvalidPageTokenError);
    const page = await vision.getVideoAnalysisPage('labels', 'job-1');

    // Assess
    expect(page).toEqual({ status: 'SUCCEEDED', nextToken: 'next', response: labelPage(0, 'next') });
  });
});
