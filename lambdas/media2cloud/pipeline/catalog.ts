/**
 * The Media2Cloud pipeline's Lambda functions and state machines, for the stack to generate them from. No SDK
 * imports: the stack loads this file.
 *
 * - `entry` is relative to `lambdas/` (`NodeFunction`'s `entry`), `handler` the exported name.
 * - `substitution` is the ASL `definitionSubstitutions` key whose value is the function's ARN.
 * - sizing, media tools and bundled files: a `MediaFunctionSpec` (`shared/media/function-spec.ts`).
 */

import {
  MEDIA_SIZING,
  MEDIAINFO_SIZING,
  type FunctionSizing,
  type MediaFunctionSpec,
} from '../../shared/media/function-spec';

/** Environment variables pipeline functions read (the standard AWS_* ones aside). */
export type PipelineEnvironmentVariable =
  /** The ingest table (partition key `uuid`). */
  | 'INGEST_TABLE_NAME'
  /** The analysis table (partition key `uuid`, sort key `type`). */
  | 'AIML_TABLE_NAME'
  /** The face indexer table (partition key `faceId`): the names of the collections' faces. */
  | 'FACEINDEXER_TABLE_NAME'
  /** Where uploads land. */
  | 'INGEST_BUCKET'
  /** Proxies, analysis results and `_settings/aioptions.json`. */
  | 'PROXY_BUCKET'
  /** OpenSearch endpoint (`https://…` or a local OpenSearch-compatible one); SigV4 service `es`. */
  | 'SEARCH_ENDPOINT'
  /** Stack default `aiOptions`: a JSON object, or the original's `v4.default`/`v4.all`/comma list. */
  | 'DEFAULT_AI_OPTIONS'
  /** The main state machine, which the S3 event handler starts. */
  | 'MAIN_STATE_MACHINE_ARN'
  /** The role ingest's MediaConvert jobs run with (reads the ingest bucket, writes the proxy bucket). */
  | 'MEDIACONVERT_ROLE_ARN';

/** What a function needs to be granted, in the stack's terms. */
export type PipelineAccess =
  /** `s3:GetObject` (HEAD, ranged GET, presigned GET) and `s3:ListBucket` on `INGEST_BUCKET`. */
  | 'readIngestBucket'
  /** `s3:GetObject` and `s3:ListBucket` on `PROXY_BUCKET`. */
  | 'readProxyBucket'
  /** `s3:PutObject` on `PROXY_BUCKET`. */
  | 'writeProxyBucket'
  /** `s3:DeleteObject` and `s3:ListBucket` on `PROXY_BUCKET`. */
  | 'deleteProxyObjects'
  /** `dynamodb:GetItem`, `UpdateItem`, `DeleteItem` on `INGEST_TABLE_NAME`. */
  | 'ingestTable'
  /** `dynamodb:UpdateItem`, `Query`, `BatchWriteItem` on `AIML_TABLE_NAME`. */
  | 'aimlTable'
  /** `dynamodb:BatchGetItem` on `FACEINDEXER_TABLE_NAME`: face names for face matches. */
  | 'readFaceIndexerTable'
  /** `es:ESHttpGet`, `ESHttpPut`, `ESHttpPost`, `ESHttpDelete` on the `content` index. */
  | 'searchIndex'
  /** `states:StartExecution` on `MAIN_STATE_MACHINE_ARN`. */
  | 'startMainExecution'
  /** `mediaconvert:CreateJob` and `iam:PassRole` of the MediaConvert role (`MEDIACONVERT_ROLE_ARN`). */
  | 'startMediaConvertJobs'
  /** `states:SendTaskSuccess` and `states:SendTaskFailure` on the ingest state machine. */
  | 'completeTranscodeTasks'
  /** `states:DescribeExecution` and `states:StopExecution` on executions of the three state machines. */
  | 'stopExecutions'
  /** states:DescribeExecution on the pipeline's executions (which child a run left the asset on). */
  | 'describeExecutions'
  /**
   * The AI analyses: Rekognition image, stored-video and face-search calls, Transcribe transcription jobs, Comprehend
   * detection, Textract text detection (the services read and write the proxy bucket with the function's rights).
   */
  | 'analyseWithAi';

