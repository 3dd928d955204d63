import {
  MEDIA_SIZING,
  MEDIAINFO_SIZING,
  type FunctionSizing,
  type MediaFunctionSpec,
  type MediaTool,
} from '../../shared/media/function-spec';
import type { OperationConfiguration } from '../workflow/domain/types';

/**
 * The operators mediaplane deploys, for the stack to build one function per distinct handler reference and to
 * register each operator with the workflow API with these defaults. No SDK imports: the stack loads this file.
 *
 * Handler references are `<folder>/handler.ts#<export>`, relative to this file's folder; `functionEntry` turns one
 * into `NodeFunction`'s `entry` (relative to `lambdas/`) and `handler`.
 */

export type HandlerReference = `${string}/handler.ts#${string}`;

/** This folder, relative to `lambdas/`. */
export const OPERATORS_ENTRY_ROOT = 'media-insights/operators';

export function functionEntry(reference: HandlerReference): { entry: string; handler: string } {
  const [file, handler] = reference.split('#') as [string, string];
  return { entry: `${OPERATORS_ENTRY_ROOT}/${file}`, handler };
}

/** Environment variables operator functions read (the standard AWS_ENDPOINT_URL_* ones aside). */
export type OperatorEnvironmentVariable =
  | 'DATAPLANE_HANDLER_ARN'
  | 'DATAPLANE_BUCKET'
  | 'WORKFLOW_EXECUTION_TABLE_NAME'
  | 'SCHEDULER_FUNCTION_ARN'
  /** The role MediaConvert jobs run with (the stack creates it when an operator needs it). */
  | 'MEDIACONVERT_ROLE_ARN'
  /** The role Comprehend analysis jobs read and write S3 with (likewise). */
  | 'COMPREHEND_ROLE_ARN';

/** What a function needs to be granted, in the stack's terms. */
export type OperatorAccess =
  /** `s3:GetObject` (HEAD and ranged GET included) on the buckets the workflow's input media can live in. */
  | 'readInputMedia'
  /** `s3:GetObject` on the bucket and key an execution's `Configuration` names (GenericDataLookup). */
  | 'readConfiguredObject'
  /** `s3:PutObject` and `s3:GetObject` on `DATAPLANE_BUCKET/private/assets/*`. */
  | 'writeAssetOutputs'
  /** `s3:GetObject` on `DATAPLANE_BUCKET/private/assets/*`: media earlier operators made (the proxy encode). */
  | 'readAssetOutputs'
  /**
   * The Rekognition image and stored-video analyses (which have no resource-level permissions), and
   * `DescribeCollection` / `SearchFacesByImage` on this account's face collections.
   */
  | 'analyseWithRekognition'
  /** `mediaconvert:CreateJob` and `GetJob`, and passing the MediaConvert role. */
  | 'transcodeWithMediaConvert'
  /** Transcription jobs of this account (start and get); the function's S3 reads give Transcribe the media. */
  | 'transcribeMedia'
  /** `translate:TranslateText` (with a terminology of this account). */
  | 'translateText'
  /** Polly's voices and synthesis tasks (no resource-level permissions); the tasks write with the caller's rights. */
  | 'synthesizeSpeech'
  /** `comprehend:DetectDominantLanguage` (no resource-level permissions). */
  | 'detectLanguage'
  /** Comprehend entity and key phrase jobs (start, describe), and passing the Comprehend data access role. */
  | 'analyseWithComprehend'
  /** `lambda:InvokeFunction` on `DATAPLANE_HANDLER_ARN`. */
  | 'invokeDataplane'
  /** `dynamodb:UpdateItem` and `dynamodb:GetItem` on `WORKFLOW_EXECUTION_TABLE_NAME`. */
  | 'updateWorkflowExecutions'
  /** `lambda:InvokeFunction` on `SCHEDULER_FUNCTION_ARN`. */
  | 'invokeScheduler';

/**
 * An operator's functions (its start and monitor handlers) are built from its `MediaFunctionSpec`, each with the media
 * tools that handler runs (`handlerSpec`).
 */
