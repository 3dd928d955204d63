/**
 * Rekognition behind neutral types (`vision.ts`, `people.ts`): what backends call to analyse images and stored
 * videos and to keep face collections. Paging, throttling retries and polling of video jobs live here once; no
 * backend touches the SDK for Rekognition. In local mode the same calls reach the local stand-in through
 * `AWS_ENDPOINT_URL_REKOGNITION`.
 */
import {
  CreateCollectionCommand,
  DeleteCollectionCommand,
  DescribeCollectionCommand,
  DeleteFacesCommand,
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  DetectTextCommand,
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
  ListFacesCommand,
  RecognizeCelebritiesCommand,
  RekognitionClient,
  SearchFacesByImageCommand,
  SearchFacesCommand,
  StartCelebrityRecognitionCommand,
  StartContentModerationCommand,
  StartFaceDetectionCommand,
  StartFaceSearchCommand,
  StartLabelDetectionCommand,
  StartPersonTrackingCommand,
  StartSegmentDetectionCommand,
  StartTextDetectionCommand,
  type BoundingBox as WireBox,
  type CelebrityRecognitionSortBy,
  type ContentModerationSortBy,
  type FaceSearchSortBy,
  type GetCelebrityRecognitionCommandOutput,
  type GetContentModerationCommandOutput,
  type GetFaceDetectionCommandOutput,
  type GetFaceSearchCommandOutput,
  type GetLabelDetectionCommandOutput,
  type GetPersonTrackingCommandOutput,
  type GetSegmentDetectionCommandOutput,
  type GetTextDetectionCommandOutput,
  type LabelDetectionSortBy,
  type PersonTrackingSortBy,
  type ComparedFace,
  type Face,
  type FaceDetail,
  type Image,
  type Label,
  type ModerationLabel as WireModerationLabel,
  type SegmentDetection,
  type TextDetection as WireTextDetection,
  type VideoMetadata,
} from '@aws-sdk/client-rekognition';
import type { BoundingBox, Geometry } from './geometry';
import { DEFAULT_RETRY, type RetryPolicy, sendWithRetries } from './jobs';
import type { FaceMatch, IndexedFace, PersonDetection, PersonMatch, UnindexedFace } from './people';
import type {
  CelebrityRecognition,
  EmotionType,
  FaceDetection,
  LabelDetection,
  ModerationLabel,
  Segment,
  TechnicalCueType,
  TextDetection,
} from './vision';

/** An image: its bytes (up to 5 MB) or an S3 object (up to 15 MB) that Rekognition reads itself. */
export type ImageInput =
  { readonly bytes: Uint8Array } | { readonly bucket: string; readonly key: string; readonly version?: string };

