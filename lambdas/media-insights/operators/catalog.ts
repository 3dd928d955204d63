import {
  MEDIA_SIZING,
  MEDIAINFO_SIZING,
  type FunctionSizing,
  type MediaFunctionSpec,
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
  'DATAPLANE_HANDLER_ARN' | 'DATAPLANE_BUCKET' | 'WORKFLOW_EXECUTION_TABLE_NAME' | 'SCHEDULER_FUNCTION_ARN';

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
  /** `lambda:InvokeFunction` on `DATAPLANE_HANDLER_ARN`. */
  | 'invokeDataplane'
  /** `dynamodb:UpdateItem` and `dynamodb:GetItem` on `WORKFLOW_EXECUTION_TABLE_NAME`. */
  | 'updateWorkflowExecutions'
  /** `lambda:InvokeFunction` on `SCHEDULER_FUNCTION_ARN`. */
  | 'invokeScheduler';

/** An operator's functions (its start and monitor handlers) are built from its `MediaFunctionSpec`. */
interface OperatorEntry extends MediaFunctionSpec {
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
    tools: ['mediainfo'],
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
    tools: ['mediainfo'],
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
    tools: ['ffmpeg'],
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
export function handlerReferences(operators: readonly CatalogOperator[]): HandlerReference[] {
  const references = operators.flatMap((operator) =>
    operator.monitor === undefined ? [operator.start] : [operator.start, operator.monitor],
  );
  return [...new Set(references)];
}