interface OperatorEntry extends Omit<MediaFunctionSpec, 'tools'> {
  /**
   * The media tools each handler runs: a monitor that only checks that the outputs exist gets no ffmpeg layer.
   * @default - none
   */
  readonly tools?: { readonly start?: readonly MediaTool[]; readonly monitor?: readonly MediaTool[] };
  readonly Name: string;
  readonly Description: string;
  /** The operation's default configuration, as the original registers it. */
  readonly Configuration: OperationConfiguration;
  readonly environment: readonly OperatorEnvironmentVariable[];
  readonly access: readonly OperatorAccess[];
}

export type CatalogOperator = OperatorEntry &
  (
    | { readonly Type: 'Sync'; readonly start: HandlerReference; readonly monitor?: undefined }
    | { readonly Type: 'Async'; readonly start: HandlerReference; readonly monitor: HandlerReference }
  );

const SMALL: FunctionSizing = { timeoutSeconds: 60, memorySizeMb: 256, ephemeralStorageMb: 512 };

/**
 * The original's Rekognition operators: each video analysis is an Async operator whose monitor pages the job's
 * results into the data plane; most have a Sync `…Image` twin. One start and one monitor function serve them all
 * (the operation's name says which analysis); the original's registration defaults are kept.
 */
const REKOGNITION_FUNCTIONS = {
  environment: ['DATAPLANE_HANDLER_ARN'],
  access: ['readInputMedia', 'readAssetOutputs', 'analyseWithRekognition', 'invokeDataplane'],
  // The monitor stores up to 11 pages of 1000 results per invocation (the original gives it up to 300 s, 512 MB).
  sizing: { timeoutSeconds: 300, memorySizeMb: 512, ephemeralStorageMb: 512 },
} as const;

function rekognitionVideoOperator(Name: string, Description: string, Enabled = true, extra = {}): CatalogOperator {
  return {
    Name,
    Description,
    Type: 'Async',
    Configuration: { MediaType: 'Video', Enabled, ...extra },
    start: 'rekognition/handler.ts#startRekognition',
    monitor: 'rekognition/handler.ts#checkRekognition',
    ...REKOGNITION_FUNCTIONS,
  };
}

function rekognitionImageOperator(Name: string, Description: string, Enabled = true, extra = {}): CatalogOperator {
  return {
    Name,
    Description,
    Type: 'Sync',
    Configuration: { MediaType: 'Image', Enabled, ...extra },
    start: 'rekognition/handler.ts#startRekognition',
    ...REKOGNITION_FUNCTIONS,
  };
}

/** In the original's registration order. */
export const REKOGNITION_OPERATORS: readonly CatalogOperator[] = [
  rekognitionVideoOperator('celebrityRecognition', 'CelebRecognition operator'),
  rekognitionImageOperator('celebrityRecognitionImage', 'CelebRecognition image operator'),
  rekognitionVideoOperator('contentModeration', 'Content moderation operator'),
  rekognitionImageOperator('contentModerationImage', 'Content moderation image operator'),
  rekognitionVideoOperator('faceDetection', 'Face detection operator'),
  rekognitionImageOperator('faceDetectionImage', 'Face detection image operator'),
  rekognitionVideoOperator('faceSearch', 'Face search operator', false, { CollectionId: '' }),
  rekognitionImageOperator('faceSearchImage', 'Face search image operator', false, { CollectionId: '' }),
  rekognitionVideoOperator('labelDetection', 'Label detection operator'),
  rekognitionVideoOperator('technicalCueDetection', 'technicalCueDetection operator'),
  rekognitionVideoOperator('shotDetection', 'shotDetection operator'),
  rekognitionVideoOperator('textDetection', 'Text detection operator'),
  rekognitionImageOperator('textDetectionImage', 'Text Detection image operator'),
  rekognitionImageOperator('labelDetectionImage', 'Label detection image operator'),
  rekognitionVideoOperator('personTracking', 'Person tracking', false),
];