/** A stored video in S3 (H.264 in MP4 or MOV). */
export interface VideoInput {
  readonly bucket: string;
  readonly key: string;
  readonly version?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Retries and polling live in jobs.ts, shared by every AI adapter; re-exported for existing callers.

export { DEFAULT_RETRY, RETRYABLE_ERRORS, withRetries, type RetryPolicy } from './jobs';

// ---------------------------------------------------------------------------------------------------------------
// Mapping the service's shapes to the neutral types

const box = (wire: WireBox | undefined): BoundingBox => ({
  left: wire?.Left ?? 0,
  top: wire?.Top ?? 0,
  width: wire?.Width ?? 0,
  height: wire?.Height ?? 0,
});

function image(input: ImageInput): Image {
  return 'bytes' in input
    ? { Bytes: input.bytes }
    : { S3Object: { Bucket: input.bucket, Name: input.key, ...(input.version ? { Version: input.version } : {}) } };
}

function video(input: VideoInput) {
  return { S3Object: { Bucket: input.bucket, Name: input.key, ...(input.version ? { Version: input.version } : {}) } };
}

function label(wire: Label | undefined, timestampMs?: number): LabelDetection {
  return {
    name: wire?.Name ?? '',
    confidence: wire?.Confidence ?? 0,
    parents: (wire?.Parents ?? []).map((parent) => parent.Name ?? ''),
    aliases: (wire?.Aliases ?? []).map((alias) => alias.Name ?? ''),
    categories: (wire?.Categories ?? []).map((category) => category.Name ?? ''),
    instances: (wire?.Instances ?? []).map((instance) => ({
      boundingBox: box(instance.BoundingBox),
      confidence: instance.Confidence ?? 0,
    })),
    ...(timestampMs !== undefined ? { timestampMs } : {}),
  };
}

const ATTRIBUTES: readonly [keyof FaceDetail, string][] = [
  ['Smile', 'smile'],
  ['Eyeglasses', 'eyeglasses'],
  ['Sunglasses', 'sunglasses'],
  ['Beard', 'beard'],
  ['Mustache', 'mustache'],
  ['EyesOpen', 'eyesOpen'],
  ['MouthOpen', 'mouthOpen'],
];

function face(wire: FaceDetail | ComparedFace | undefined, timestampMs?: number): FaceDetection {
  const detail = (wire ?? {}) as FaceDetail;
  const attributes: Record<string, { value: boolean; confidence: number }> = {};
  for (const [member, name] of ATTRIBUTES) {
    const value = detail[member] as { Value?: boolean; Confidence?: number } | undefined;
    if (value?.Value !== undefined) attributes[name] = { value: value.Value, confidence: value.Confidence ?? 0 };
  }
  return {
    boundingBox: box(detail.BoundingBox),
    confidence: detail.Confidence ?? 0,
    landmarks: (detail.Landmarks ?? []).map((landmark) => ({
      type: landmark.Type ?? '',
      x: landmark.X ?? 0,
      y: landmark.Y ?? 0,
    })),
    pose: { roll: detail.Pose?.Roll ?? 0, yaw: detail.Pose?.Yaw ?? 0, pitch: detail.Pose?.Pitch ?? 0 },
    quality: { brightness: detail.Quality?.Brightness ?? 0, sharpness: detail.Quality?.Sharpness ?? 0 },
    ageRange: { low: detail.AgeRange?.Low ?? 0, high: detail.AgeRange?.High ?? 0 },
    gender: {
      value: detail.Gender?.Value === 'Female' ? 'Female' : 'Male',
      confidence: detail.Gender?.Confidence ?? 0,
    },
    emotions: (detail.Emotions ?? []).map((emotion) => ({
      type: (emotion.Type ?? 'UNKNOWN') as EmotionType,
      confidence: emotion.Confidence ?? 0,
    })),
    attributes,
    ...(timestampMs !== undefined ? { timestampMs } : {}),
  };
}

function moderation(wire: WireModerationLabel | undefined, timestampMs?: number): ModerationLabel {
  return {
    name: wire?.Name ?? '',
    parentName: wire?.ParentName ?? '',
    confidence: wire?.Confidence ?? 0,
    ...(wire?.TaxonomyLevel !== undefined ? { taxonomyLevel: wire.TaxonomyLevel } : {}),
    ...(timestampMs !== undefined ? { timestampMs } : {}),
  };
}

function text(wire: WireTextDetection | undefined, timestampMs?: number): TextDetection {
  const geometry: Geometry = {
    boundingBox: box(wire?.Geometry?.BoundingBox),
    ...(wire?.Geometry?.Polygon
      ? { polygon: wire.Geometry.Polygon.map((point) => ({ x: point.X ?? 0, y: point.Y ?? 0 })) }
      : {}),
  };
  return {
    text: wire?.DetectedText ?? '',
    type: wire?.Type === 'WORD' ? 'WORD' : 'LINE',
    id: wire?.Id ?? 0,
    ...(wire?.ParentId !== undefined ? { parentId: wire.ParentId } : {}),
    confidence: wire?.Confidence ?? 0,
    geometry,
    ...(timestampMs !== undefined ? { timestampMs } : {}),
  };
}

function indexedFace(wire: Face | undefined): IndexedFace {
  return {
    faceId: wire?.FaceId ?? '',
    imageId: wire?.ImageId ?? '',
    ...(wire?.ExternalImageId ? { externalImageId: wire.ExternalImageId } : {}),
    ...(wire?.UserId ? { userId: wire.UserId } : {}),
    boundingBox: box(wire?.BoundingBox),
    confidence: wire?.Confidence ?? 0,
  };
}

function segment(wire: SegmentDetection): Segment {
  const span = {
    startMs: wire.StartTimestampMillis ?? 0,
    endMs: wire.EndTimestampMillis ?? 0,
    startTimecode: wire.StartTimecodeSMPTE ?? '',
    endTimecode: wire.EndTimecodeSMPTE ?? '',
  };
  if (wire.Type === 'TECHNICAL_CUE') {
    return {
      ...span,
      type: 'TECHNICAL_CUE',
      cue: (wire.TechnicalCueSegment?.Type ?? 'Content') as TechnicalCueType,
      confidence: wire.TechnicalCueSegment?.Confidence ?? 0,
    };
  }
  return {
    ...span,
    type: 'SHOT',
    index: wire.ShotSegment?.Index ?? 0,
    confidence: wire.ShotSegment?.Confidence ?? 0,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Stored-video analyses

/** What each kind of stored-video analysis finds. */
export interface VideoFindings {
  labels: LabelDetection;
  faces: FaceDetection;
  celebrities: CelebrityRecognition;
  moderation: ModerationLabel;
  text: TextDetection;
  segments: Segment;
  faceSearch: PersonMatch;
  persons: PersonDetection;
}
export type VideoAnalysisKind = keyof VideoFindings;

export interface VideoAnalysisOptions {
  /** Labels and moderation: the lowest confidence reported. @default the service's (50) */
  readonly minConfidence?: number;
  /** Faces: `ALL` adds age, gender, emotions. @default 'DEFAULT' */
  readonly faceAttributes?: 'DEFAULT' | 'ALL';
  /** Face search: the collection searched. Required for `faceSearch`. */
  readonly collectionId?: string;
  /** Face search: the lowest similarity reported. @default the service's (80) */
  readonly faceMatchThreshold?: number;
  /** Segments: which kinds. @default both */
  readonly segmentTypes?: readonly ('SHOT' | 'TECHNICAL_CUE')[];
  /** Idempotency token: the same token starts the same job once. @default none */
  readonly clientRequestToken?: string;
  readonly jobTag?: string;
  /** Where the service announces the job's end. @default none (poll) */
  readonly notificationChannel?: { readonly snsTopicArn: string; readonly roleArn: string };
}

export type VideoJobStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

export interface VideoInfo {
  readonly codec: string;
  readonly format: string;
  readonly durationMs: number;
  readonly frameRate: number;
  readonly width: number;
  readonly height: number;
}

export interface VideoAnalysis<K extends VideoAnalysisKind> {
  readonly kind: K;
  readonly jobId: string;
  readonly status: VideoJobStatus;
  /** Why the job failed. @default none */
  readonly statusMessage?: string;
  /** @default - not known until the job succeeded */
  readonly video?: VideoInfo;
  /** Every result of the job, all pages read, in the service's order. Empty until the job succeeded. */
  readonly findings: readonly VideoFindings[K][];
}

export interface GetVideoOptions {
  /** Results per `Get*` call. @default 1000 (the service's maximum) */
  readonly pageSize?: number;
  /** `TIMESTAMP` or the kind's other order (`NAME`, `ID`, `INDEX`). @default 'TIMESTAMP' */
  readonly sortBy?: string;
}

export interface WaitOptions extends GetVideoOptions {
  /** First wait between polls; each wait doubles up to `maxPollMs`. @default 1000 */
  readonly pollMs?: number;
  /** @default 15000 */
  readonly maxPollMs?: number;
  /** Give up (and throw) after this long. @default 1 hour */
  readonly timeoutMs?: number;
}

interface GetPage {
  JobStatus?: string;
  StatusMessage?: string;
  NextToken?: string;
  VideoMetadata?: VideoMetadata | VideoMetadata[];
}

function videoInfo(wire: VideoMetadata | VideoMetadata[] | undefined): VideoInfo | undefined {
  const metadata = Array.isArray(wire) ? wire[0] : wire;
  if (!metadata) return undefined;
  return {
    codec: metadata.Codec ?? '',
    format: metadata.Format ?? '',
    durationMs: metadata.DurationMillis ?? 0,
    frameRate: metadata.FrameRate ?? 0,
    width: metadata.FrameWidth ?? 0,
    height: metadata.FrameHeight ?? 0,
  };
}

export class VideoAnalysisTimeout extends Error {}

/** One `Get*` answer as the service sent it, for callers that keep the service's own pages. */
export interface VideoAnalysisPage {
  readonly status: string;
  /** Why the job failed. @default none */
  readonly statusMessage?: string;
  /** The next page's token; absent on the last page. */
  readonly nextToken?: string;
  /** The response body: every member the service answered (the SDK's `$metadata` left out). */
  readonly response: Record<string, unknown>;
}

/** The page token was refused (it expired, or belongs to another job or order); reading again from the start works. */
export class InvalidPageTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPageTokenError';
  }
}

/** The image analyses whose answers can be had as the service sent them. */
export type ImageAnalysisKind = 'labels' | 'faces' | 'celebrities' | 'moderation' | 'text' | 'faceSearch';

export interface FaceCollectionInfo {
  readonly arn: string;
  readonly faceCount: number;
  readonly faceModelVersion: string;
}

/** The service's error code (`InvalidS3ObjectException`, …) when `error` is an answer of the service; else none. */
export function serviceErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

function withoutSdkMetadata(output: object): Record<string, unknown> {
  const { $metadata: _, ...response } = output as Record<string, unknown>;
  return response;
}

// ---------------------------------------------------------------------------------------------------------------

/** A client for the module's lifetime; its endpoint comes from the environment, as for every SDK client. */
let sharedClient: RekognitionClient | undefined;
function defaultClient(): RekognitionClient {
  sharedClient ??= new RekognitionClient({});
  return sharedClient;
}

type Sender = Pick<RekognitionClient, 'send'>;

export class RekognitionVision {
  constructor(
    private readonly client: Sender = defaultClient(),
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /** One call, retried when throttled; `T` is the command's output shape (the members this adapter reads). */
  private send<T>(command: object): Promise<T> {
    return sendWithRetries<T>(this.client, command, this.retry);
  }

  async detectLabels(
    input: ImageInput,
    options: { minConfidence?: number; maxLabels?: number } = {},
  ): Promise<LabelDetection[]> {
    const response = await this.send<{ Labels?: Label[] }>(
      new DetectLabelsCommand({
        Image: image(input),
        ...(options.minConfidence !== undefined ? { MinConfidence: options.minConfidence } : {}),
        ...(options.maxLabels !== undefined ? { MaxLabels: options.maxLabels } : {}),
      }),
    );
    return (response.Labels ?? []).map((wire) => label(wire));
  }

  /** Every face with all the attributes the service measures. */
  async detectFaces(input: ImageInput): Promise<FaceDetection[]> {
    const response = await this.send<{ FaceDetails?: FaceDetail[] }>(
      new DetectFacesCommand({ Image: image(input), Attributes: ['ALL'] }),
    );
    return (response.FaceDetails ?? []).map((wire) => face(wire));
  }

  async recognizeCelebrities(
    input: ImageInput,
  ): Promise<{ celebrities: CelebrityRecognition[]; unrecognized: FaceDetection[] }> {
    const response = await this.send<{
      CelebrityFaces?: { Name?: string; Id?: string; Urls?: string[]; MatchConfidence?: number; Face?: ComparedFace }[];
      UnrecognizedFaces?: ComparedFace[];
    }>(new RecognizeCelebritiesCommand({ Image: image(input) }));
    return {
      celebrities: (response.CelebrityFaces ?? []).map((celebrity) => {
        const found = face(celebrity.Face);
        return {
          name: celebrity.Name ?? '',
          id: celebrity.Id ?? '',
          urls: celebrity.Urls ?? [],
          matchConfidence: celebrity.MatchConfidence ?? 0,
          face: {
            boundingBox: found.boundingBox,
            confidence: found.confidence,
            landmarks: found.landmarks,
            pose: found.pose,
          },
        };
      }),
      unrecognized: (response.UnrecognizedFaces ?? []).map((wire) => face(wire)),
    };
  }

  async detectModerationLabels(
    input: ImageInput,
    options: { minConfidence?: number } = {},
  ): Promise<ModerationLabel[]> {
    const response = await this.send<{ ModerationLabels?: WireModerationLabel[] }>(
      new DetectModerationLabelsCommand({
        Image: image(input),
        ...(options.minConfidence !== undefined ? { MinConfidence: options.minConfidence } : {}),
      }),
    );
    return (response.ModerationLabels ?? []).map((wire) => moderation(wire));
  }

  async detectText(input: ImageInput, options: { minConfidence?: number } = {}): Promise<TextDetection[]> {
    const response = await this.send<{ TextDetections?: WireTextDetection[] }>(
      new DetectTextCommand({
        Image: image(input),
        ...(options.minConfidence !== undefined
          ? { Filters: { WordFilter: { MinConfidence: options.minConfidence } } }
          : {}),
      }),
    );
    return (response.TextDetections ?? []).map((wire) => text(wire));
  }

  /**
   * An image analysis with the service's defaults (no attributes, filters or limits asked for), answered as the
   * service sent it, for callers that keep the service's own response. `faceSearch` needs a collection.
   */
  async imageAnalysisResponse(
    kind: ImageAnalysisKind,
    input: ImageInput,
    options: { collectionId?: string } = {},
  ): Promise<Record<string, unknown>> {
    const Image = image(input);
    const command = {
      labels: () => new DetectLabelsCommand({ Image }),
      faces: () => new DetectFacesCommand({ Image }),
      celebrities: () => new RecognizeCelebritiesCommand({ Image }),
      moderation: () => new DetectModerationLabelsCommand({ Image }),
      text: () => new DetectTextCommand({ Image }),
      faceSearch: () => new SearchFacesByImageCommand({ CollectionId: options.collectionId ?? '', Image }),
    }[kind]();
    return withoutSdkMetadata(await this.send<object>(command));
  }

  // --- face collections

  async createCollection(collectionId: string): Promise<{ arn: string }> {
    const response = await this.send<{ CollectionArn?: string }>(
      new CreateCollectionCommand({ CollectionId: collectionId }),
    );
    return { arn: response.CollectionArn ?? '' };
  }

  async deleteCollection(collectionId: string): Promise<void> {
    await this.send(new DeleteCollectionCommand({ CollectionId: collectionId }));
  }

  /** The collection's ARN and size; fails with `ResourceNotFoundException` when there is no such collection. */
  async describeCollection(collectionId: string): Promise<FaceCollectionInfo> {
    const response = await this.send<{ CollectionARN?: string; FaceCount?: number; FaceModelVersion?: string }>(
      new DescribeCollectionCommand({ CollectionId: collectionId }),
    );
    return {
      arn: response.CollectionARN ?? '',
      faceCount: response.FaceCount ?? 0,
      faceModelVersion: response.FaceModelVersion ?? '',
    };
  }

  /** Every collection id, all pages read. */
  async listCollections(): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const response = await this.send<{ CollectionIds?: string[]; NextToken?: string }>(
        new ListCollectionsCommand({ ...(token ? { NextToken: token } : {}) }),
      );
      ids.push(...(response.CollectionIds ?? []));
      token = response.NextToken;
    } while (token);
    return ids;
  }