export interface PipelineFunction extends MediaFunctionSpec {
  /** Construct id, also the base of the function's name. */
  readonly id: string;
  readonly description: string;
  readonly entry: string;
  readonly handler: string;
  readonly environment: readonly PipelineEnvironmentVariable[];
  readonly access: readonly PipelineAccess[];
  /** The ASL substitution the function's ARN fills; absent for functions no state machine calls. */
  readonly substitution?: `${string}FunctionArn`;
}

const INGEST = 'media2cloud/pipeline/ingest/handler.ts';
const ANALYSIS = 'media2cloud/pipeline/analysis/handler.ts';
const ANALYZER = 'media2cloud/pipeline/analysis/analyzer-handler.ts';

const SMALL: FunctionSizing = { timeoutSeconds: 60, memorySizeMb: 512, ephemeralStorageMb: 512 };

export const PIPELINE_FUNCTIONS: readonly PipelineFunction[] = [
  {
    id: 'CreateRecord',
    description: 'Media2Cloud ingest: checks the upload, detects its type, resolves aiOptions, writes the record',
    entry: INGEST,
    handler: 'createRecord',
    environment: ['INGEST_TABLE_NAME', 'PROXY_BUCKET', 'SEARCH_ENDPOINT', 'DEFAULT_AI_OPTIONS'],
    access: ['readIngestBucket', 'readProxyBucket', 'ingestTable', 'searchIndex'],
    sizing: SMALL,
    substitution: 'CreateRecordFunctionArn',
  },
  {
    id: 'Fixity',
    description: 'Media2Cloud ingest: streams the upload through MD5 and checks it against x-amz-meta-md5 or the ETag',
    entry: INGEST,
    handler: 'fixity',
    environment: ['INGEST_TABLE_NAME'],
    access: ['readIngestBucket', 'ingestTable'],
    sizing: { timeoutSeconds: 900, memorySizeMb: 1024, ephemeralStorageMb: 512 },
    substitution: 'FixityFunctionArn',
  },
  {
    id: 'RunMediainfo',
    description:
      'Media2Cloud ingest: MediaInfo of video and audio by ranged reads, ffprobe for embedded captions; re-types video without video',
    entry: INGEST,
    handler: 'runMediainfo',
    // ffprobe finds the CEA-608/708 captions MediaInfo may miss (`media/captions.ts`).
    tools: ['mediainfo', 'ffmpeg'],
    environment: ['INGEST_TABLE_NAME'],
    access: ['readIngestBucket', 'writeProxyBucket', 'ingestTable'],
    sizing: MEDIAINFO_SIZING,
    substitution: 'RunMediainfoFunctionArn',
  },
  {
    id: 'StartTranscode',
    description:
      'Media2Cloud ingest: submits the MediaConvert job for video and long audio proxies, frame captures and captions',
    entry: 'media2cloud/pipeline/ingest/transcode-handler.ts',
    handler: 'startTranscode',
    environment: ['MEDIACONVERT_ROLE_ARN'],
    access: ['startMediaConvertJobs'],
    sizing: SMALL,
    substitution: 'StartTranscodeFunctionArn',
  },
  {
    id: 'TranscodeAudio',
    description: 'Media2Cloud ingest: AAC proxy and cover art of short audio with ffmpeg',
    entry: INGEST,
    handler: 'transcodeAudio',
    tools: ['ffmpeg'],
    environment: [],
    access: ['readIngestBucket', 'writeProxyBucket'],
    sizing: MEDIA_SIZING,
    substitution: 'TranscodeAudioFunctionArn',
  },
  {
    id: 'RunImageinfo',
    description: 'Media2Cloud ingest: EXIF/XMP/IPTC to imageinfo, JPEG preview and thumbnail with ffmpeg',
    entry: INGEST,
    handler: 'runImageinfo',
    tools: ['ffmpeg'],
    environment: ['INGEST_TABLE_NAME'],
    access: ['readIngestBucket', 'writeProxyBucket', 'ingestTable'],
    sizing: { timeoutSeconds: 300, memorySizeMb: 2048, ephemeralStorageMb: 2048 },
    substitution: 'RunImageinfoFunctionArn',
  },
  {
    id: 'RunDocinfo',
    description: 'Media2Cloud ingest: PDF page count, fingerprint and Info entries to docinfo, each page as a PNG',
    entry: 'media2cloud/pipeline/ingest/docinfo-handler.ts',
    handler: 'runDocinfo',
    tools: ['pdfjs', 'canvas'],
    environment: ['INGEST_TABLE_NAME'],
    access: ['readIngestBucket', 'writeProxyBucket', 'ingestTable'],
    sizing: { timeoutSeconds: 900, memorySizeMb: 2048, ephemeralStorageMb: 2048 },
    substitution: 'RunDocinfoFunctionArn',
  },
  {
    id: 'IngestCompleted',
    description: 'Media2Cloud ingest: lists proxies into the record, indexes the asset, sets INGEST_COMPLETED',
    entry: INGEST,
    handler: 'ingestCompleted',
    environment: ['INGEST_TABLE_NAME', 'SEARCH_ENDPOINT'],
    access: ['readProxyBucket', 'ingestTable', 'searchIndex'],
    sizing: SMALL,
    substitution: 'IngestCompletedFunctionArn',
  },
  {
    id: 'TranscodeJobEnded',
    description: 'Media2Cloud ingest: ends the task waiting for a MediaConvert job when the job completes or fails',
    entry: INGEST,
    handler: 'transcodeJobEnded',
    environment: [],
    access: ['completeTranscodeTasks'],
    sizing: SMALL,
  },
  {
    id: 'PrepareAnalysis',
    description:
      'Media2Cloud analysis: resolves aiOptions, plans analyzers, drops the last results, sets ANALYSIS_STARTED',
    entry: ANALYSIS,
    handler: 'prepareAnalysis',
    environment: ['INGEST_TABLE_NAME', 'AIML_TABLE_NAME', 'PROXY_BUCKET', 'SEARCH_ENDPOINT', 'DEFAULT_AI_OPTIONS'],
    access: ['readProxyBucket', 'ingestTable', 'aimlTable', 'searchIndex'],
    sizing: SMALL,
    substitution: 'PrepareAnalysisFunctionArn',
  },
  {
    id: 'RunAnalyzer',
    description:
      'Media2Cloud analysis: runs one analyzer (Rekognition, Transcribe, Comprehend, Textract, subtitles, page text, tags)',
    entry: ANALYZER,
    handler: 'runAnalyzer',
    tools: ['ffmpeg', 'pdfjs'],
    environment: ['SEARCH_ENDPOINT', 'FACEINDEXER_TABLE_NAME'],
    access: [
      'readIngestBucket',
      'readProxyBucket',
      'writeProxyBucket',
      'searchIndex',
      'analyseWithAi',
      'readFaceIndexerTable',
    ],
    sizing: MEDIA_SIZING,
    substitution: 'RunAnalyzerFunctionArn',
  },
  {
    id: 'AnalysisCompleted',
    description: 'Media2Cloud analysis: writes the analysis records, sets ANALYSIS_COMPLETED and COMPLETED',
    entry: ANALYSIS,
    handler: 'analysisCompleted',
    environment: ['INGEST_TABLE_NAME', 'AIML_TABLE_NAME', 'SEARCH_ENDPOINT'],
    access: ['ingestTable', 'aimlTable', 'searchIndex'],
    sizing: SMALL,
    substitution: 'AnalysisCompletedFunctionArn',
  },
  {
    id: 'RecordError',
    description: 'Media2Cloud: records a failed ingest or analysis on the asset (ERROR, errorMessage)',
    entry: 'media2cloud/pipeline/status/handler.ts',
    handler: 'recordError',
    environment: ['INGEST_TABLE_NAME', 'SEARCH_ENDPOINT'],
    access: ['ingestTable', 'searchIndex'],
    sizing: SMALL,
    substitution: 'RecordErrorFunctionArn',
  },
  {
    id: 'ExecutionEnded',
    description: 'Media2Cloud: marks the asset of a run that failed, timed out or was stopped (ERROR, errorMessage)',
    entry: 'media2cloud/pipeline/status/handler.ts',
    handler: 'executionEnded',
    environment: ['INGEST_TABLE_NAME', 'SEARCH_ENDPOINT'],
    access: ['ingestTable', 'searchIndex', 'describeExecutions'],
    sizing: SMALL,
  },
  {
    id: 'AssetRemoval',
    description: 'Media2Cloud: removes an asset (stops its execution, deletes records, proxies, search document)',
    entry: 'media2cloud/pipeline/removal/handler.ts',
    handler: 'handler',
    environment: ['INGEST_TABLE_NAME', 'AIML_TABLE_NAME', 'PROXY_BUCKET', 'SEARCH_ENDPOINT'],
    access: ['ingestTable', 'aimlTable', 'readProxyBucket', 'deleteProxyObjects', 'searchIndex', 'stopExecutions'],
    sizing: { timeoutSeconds: 300, memorySizeMb: 512, ephemeralStorageMb: 512 },
  },
  {
    id: 'S3Event',
    description: 'Media2Cloud: starts ingest for media uploaded to the ingest bucket',
    entry: 'media2cloud/pipeline/s3-event/handler.ts',
    handler: 'handler',
    environment: ['INGEST_BUCKET', 'PROXY_BUCKET', 'MAIN_STATE_MACHINE_ARN'],
    access: ['readIngestBucket', 'startMainExecution'],
    sizing: SMALL,
  },
];