const MEDIA_OPERATOR_SIZING: FunctionSizing = { timeoutSeconds: 300, memorySizeMb: 512, ephemeralStorageMb: 512 };

/**
 * The original's audio, text and caption operators, each a thin mapper over `lambdas/shared/ai/`. Functions are
 * shared the way the original shares them: one Transcribe start and monitor for video and audio, one Comprehend
 * start and monitor for entities and key phrases, one SRT and one VTT writer for both registrations of each.
 */
const CAPTIONS_FUNCTIONS = {
  environment: ['DATAPLANE_HANDLER_ARN', 'DATAPLANE_BUCKET'],
  access: ['readInputMedia', 'writeAssetOutputs', 'invokeDataplane', 'translateText', 'synthesizeSpeech'],
  // TranslateWebCaptions translates line by line in its start function.
  sizing: { timeoutSeconds: 900, memorySizeMb: 512, ephemeralStorageMb: 512 },
} as const;

function transcribeOperator(Name: string, Description: string, MediaType: 'Video' | 'Audio'): CatalogOperator {
  return {
    Name,
    Description,
    Type: 'Async',
    Configuration: { TranscribeLanguage: 'en-US', MediaType, Enabled: true },
    start: 'transcribe/handler.ts#startTranscribe',
    monitor: 'transcribe/handler.ts#checkTranscribe',
    environment: ['DATAPLANE_HANDLER_ARN', 'DATAPLANE_BUCKET'],
    access: ['readInputMedia', 'writeAssetOutputs', 'transcribeMedia', 'invokeDataplane'],
    sizing: MEDIA_OPERATOR_SIZING,
  };
}

function captionsOperator(
  Name: string,
  Description: string,
  Configuration: CatalogOperator['Configuration'],
  start: string,
  monitor?: string,
): CatalogOperator {
  const handler = (name: string): HandlerReference => `captions/handler.ts#${name}`;
  const common = { Name, Description, Configuration, ...CAPTIONS_FUNCTIONS };
  return monitor === undefined
    ? { ...common, Type: 'Sync', start: handler(start) }
    : { ...common, Type: 'Async', start: handler(start), monitor: handler(monitor) };
}

function comprehendOperator(Name: string): CatalogOperator {
  return {
    Name,
    // The original registers both with Polly's description.
    Description: 'Operation name of polly',
    Type: 'Async',
    Configuration: { MediaType: 'Text', Enabled: true },
    start: 'comprehend/handler.ts#startComprehend',
    monitor: 'comprehend/handler.ts#checkComprehend',
    environment: ['DATAPLANE_HANDLER_ARN', 'DATAPLANE_BUCKET', 'COMPREHEND_ROLE_ARN'],
    access: ['readAssetOutputs', 'analyseWithComprehend', 'invokeDataplane'],
    sizing: MEDIA_OPERATOR_SIZING,
  };
}