  async indexFaces(
    collectionId: string,
    input: ImageInput,
    options: {
      externalImageId?: string;
      maxFaces?: number;
      qualityFilter?: 'NONE' | 'AUTO' | 'LOW' | 'MEDIUM' | 'HIGH';
    } = {},
  ): Promise<{ indexed: IndexedFace[]; unindexed: UnindexedFace[] }> {
    const response = await this.send<{
      FaceRecords?: { Face?: Face }[];
      UnindexedFaces?: { Reasons?: string[]; FaceDetail?: FaceDetail }[];
    }>(
      new IndexFacesCommand({
        CollectionId: collectionId,
        Image: image(input),
        DetectionAttributes: ['ALL'],
        ...(options.externalImageId ? { ExternalImageId: options.externalImageId } : {}),
        ...(options.maxFaces !== undefined ? { MaxFaces: options.maxFaces } : {}),
        ...(options.qualityFilter ? { QualityFilter: options.qualityFilter } : {}),
      }),
    );
    return {
      indexed: (response.FaceRecords ?? []).map((record) => indexedFace(record.Face)),
      unindexed: (response.UnindexedFaces ?? []).map((unindexed) => ({
        reasons: unindexed.Reasons ?? [],
        face: face(unindexed.FaceDetail),
      })),
    };
  }

