import type { ImageAnalysisKind, VideoAnalysisKind, VideoAnalysisOptions } from '../../../shared/ai/rekognition';

/**
 * The original's Rekognition operators, one row per analysis. A video operator and its `…Image` twin share one
 * function in the original, whose `OPERATOR_NAME` is the video operator's name: both store their results in the
 * data plane under that name and report errors under the same metadata key.
 */
export interface RekognitionOperation {
  /** The data plane's operator name (the original's `OPERATOR_NAME`). */
  readonly name: string;
  /** The operator metadata key an error is reported under. */
  readonly errorKey: string;
  readonly video: {
    readonly kind: VideoAnalysisKind;
    readonly options?: VideoAnalysisOptions;
    /** The service's operations, for error messages as the original's SDK words them. */
    readonly start: string;
    readonly get: string;
  };
  /**
   * What an image input gets: an analysis, `'notImplemented'` (the operation completes without results) or none
   * (images are not media this operator reads at all).
   */
  readonly image?: { readonly kind: ImageAnalysisKind; readonly operation: string } | 'notImplemented';
  /** The face collection comes from `Configuration.CollectionId`. */
  readonly needsCollection?: boolean;
}

const OPERATIONS: readonly RekognitionOperation[] = [
  {
    name: 'celebrityRecognition',
    errorKey: 'CelebrityRecognitionError',
    video: { kind: 'celebrities', start: 'StartCelebrityRecognition', get: 'GetCelebrityRecognition' },
    image: { kind: 'celebrities', operation: 'RecognizeCelebrities' },
  },
  {
    name: 'contentModeration',
    errorKey: 'ContentModerationError',
    video: { kind: 'moderation', start: 'StartContentModeration', get: 'GetContentModeration' },
    image: { kind: 'moderation', operation: 'DetectModerationLabels' },
  },
  {
    name: 'faceDetection',
    errorKey: 'FaceDetectionError',
    video: {
      kind: 'faces',
      options: { faceAttributes: 'ALL' },
      start: 'StartFaceDetection',
      get: 'GetFaceDetection',
    },
    image: { kind: 'faces', operation: 'DetectFaces' },
  },
  {
    name: 'faceSearch',
    errorKey: 'FaceSearchError',
    video: { kind: 'faceSearch', start: 'StartFaceSearch', get: 'GetFaceSearch' },
    image: { kind: 'faceSearch', operation: 'SearchFacesByImage' },
    needsCollection: true,
  },
  {
    name: 'labelDetection',
    errorKey: 'LabelDetectionError',
    video: { kind: 'labels', start: 'StartLabelDetection', get: 'GetLabelDetection' },
    image: { kind: 'labels', operation: 'DetectLabels' },
  },
  {
    name: 'personTracking',
    errorKey: 'PersonTrackingError',
    video: { kind: 'persons', start: 'StartPersonTracking', get: 'GetPersonTracking' },
    image: 'notImplemented',
  },
  {
    // The original reports shot detection errors as label detection's and runs label detection on an image.
    name: 'shotDetection',
    errorKey: 'LabelDetectionError',
    video: {
      kind: 'segments',
      options: { segmentTypes: ['SHOT'] },
      start: 'StartSegmentDetection',
      get: 'GetSegmentDetection',
    },
    image: { kind: 'labels', operation: 'DetectLabels' },
  },
  {
    name: 'technicalCueDetection',
    errorKey: 'TechnicalCueDetectionError',
    video: {
      kind: 'segments',
      options: { segmentTypes: ['TECHNICAL_CUE'] },
      start: 'StartSegmentDetection',
      get: 'GetSegmentDetection',
    },
  },
  {
    name: 'textDetection',
    errorKey: 'TextDetectionError',
    video: { kind: 'text', start: 'StartTextDetection', get: 'GetTextDetection' },
    image: { kind: 'text', operation: 'DetectText' },
  },
];

/** The operation behind an operator name: the video operator's own, or its `…Image` twin's. */
export function rekognitionOperation(operatorName: string): RekognitionOperation | undefined {
  const name = operatorName.endsWith('Image') ? operatorName.slice(0, -'Image'.length) : operatorName;
  return OPERATIONS.find((operation) => operation.name === name);
}

/** Extensions the original sends to Rekognition Video, and (for operators that read images) to the image APIs. */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set(['.avi', '.mp4', '.mov']);
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg']);