/** In the original's registration order. */
export const LANGUAGE_OPERATORS: readonly CatalogOperator[] = [
  {
    Name: 'Mediaconvert',
    Description: 'Operation name of mediaconvert',
    Type: 'Async',
    Configuration: { MediaType: 'Video', Enabled: true },
    start: 'mediaconvert/handler.ts#startMediaconvert',
    monitor: 'mediaconvert/handler.ts#checkMediaconvert',
    environment: ['DATAPLANE_BUCKET', 'MEDIACONVERT_ROLE_ARN'],
    access: ['transcodeWithMediaConvert'],
    sizing: SMALL,
  },
  transcribeOperator('TranscribeAudio', 'Operation name of transcribe for audio', 'Audio'),
  transcribeOperator('TranscribeVideo', 'Operation name of transcribe for video', 'Video'),
  captionsOperator(
    'WebCaptions',
    'Operation to create web captions',
    { MediaType: 'MetadataOnly', SourceLanguageCode: 'en', Enabled: true },
    'webCaptions',
  ),
  captionsOperator(
    'PollyWebCaptions',
    'Operation to create audio tracks from webcaptions collection transcripts',
    { MediaType: 'MetadataOnly', SourceLanguageCode: 'en', Enabled: true },
    'startPollyWebCaptions',
    'checkPollyWebCaptions',
  ),
  captionsOperator(
    'CreateSRTCaptions',
    'Operation to create SRT captions',
    { MediaType: 'Text', Enabled: true },
    'createSrt',
  ),
  captionsOperator(
    'CreateVTTCaptions',
    'Operation to create VTT captions',
    { MediaType: 'Text', Enabled: true },
    'createVtt',
  ),
  captionsOperator(
    'WebToSRTCaptions',
    'Operation to convert web captions to SRT format',
    { MediaType: 'MetadataOnly', TargetLanguageCodes: ['en'], Enabled: true },
    'createSrt',
  ),
  captionsOperator(
    'WebToVTTCaptions',
    'Operation to convert web captions to VTT format',
    { MediaType: 'MetadataOnly', TargetLanguageCodes: ['en'], Enabled: true },
    'createVtt',
  ),
  {
    Name: 'Translate',
    Description: 'Operation name of translate',
    Type: 'Sync',
    Configuration: { MediaType: 'Text', TargetLanguageCode: 'ru', Enabled: true, SourceLanguageCode: 'en' },
    start: 'translate/handler.ts#translate',
    environment: ['DATAPLANE_HANDLER_ARN'],
    access: ['readAssetOutputs', 'translateText', 'invokeDataplane'],
    sizing: MEDIA_OPERATOR_SIZING,
  },
  captionsOperator(
    'TranslateWebCaptions',
    'Operation name of translate WebCaptions',
    { MediaType: 'MetadataOnly', TargetLanguageCodes: ['es'], Enabled: true, SourceLanguageCode: 'en' },
    'startTranslateWebCaptions',
    'checkTranslateWebCaptions',
  ),
  {
    Name: 'Polly',
    Description: 'Operation name of polly',
    Type: 'Async',
    Configuration: { MediaType: 'Text', Enabled: false },
    start: 'polly/handler.ts#startPolly',
    monitor: 'polly/handler.ts#checkPolly',
    environment: [],
    access: ['readAssetOutputs', 'writeAssetOutputs', 'detectLanguage', 'synthesizeSpeech'],
    sizing: SMALL,
  },
  comprehendOperator('ComprehendKeyPhrases'),
  comprehendOperator('ComprehendEntities'),
];

/** The operators the original registers in its operator library that mediaplane implements offline. */
export const BUILT_IN_OPERATORS: readonly CatalogOperator[] = [
  {
    Name: 'GenericDataLookup',
    Description: 'Stores a JSON document from S3 (Configuration Bucket and Key) as the operation metadata',
    Type: 'Sync',
    Configuration: { MediaType: 'Video', Enabled: false },
    start: 'generic-data-lookup/handler.ts#handler',
    environment: ['DATAPLANE_HANDLER_ARN'],
    access: ['readConfiguredObject', 'invokeDataplane'],
    sizing: { ...SMALL, timeoutSeconds: 300 },
  },
  {
    Name: 'Mediainfo',
    Description: 'MediaInfo description of the video, stored in the data plane',
    Type: 'Sync',
    Configuration: { MediaType: 'Video', Enabled: true },
    start: 'mediainfo/handler.ts#handler',
    tools: { start: ['mediainfo'] },
    environment: ['DATAPLANE_HANDLER_ARN'],
    access: ['readInputMedia', 'invokeDataplane'],
    sizing: MEDIAINFO_SIZING,
  },
  {
    Name: 'MediainfoImage',
    Description: 'MediaInfo description of the image, stored in the data plane',
    Type: 'Sync',
    Configuration: { MediaType: 'Image', Enabled: true },
    start: 'mediainfo/handler.ts#handler',
    tools: { start: ['mediainfo'] },
    environment: ['DATAPLANE_HANDLER_ARN'],
    access: ['readInputMedia', 'invokeDataplane'],
    sizing: MEDIAINFO_SIZING,
  },
  {
    Name: 'Thumbnail',
    Description: 'Thumbnail, audio track and proxy encode of the video, in the data plane bucket',
    Type: 'Async',
    Configuration: { MediaType: 'Video', Enabled: true },
    start: 'thumbnail/handler.ts#startThumbnail',
    monitor: 'thumbnail/handler.ts#checkThumbnail',
    tools: { start: ['ffmpeg'] },
    environment: ['DATAPLANE_BUCKET'],
    access: ['readInputMedia', 'writeAssetOutputs'],
    sizing: MEDIA_SIZING,
  },
  {
    Name: 'Wait',
    Description: 'Wait operator - wait until /workflow/execution/continue API is called',
    Type: 'Async',
    Configuration: { MediaType: 'MetadataOnly', Enabled: false },
    start: 'wait/handler.ts#startWaitOperation',
    monitor: 'wait/handler.ts#checkWaitOperation',
    environment: ['WORKFLOW_EXECUTION_TABLE_NAME', 'SCHEDULER_FUNCTION_ARN'],
    access: ['updateWorkflowExecutions', 'invokeScheduler'],
    sizing: SMALL,
  },
  ...REKOGNITION_OPERATORS,
  ...LANGUAGE_OPERATORS,
];