  /** The collection's faces most like the largest face in the image. */
  async searchFacesByImage(
    collectionId: string,
    input: ImageInput,
    options: { faceMatchThreshold?: number; maxFaces?: number } = {},
  ): Promise<{ searchedFace: BoundingBox; matches: FaceMatch[] }> {
    const response = await this.send<{
      SearchedFaceBoundingBox?: WireBox;
      FaceMatches?: { Similarity?: number; Face?: Face }[];
    }>(
      new SearchFacesByImageCommand({
        CollectionId: collectionId,
        Image: image(input),
        ...(options.faceMatchThreshold !== undefined ? { FaceMatchThreshold: options.faceMatchThreshold } : {}),
        ...(options.maxFaces !== undefined ? { MaxFaces: options.maxFaces } : {}),
      }),
    );
    return {
      searchedFace: box(response.SearchedFaceBoundingBox),
      matches: (response.FaceMatches ?? []).map((match) => ({
        similarity: match.Similarity ?? 0,
        face: indexedFace(match.Face),
      })),
    };
  }

  async searchFaces(
    collectionId: string,
    faceId: string,
    options: { faceMatchThreshold?: number; maxFaces?: number } = {},
  ): Promise<FaceMatch[]> {
    const response = await this.send<{ FaceMatches?: { Similarity?: number; Face?: Face }[] }>(
      new SearchFacesCommand({
        CollectionId: collectionId,
        FaceId: faceId,
        ...(options.faceMatchThreshold !== undefined ? { FaceMatchThreshold: options.faceMatchThreshold } : {}),
        ...(options.maxFaces !== undefined ? { MaxFaces: options.maxFaces } : {}),
      }),
    );
    return (response.FaceMatches ?? []).map((match) => ({
      similarity: match.Similarity ?? 0,
      face: indexedFace(match.Face),
    }));
  }