/** Where a substitution's value comes from: a function's ARN or a state machine's ARN. */
export type SubstitutionSource = { readonly function: string } | { readonly stateMachine: string };

export interface PipelineStateMachine {
  readonly id: string;
  /** Repository-relative ASL file, for `DefinitionBody.fromFile`. */
  readonly file: string;
  /** Every `${Name}` in the file and where its value comes from. */
  readonly substitutions: Readonly<Record<string, SubstitutionSource>>;
  /** The substitution other state machines use for this one's ARN. */
  readonly substitution?: `${string}StateMachineArn`;
}

function functionSubstitutions(...ids: string[]): Record<string, SubstitutionSource> {
  return Object.fromEntries(
    ids.map((id) => {
      const fn = PIPELINE_FUNCTIONS.find((each) => each.id === id);
      if (!fn?.substitution) throw new Error(`pipeline function ${id} has no substitution`);
      return [fn.substitution, { function: id }];
    }),
  );
}

export const PIPELINE_STATE_MACHINES: readonly PipelineStateMachine[] = [
  {
    id: 'Ingest',
    file: 'statemachines/m2c-ingest.asl.json',
    substitution: 'IngestStateMachineArn',
    substitutions: functionSubstitutions(
      'CreateRecord',
      'Fixity',
      'RunMediainfo',
      'StartTranscode',
      'TranscodeAudio',
      'RunImageinfo',
      'RunDocinfo',
      'IngestCompleted',
      'RecordError',
    ),
  },
  {
    id: 'Analysis',
    file: 'statemachines/m2c-analysis.asl.json',
    substitution: 'AnalysisStateMachineArn',
    substitutions: functionSubstitutions('PrepareAnalysis', 'RunAnalyzer', 'AnalysisCompleted', 'RecordError'),
  },
  {
    id: 'Main',
    file: 'statemachines/m2c-main.asl.json',
    substitutions: {
      IngestStateMachineArn: { stateMachine: 'Ingest' },
      AnalysisStateMachineArn: { stateMachine: 'Analysis' },
      ...functionSubstitutions('RecordError'),
    },
  },
];
