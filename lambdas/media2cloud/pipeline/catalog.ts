/**
 * The Media2Cloud pipeline's Lambda functions and state machines, for the stack to generate them from. No SDK
 * imports: the stack loads this file.
 *
 * - `entry` is relative to `lambdas/` (`NodeFunction`'s `entry`), `handler` the exported name.
 * - `substitution` is the ASL `definitionSubstitutions` key whose value is the function's ARN.
 * - `needsFfmpeg`: the bundle needs `bin/ffmpeg` and `bin/ffprobe` (x86-64 builds; deploy the function as x86_64).
 * - `copyFiles`: repository-relative source (a file or a directory) → bundle-relative target, as `NodeFunction`'s
 *   `copyFiles` takes them.
 */

/** Environment variables pipeline functions read (the standard AWS_* ones aside). */
export type PipelineEnvironmentVariable =
  /** The ingest table (partition key `uuid`). */
  | 'INGEST_TABLE_NAME'
  /** The analysis table (partition key `uuid`, sort key `type`). */
  | 'AIML_TABLE_NAME'
  /** Where uploads land. */
  | 'INGEST_BUCKET'
  /** Proxies, analysis results and `_settings/aioptions.json`. */
  | 'PROXY_BUCKET'
  /** OpenSearch endpoint (`https://…` or a local OpenSearch-compatible one); SigV4 service `es`. */
  | 'SEARCH_ENDPOINT'
  /** Stack default `aiOptions`: a JSON object, or the original's `v4.default`/`v4.all`/comma list. */
  | 'DEFAULT_AI_OPTIONS'
  /** The main state machine, which the S3 event handler starts. */
  | 'MAIN_STATE_MACHINE_ARN';

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
  /** `es:ESHttpGet`, `ESHttpPut`, `ESHttpPost`, `ESHttpDelete` on the `content` index. */
  | 'searchIndex'
  /** `states:StartExecution` on `MAIN_STATE_MACHINE_ARN`. */
  | 'startMainExecution'
  /** `states:DescribeExecution` and `states:StopExecution` on executions of the three state machines. */
  | 'stopExecutions';

export type CopyFiles = Readonly<Record<string, string>>;

export interface PipelineFunction {
  /** Construct id, also the base of the function's name. */
  readonly id: string;
  readonly description: string;
  readonly entry: string;
  readonly handler: string;
  readonly needsFfmpeg: boolean;
  /** Runs a native x86-64 binary loaded as a module (deploy as x86_64, like ffmpeg). @default false */
  readonly nativeX64?: boolean;
  readonly copyFiles: CopyFiles;
  /** Modules left out of the bundle, found at run time in the bundle's copied `node_modules`. @default none */
  readonly externalModules?: readonly string[];
  readonly environment: readonly PipelineEnvironmentVariable[];
  readonly access: readonly PipelineAccess[];
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
  /** `/tmp` in MiB (Lambda default 512). */
  readonly ephemeralStorageMb: number;
  /** The ASL substitution the function's ARN fills; absent for functions no state machine calls. */
  readonly substitution?: `${string}FunctionArn`;
}

const FFMPEG_FILES: CopyFiles = {
  'node_modules/@ffmpeg-installer/linux-x64/ffmpeg': 'bin/ffmpeg',
  'node_modules/ffprobe-static/bin/linux/x64/ffprobe': 'bin/ffprobe',
};
/** What pdf.js reads for fonts a PDF does not embed: the 14 standard fonts and the predefined (CJK) CMaps. */
const PDFJS_FILES: CopyFiles = {
  'node_modules/pdfjs-dist/standard_fonts': 'standard_fonts',
  'node_modules/pdfjs-dist/cmaps': 'cmaps',
};
/** pdf.js's font data, and the Skia canvas (loaded at run time from the bundle's `node_modules`). */
const PDF_RENDERER_FILES: CopyFiles = {
  ...PDFJS_FILES,
  'node_modules/@napi-rs/canvas': 'node_modules/@napi-rs/canvas',
  'node_modules/@napi-rs/canvas-linux-x64-gnu': 'node_modules/@napi-rs/canvas-linux-x64-gnu',
};
const MEDIAINFO_FILES: CopyFiles = { 'node_modules/mediainfo.js/dist/MediaInfoModule.wasm': 'MediaInfoModule.wasm' };

const INGEST = 'media2cloud/pipeline/ingest/handler.ts';
const ANALYSIS = 'media2cloud/pipeline/analysis/handler.ts';
const ANALYZER = 'media2cloud/pipeline/analysis/analyzer-handler.ts';