  /** Every face of the collection, all pages read. */
  async listFaces(collectionId: string, options: { pageSize?: number } = {}): Promise<IndexedFace[]> {
    const faces: IndexedFace[] = [];
    let token: string | undefined;
    do {
      const page = await this.listFacesPage(collectionId, { ...options, ...(token ? { nextToken: token } : {}) });
      faces.push(...page.faces);
      token = page.nextToken;
    } while (token);
    return faces;
  }

  /** One page of the collection's faces, for callers that page through it themselves. */
  async listFacesPage(
    collectionId: string,
    options: { pageSize?: number; nextToken?: string } = {},
  ): Promise<{ faces: IndexedFace[]; nextToken?: string }> {
    const response = await this.send<{ Faces?: Face[]; NextToken?: string }>(
      new ListFacesCommand({
        CollectionId: collectionId,
        ...(options.pageSize ? { MaxResults: options.pageSize } : {}),
        ...(options.nextToken ? { NextToken: options.nextToken } : {}),
      }),
    );
    return {
      faces: (response.Faces ?? []).map(indexedFace),
      ...(response.NextToken ? { nextToken: response.NextToken } : {}),
    };
  }

  async deleteFaces(
    collectionId: string,
    faceIds: readonly string[],
  ): Promise<{ deleted: string[]; notFound: string[] }> {
    const response = await this.send<{ DeletedFaces?: string[]; UnsuccessfulFaceDeletions?: { FaceId?: string }[] }>(
      new DeleteFacesCommand({ CollectionId: collectionId, FaceIds: [...faceIds] }),
    );
    return {
      deleted: response.DeletedFaces ?? [],
      notFound: (response.UnsuccessfulFaceDeletions ?? []).map((failure) => failure.FaceId ?? ''),
    };
  }