function testOperator(
  Name: string,
  MediaType: 'Video' | 'Audio' | 'Image' | 'Text',
  start: string,
  monitor?: string,
): CatalogOperator {
  const common = {
    Name,
    Description: `Test operation ${Name}: touches no service, only passes metadata and made-up media on`,
    Configuration: { MediaType, Enabled: true },
    environment: [],
    access: [],
    sizing: SMALL,
  } as const;
  const handler = (name: string): HandlerReference => `test-operators/handler.ts#${name}`;
  return monitor === undefined
    ? { ...common, Type: 'Sync', start: handler(start) }
    : { ...common, Type: 'Async', start: handler(start), monitor: handler(monitor) };
}

/**
 * The original's test operators (its test stack deploys the functions; its integration tests register them under
 * these names). Async ones take `Configuration.TestMonitorPolls` monitor calls (default 1) to finish.
 */
export const TEST_OPERATORS: readonly CatalogOperator[] = [
  testOperator('video-test-sync', 'Video', 'videoSyncOk'),
  testOperator('video-test-sync-fail', 'Video', 'videoSyncFail'),
  testOperator('video-test-async', 'Video', 'videoAsyncOk', 'videoAsyncOkMonitor'),
  testOperator('video-test-async-fail', 'Video', 'videoAsyncOk', 'videoAsyncFailMonitor'),
  testOperator('audio-test-sync', 'Audio', 'audioSyncOk'),
  testOperator('audio-test-async', 'Audio', 'audioAsyncOk', 'audioAsyncOkMonitor'),
  testOperator('image-test-sync', 'Image', 'imageSyncOk'),
  testOperator('image-test-async', 'Image', 'imageAsyncOk', 'imageAsyncOkMonitor'),
  testOperator('text-test-sync', 'Text', 'textSyncOk'),
  testOperator('text-test-async', 'Text', 'textAsyncOk', 'textAsyncOkMonitor'),
];

/** Every handler reference of the given operators, once each: one function per entry. */
/** The function spec of one of the operator's handlers: the operator's, with that handler's tools. */
export function handlerSpec(operator: CatalogOperator, reference: HandlerReference): MediaFunctionSpec {
  const tools = reference === operator.start ? operator.tools?.start : operator.tools?.monitor;
  return { sizing: operator.sizing, copyFiles: operator.copyFiles, tools };
}

export function handlerReferences(operators: readonly CatalogOperator[]): HandlerReference[] {
  const references = operators.flatMap((operator) =>
    operator.monitor === undefined ? [operator.start] : [operator.start, operator.monitor],
  );
  return [...new Set(references)];
}