const SMALL = { timeoutSeconds: 60, memorySizeMb: 512, ephemeralStorageMb: 512 } as const;
/** Whole-file work in `/tmp` (Lambda's largest), ffmpeg on every core Lambda gives (they come with memory). */
const MEDIA = { timeoutSeconds: 900, memorySizeMb: 3008, ephemeralStorageMb: 10240 } as const;

export const PIPELINE_FUNCTIONS: readonly PipelineFunction[] = [
  {
    id: 'CreateRecord',
    description: 'Media2Cloud ingest: checks the upload, detects its type, resolves aiOptions, writes the record',
    entry: INGEST,
    handler: 'createRecord',
    needsFfmpeg: false,
    copyFiles: {},
    environment: ['INGEST_TABLE_NAME', 'PROXY_BUCKET', 'SEARCH_ENDPOINT', 'DEFAULT_AI_OPTIONS'],
    access: ['readIngestBucket', 'readProxyBucket', 'ingestTable', 'searchIndex'],
    ...SMALL,
    substitution: 'CreateRecordFunctionArn',
  },
  {
    id: 'Fixity',
    description: 'Media2Cloud ingest: streams the upload through MD5 and checks it against x-amz-meta-md5 or the ETag',
    entry: INGEST,
    handler: 'fixity',
    needsFfmpeg: false,
    copyFiles: {},
    environment: ['INGEST_TABLE_NAME'],
    access: ['readIngestBucket', 'ingestTable'],
    timeoutSeconds: 900,
    memorySizeMb: 1024,
    ephemeralStorageMb: 512,
    substitution: 'FixityFunctionArn',
  },
  {
    id: 'RunMediainfo',
    description: 'Media2Cloud ingest: MediaInfo of video and audio by ranged reads; re-types video without video',
    entry: INGEST,
    handler: 'runMediainfo',
    needsFfmpeg: false,
    copyFiles: MEDIAINFO_FILES,
    environment: ['INGEST_TABLE_NAME'],
    access: ['readIngestBucket', 'writeProxyBucket', 'ingestTable'],
    timeoutSeconds: 300,
    memorySizeMb: 1024,
    ephemeralStorageMb: 512,
    substitution: 'RunMediainfoFunctionArn',
  },
  {
    id: 'TranscodeVideo',
    description: 'Media2Cloud ingest: H.264/AAC and AAC proxies, 480x270 thumbnails and frame captures with ffmpeg',
    entry: INGEST,
    handler: 'transcodeVideo',
    needsFfmpeg: true,
    copyFiles: FFMPEG_FILES,
    environment: [],
    access: ['readIngestBucket', 'writeProxyBucket'],
    ...MEDIA,
    substitution: 'TranscodeVideoFunctionArn',
  },
  {
    id: 'TranscodeAudio',
    description: 'Media2Cloud ingest: AAC proxy and cover art with ffmpeg',
    entry: INGEST,
    handler: 'transcodeAudio',
    needsFfmpeg: true,
    copyFiles: FFMPEG_FILES,
    environment: [],
    access: ['readIngestBucket', 'writeProxyBucket'],
    ...MEDIA,
    substitution: 'TranscodeAudioFunctionArn',
  },
  {
    id: 'RunImageinfo',
    description: 'Media2Cloud ingest: EXIF/XMP/IPTC to imageinfo, JPEG preview and thumbnail with ffmpeg',
    entry: INGEST,
    handler: 'runImageinfo',
    needsFfmpeg: true,
    copyFiles: FFMPEG_FILES,
    environment: ['INGEST_TABLE_NAME'],
    access: ['readIngestBucket', 'writeProxyBucket', 'ingestTable'],
    timeoutSeconds: 300,
    memorySizeMb: 2048,
    ephemeralStorageMb: 2048,
    substitution: 'RunImageinfoFunctionArn',
  },
  {
    id: 'RunDocinfo',
    description: 'Media2Cloud ingest: PDF page count, fingerprint and Info entries to docinfo, each page as a PNG',
    entry: 'media2cloud/pipeline/ingest/docinfo-handler.ts',
    handler: 'runDocinfo',
    needsFfmpeg: false,
    nativeX64: true,
    copyFiles: PDF_RENDERER_FILES,
    externalModules: ['@napi-rs/canvas'],
    environment: ['INGEST_TABLE_NAME'],
    access: ['readIngestBucket', 'writeProxyBucket', 'ingestTable'],
    timeoutSeconds: 900,
    memorySizeMb: 2048,
    ephemeralStorageMb: 2048,
    substitution: 'RunDocinfoFunctionArn',
  },
  {
    id: 'IngestCompleted',
    description: 'Media2Cloud ingest: lists proxies into the record, indexes the asset, sets INGEST_COMPLETED',
    entry: INGEST,
    handler: 'ingestCompleted',
    needsFfmpeg: false,
    copyFiles: {},
    environment: ['INGEST_TABLE_NAME', 'SEARCH_ENDPOINT'],
    access: ['readProxyBucket', 'ingestTable', 'searchIndex'],
    ...SMALL,
    substitution: 'IngestCompletedFunctionArn',
  },
  {
    id: 'PrepareAnalysis',
    description: 'Media2Cloud analysis: resolves aiOptions, plans analyzers, sets ANALYSIS_STARTED',
    entry: ANALYSIS,
    handler: 'prepareAnalysis',
    needsFfmpeg: false,
    copyFiles: {},
    environment: ['INGEST_TABLE_NAME', 'PROXY_BUCKET', 'SEARCH_ENDPOINT', 'DEFAULT_AI_OPTIONS'],
    access: ['readProxyBucket', 'ingestTable', 'searchIndex'],
    ...SMALL,
    substitution: 'PrepareAnalysisFunctionArn',
  },
  {
    id: 'RunAnalyzer',
    description: 'Media2Cloud analysis: runs one analyzer (subtitles, PDF page text, descriptive tags) and indexes it',
    entry: ANALYZER,
    handler: 'runAnalyzer',
    needsFfmpeg: true,
    copyFiles: { ...FFMPEG_FILES, ...PDFJS_FILES },
    environment: ['SEARCH_ENDPOINT'],
    access: ['readIngestBucket', 'readProxyBucket', 'writeProxyBucket', 'searchIndex'],
    ...MEDIA,
    substitution: 'RunAnalyzerFunctionArn',
  },
  {
    id: 'AnalysisCompleted',
    description: 'Media2Cloud analysis: writes the analysis records, sets ANALYSIS_COMPLETED and COMPLETED',
    entry: ANALYSIS,
    handler: 'analysisCompleted',
    needsFfmpeg: false,
    copyFiles: {},
    environment: ['INGEST_TABLE_NAME', 'AIML_TABLE_NAME', 'SEARCH_ENDPOINT'],
    access: ['ingestTable', 'aimlTable', 'searchIndex'],
    ...SMALL,
    substitution: 'AnalysisCompletedFunctionArn',
  },
  {
    id: 'RecordError',
    description: 'Media2Cloud: records a failed ingest or analysis on the asset (ERROR, errorMessage)',
    entry: 'media2cloud/pipeline/status/handler.ts',
    handler: 'recordError',
    needsFfmpeg: false,
    copyFiles: {},
    environment: ['INGEST_TABLE_NAME', 'SEARCH_ENDPOINT'],
    access: ['ingestTable', 'searchIndex'],
    ...SMALL,
    substitution: 'RecordErrorFunctionArn',
  },
  {
    id: 'AssetRemoval',
    description: 'Media2Cloud: removes an asset (stops its execution, deletes records, proxies, search document)',
    entry: 'media2cloud/pipeline/removal/handler.ts',
    handler: 'handler',
    needsFfmpeg: false,
    copyFiles: {},
    environment: ['INGEST_TABLE_NAME', 'AIML_TABLE_NAME', 'PROXY_BUCKET', 'SEARCH_ENDPOINT'],
    access: ['ingestTable', 'aimlTable', 'readProxyBucket', 'deleteProxyObjects', 'searchIndex', 'stopExecutions'],
    timeoutSeconds: 300,
    memorySizeMb: 512,
    ephemeralStorageMb: 512,
  },
  {
    id: 'S3Event',
    description: 'Media2Cloud: starts ingest for media uploaded to the ingest bucket',
    entry: 'media2cloud/pipeline/s3-event/handler.ts',
    handler: 'handler',
    needsFfmpeg: false,
    copyFiles: {},
    environment: ['INGEST_BUCKET', 'PROXY_BUCKET', 'MAIN_STATE_MACHINE_ARN'],
    access: ['readIngestBucket', 'startMainExecution'],
    ...SMALL,
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
      'TranscodeVideo',
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