  // --- stored videos

  /** Starts a stored-video analysis; returns its job id. */
  async startVideoAnalysis(
    kind: VideoAnalysisKind,
    input: VideoInput,
    options: VideoAnalysisOptions = {},
  ): Promise<string> {
    const common = {
      Video: video(input),
      ...(options.clientRequestToken ? { ClientRequestToken: options.clientRequestToken } : {}),
      ...(options.jobTag ? { JobTag: options.jobTag } : {}),
      ...(options.notificationChannel
        ? {
            NotificationChannel: {
              SNSTopicArn: options.notificationChannel.snsTopicArn,
              RoleArn: options.notificationChannel.roleArn,
            },
          }
        : {}),
    };
    const minConfidence = options.minConfidence !== undefined ? { MinConfidence: options.minConfidence } : {};
    const command = {
      labels: () => new StartLabelDetectionCommand({ ...common, ...minConfidence }),
      faces: () => new StartFaceDetectionCommand({ ...common, FaceAttributes: options.faceAttributes ?? 'DEFAULT' }),
      celebrities: () => new StartCelebrityRecognitionCommand(common),
      moderation: () => new StartContentModerationCommand({ ...common, ...minConfidence }),
      text: () => new StartTextDetectionCommand(common),
      segments: () =>
        new StartSegmentDetectionCommand({
          ...common,
          SegmentTypes: [...(options.segmentTypes ?? ['SHOT', 'TECHNICAL_CUE'])],
        }),
      faceSearch: () => {
        if (!options.collectionId) throw new TypeError('faceSearch needs a collectionId');
        return new StartFaceSearchCommand({
          ...common,
          CollectionId: options.collectionId,
          ...(options.faceMatchThreshold !== undefined ? { FaceMatchThreshold: options.faceMatchThreshold } : {}),
        });
      },
      persons: () => new StartPersonTrackingCommand(common),
    }[kind]();
    const response = await this.send<{ JobId?: string }>(command);
    return response.JobId ?? '';
  }

  /** A job's state and, once it succeeded, all of its results (every page read). */
  async getVideoAnalysis<K extends VideoAnalysisKind>(
    kind: K,
    jobId: string,
    options: GetVideoOptions = {},
  ): Promise<VideoAnalysis<K>> {
    const findings: VideoFindings[K][] = [];
    let token: string | undefined;
    let first: GetPage | undefined;
    do {
      const request = {
        JobId: jobId,
        MaxResults: options.pageSize ?? 1000,
        ...(token ? { NextToken: token } : {}),
      };
      const page = await this.getPage(kind, request, options.sortBy);
      first ??= page.page;
      findings.push(...(page.findings as VideoFindings[K][]));
      token = page.page.JobStatus === 'SUCCEEDED' ? page.page.NextToken : undefined;
    } while (token);
    const video = videoInfo(first?.VideoMetadata);
    return {
      kind,
      jobId,
      status: (first?.JobStatus ?? 'IN_PROGRESS') as VideoJobStatus,
      ...(first?.StatusMessage ? { statusMessage: first.StatusMessage } : {}),
      ...(video ? { video } : {}),
      findings,
    };
  }

  /**
   * One `Get*` page of a job as the service sent it: the state, and once the job succeeded up to `pageSize` results
   * (the service's default, 1000, when not given) with the token of the next page.
   */
  async getVideoAnalysisPage(
    kind: VideoAnalysisKind,
    jobId: string,
    options: GetVideoOptions & { nextToken?: string } = {},
  ): Promise<VideoAnalysisPage> {
    const request = {
      JobId: jobId,
      ...(options.pageSize !== undefined ? { MaxResults: options.pageSize } : {}),
      ...(options.nextToken ? { NextToken: options.nextToken } : {}),
    };
    let page: GetPage;
    try {
      page = (await this.getPage(kind, request, options.sortBy)).page;
    } catch (error) {
      if (serviceErrorCode(error) === 'InvalidPaginationTokenException') {
        throw new InvalidPageTokenError((error as Error).message);
      }
      throw error;
    }
    return {
      status: page.JobStatus ?? 'IN_PROGRESS',
      ...(page.StatusMessage ? { statusMessage: page.StatusMessage } : {}),
      ...(page.NextToken ? { nextToken: page.NextToken } : {}),
      response: withoutSdkMetadata(page),
    };
  }

  /** Polls a job until it ends (with growing waits), then returns its results. */
  async waitForVideoAnalysis<K extends VideoAnalysisKind>(
    kind: K,
    jobId: string,
    options: WaitOptions = {},
  ): Promise<VideoAnalysis<K>> {
    const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
    let wait = options.pollMs ?? 1000;
    for (;;) {
      const analysis = await this.getVideoAnalysis(kind, jobId, options);
      if (analysis.status !== 'IN_PROGRESS') return analysis;
      if (Date.now() + wait > deadline) {
        throw new VideoAnalysisTimeout(`Rekognition job ${jobId} is still in progress`);
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(options.maxPollMs ?? 15_000, wait * 2);
    }
  }

  private async getPage(
    kind: VideoAnalysisKind,
    request: { JobId: string; MaxResults?: number; NextToken?: string },
    sortBy: string | undefined,
  ): Promise<{ page: GetPage; findings: unknown[] }> {
    switch (kind) {
      case 'labels': {
        const page = await this.send<GetLabelDetectionCommandOutput>(
          new GetLabelDetectionCommand({ ...request, ...(sortBy ? { SortBy: sortBy as LabelDetectionSortBy } : {}) }),
        );
        return { page, findings: (page.Labels ?? []).map((entry) => label(entry.Label, entry.Timestamp)) };
      }
      case 'faces': {
        const page = await this.send<GetFaceDetectionCommandOutput>(new GetFaceDetectionCommand(request));
        return { page, findings: (page.Faces ?? []).map((entry) => face(entry.Face, entry.Timestamp)) };
      }
      case 'celebrities': {
        const page = await this.send<GetCelebrityRecognitionCommandOutput>(
          new GetCelebrityRecognitionCommand({
            ...request,
            ...(sortBy ? { SortBy: sortBy as CelebrityRecognitionSortBy } : {}),
          }),
        );
        return {
          page,
          findings: (page.Celebrities ?? []).map((entry): CelebrityRecognition => {
            const found = face(entry.Celebrity?.Face ?? { BoundingBox: entry.Celebrity?.BoundingBox });
            return {
              name: entry.Celebrity?.Name ?? '',
              id: entry.Celebrity?.Id ?? '',
              urls: entry.Celebrity?.Urls ?? [],
              matchConfidence: entry.Celebrity?.Confidence ?? 0,
              face: {
                boundingBox: found.boundingBox,
                confidence: found.confidence,
                landmarks: found.landmarks,
                pose: found.pose,
              },
              timestampMs: entry.Timestamp ?? 0,
            };
          }),
        };
      }
      case 'moderation': {
        const page = await this.send<GetContentModerationCommandOutput>(
          new GetContentModerationCommand({
            ...request,
            ...(sortBy ? { SortBy: sortBy as ContentModerationSortBy } : {}),
          }),
        );
        return {
          page,
          findings: (page.ModerationLabels ?? []).map((entry) => moderation(entry.ModerationLabel, entry.Timestamp)),
        };
      }
      case 'text': {
        const page = await this.send<GetTextDetectionCommandOutput>(new GetTextDetectionCommand(request));
        return {
          page,
          findings: (page.TextDetections ?? []).map((entry) => text(entry.TextDetection, entry.Timestamp)),
        };
      }
      case 'segments': {
        const page = await this.send<GetSegmentDetectionCommandOutput>(new GetSegmentDetectionCommand(request));
        return { page, findings: (page.Segments ?? []).map(segment) };
      }
      case 'faceSearch': {
        const page = await this.send<GetFaceSearchCommandOutput>(
          new GetFaceSearchCommand({ ...request, ...(sortBy ? { SortBy: sortBy as FaceSearchSortBy } : {}) }),
        );
        return {
          page,
          findings: (page.Persons ?? []).map((entry): PersonMatch => ({
            index: entry.Person?.Index ?? 0,
            boundingBox: box(entry.Person?.BoundingBox),
            ...(entry.Person?.Face ? { face: face(entry.Person.Face, entry.Timestamp) } : {}),
            matches: (entry.FaceMatches ?? []).map((match) => ({
              similarity: match.Similarity ?? 0,
              face: indexedFace(match.Face),
            })),
            timestampMs: entry.Timestamp ?? 0,
          })),
        };
      }
      case 'persons': {
        const page = await this.send<GetPersonTrackingCommandOutput>(
          new GetPersonTrackingCommand({
            ...request,
            ...(sortBy ? { SortBy: sortBy as PersonTrackingSortBy } : {}),
          }),
        );
        return {
          page,
          findings: (page.Persons ?? []).map((entry): PersonDetection => ({
            index: entry.Person?.Index ?? 0,
            boundingBox: box(entry.Person?.BoundingBox),
            timestampMs: entry.Timestamp ?? 0,
          })),
        };
      }
    }
  }
}
