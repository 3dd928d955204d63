/**
 * `aiOptions`: which analyses run for an asset. Resolved the way the original resolves them: the request's own
 * options, else the global settings the web portal stores, else the stack's default; then features whose service
 * is unavailable are switched off.
 */
export type AiOptions = Readonly<Record<string, unknown>>;

/** The original's analysis type names (`core-lib/lib/analysisTypes.js`). */
export const AnalysisTypes = {
  Rekognition: {
    Celeb: 'celeb',
    Face: 'face',
    FaceMatch: 'facematch',
    Label: 'label',
    Moderation: 'moderation',
    Text: 'text',
    Segment: 'segment',
    Person: 'person',
    CustomLabel: 'customlabel',
    ImageProperty: 'imageprop',
  },
  Transcribe: 'transcribe',
  Comprehend: { Keyphrase: 'keyphrase', Entity: 'entity', Sentiment: 'sentiment', CustomEntity: 'customentity' },
  Textract: 'textract',
  AutoFaceIndexer: 'autofaceindexer',
  Scene: 'scene',
  AdBreak: 'adbreak',
  ZeroshotLabels: 'zeroshotlabels',
  Shoppable: 'shoppable',
  Toxicity: 'toxicity',
} as const;

/**
 * mediaplane's own analyses, which need no AI service: subtitle and caption cues (embedded tracks and sidecar
 * files), PDF page text, and descriptive tags (EXIF/XMP/ID3/PDF Info). They are on unless a request turns them off.
 */
export const TextAnalysisTypes = {
  Subtitle: 'subtitle',
  PageText: 'pagetext',
  Tags: 'tags',
} as const;

const R = AnalysisTypes.Rekognition;
const C = AnalysisTypes.Comprehend;

/** The options the original's analysis main state checks per service (`prepare-analysis`). */
export const REKOGNITION_IMAGE_OPTIONS = [R.Celeb, R.Face, R.FaceMatch, R.Label, R.Moderation, R.Text, R.CustomLabel];
export const REKOGNITION_OPTIONS = [...REKOGNITION_IMAGE_OPTIONS, R.Segment, R.Person];
export const TRANSCRIBE_OPTIONS = [AnalysisTypes.Transcribe];
export const COMPREHEND_OPTIONS = [...TRANSCRIBE_OPTIONS, C.Keyphrase, C.Entity, C.Sentiment, C.CustomEntity];
export const TEXTRACT_OPTIONS = [AnalysisTypes.Textract];

export type AiService = 'rekognition' | 'transcribe' | 'comprehend' | 'textract';
export type ServiceAvailability = Readonly<Record<AiService, boolean>>;

/** The original's frame capture modes (`core-lib/lib/frameCaptureMode.js`). */
export const FrameCaptureMode = {
  None: 0,
  Fps1: 1,
  Fps2: 2,
  Fps3: 3,
  Fps4: 4,
  Fps5: 5,
  Fps10: 10,
  Fps12: 12,
  Fps15: 15,
  All: 1000,
  HalfFps: 1001,
  OneEvery2s: 1002,
  OneEvery5s: 1003,
  OneEvery10s: 1004,
  OneEvery30s: 1005,
  OneEvery1min: 1011,
  OneEvery2min: 1012,
  OneEvery5min: 1013,
  Dynamic: 9999,
} as const;
const FRAME_CAPTURE_MODES: ReadonlySet<unknown> = new Set(Object.values(FrameCaptureMode));

/** The original's `AIML` option set (every feature off), with mediaplane's text analyses on. */
export const BASE_AI_OPTIONS: AiOptions = {
  [R.Celeb]: false,
  [R.Face]: false,
  [R.FaceMatch]: false,
  [R.Label]: false,
  [R.Moderation]: false,
  [R.Text]: false,
  [R.Segment]: false,
  [R.Person]: false,
  [R.CustomLabel]: false,
  [R.ImageProperty]: false,
  minConfidence: 80,
  framebased: false,
  frameCaptureMode: FrameCaptureMode.None,
  textROI: Array<boolean>(9).fill(false),
  customLabelModels: [],
  [AnalysisTypes.Transcribe]: false,
  [C.Keyphrase]: false,
  [C.Entity]: false,
  [C.Sentiment]: false,
  [C.CustomEntity]: false,
  [AnalysisTypes.Textract]: false,
  [AnalysisTypes.AutoFaceIndexer]: false,
  [AnalysisTypes.Scene]: false,
  [AnalysisTypes.AdBreak]: false,
  [AnalysisTypes.ZeroshotLabels]: [],
  [AnalysisTypes.Shoppable]: false,
  [AnalysisTypes.Toxicity]: false,
  filters: {},
  [TextAnalysisTypes.Subtitle]: true,
  [TextAnalysisTypes.PageText]: true,
  [TextAnalysisTypes.Tags]: true,
};

const V4_PRESET_ALL = 'v4.all';

/** The original's `v4.default` preset, which its stack uses when no default is configured. */
function v4Preset(preset: string): AiOptions {
  const features: Record<string, unknown> = {
    ...BASE_AI_OPTIONS,
    [R.Celeb]: true,
    [R.FaceMatch]: true,
    [R.Label]: true,
    [R.Segment]: true,
    [AnalysisTypes.Transcribe]: true,
    [C.Entity]: true,
    [C.Keyphrase]: true,
    [AnalysisTypes.Textract]: true,
    [AnalysisTypes.AutoFaceIndexer]: true,
    [AnalysisTypes.Scene]: true,
    [AnalysisTypes.AdBreak]: true,
    faceCollectionId: AnalysisTypes.AutoFaceIndexer,
    framebased: true,
    frameCaptureMode: FrameCaptureMode.Dynamic,
  };
  if (preset === V4_PRESET_ALL) {
    for (const [name, value] of Object.entries(features)) if (typeof value === 'boolean') features[name] = true;
  }
  return features;
}

/**
 * The stack default (`DEFAULT_AI_OPTIONS`): a JSON object of options laid over the base set, or what the original
 * accepts there — empty or `v4.default`/`v4.all` for its presets, or a comma-separated list of features to turn on.
 */
export function stackDefaultAiOptions(setting: string | undefined): AiOptions {
  const text = (setting ?? '').trim();
  if (text.startsWith('{')) {
    const parsed = JSON.parse(text) as unknown;
    if (!isOptions(parsed)) throw new Error('DEFAULT_AI_OPTIONS must be a JSON object');
    return { ...BASE_AI_OPTIONS, ...parsed };
  }
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  const invalid = names.find((name) => !/^[A-Za-z][\w.-]*$/.test(name));
  if (invalid !== undefined) {
    throw new Error(`DEFAULT_AI_OPTIONS must be a preset, a comma list of feature names or a JSON object: ${invalid}`);
  }
  if (names.length === 0) return v4Preset('v4.default');
  if (names.length === 1 && names[0]!.startsWith('v4')) return v4Preset(names[0]!);
  return { ...BASE_AI_OPTIONS, ...Object.fromEntries(names.map((name) => [name, true])) };
}

export function isOptions(value: unknown): value is AiOptions {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Ingest (`create-record`): the first that is given of the request's options, the global settings, the stack
 * default; then the frame capture rules the original applies there.
 */
export function resolveIngestAiOptions(
  requested: AiOptions | undefined,
  settings: AiOptions | undefined,
  stackDefault: AiOptions,
): AiOptions {
  const options: Record<string, unknown> = { ...(requested ?? settings ?? stackDefault) };
  // Custom labels run on captured frames: pick a capture rate when the request names models but no rate.
  if (options[R.CustomLabel] && options.customLabelModels && !options.frameCaptureMode) {
    options.frameCaptureMode = FrameCaptureMode.OneEvery2s;
  }
  if (options.frameCaptureMode === FrameCaptureMode.None) {
    options[R.CustomLabel] = false;
    options.customLabelModels = undefined;
  }
  return options;
}

/**
 * Analysis (`prepare-analysis`): the record's options overlaid by the request's, with every option they leave unset
 * taken from the defaults (global settings, else stack default); then options whose service is unavailable are
 * switched off, and frame-based analysis without frame capture is switched off.
 */
export function resolveAnalysisAiOptions(
  recorded: AiOptions | undefined,
  requested: AiOptions | undefined,
  defaults: AiOptions,
  availability: ServiceAvailability,
): AiOptions {
  const options: Record<string, unknown> = { ...recorded, ...requested };
  for (const [name, value] of Object.entries(defaults)) if (options[name] === undefined) options[name] = value;

  const disabled = new Set<string>();
  if (!availability.rekognition) REKOGNITION_OPTIONS.forEach((name) => disabled.add(name));
  if (!availability.transcribe) TRANSCRIBE_OPTIONS.forEach((name) => disabled.add(name));
  if (!availability.comprehend || !availability.transcribe) COMPREHEND_OPTIONS.forEach((name) => disabled.add(name));
  if (!availability.textract) TEXTRACT_OPTIONS.forEach((name) => disabled.add(name));
  for (const name of disabled) options[name] = false;

  if (options.framebased === true && options.frameCaptureMode === FrameCaptureMode.None) options.framebased = false;
  return options;
}

/** An option counts as on when it is set to anything but `false` (the original's `_hasAnalysis`). */
export function isEnabled(options: AiOptions, name: string): boolean {
  const value = options[name];
  return value !== undefined && value !== false;
}

/**
 * The frame capture rate (`[numerator, denominator]` frames per second) the original's `FrameCaptureModeHelper`
 * suggests for ingest, or `undefined` when frames are not captured.
 */
export function frameCaptureRate(options: AiOptions, framerate: number | undefined): [number, number] | undefined {
  if (options.framebased !== true) return undefined;
  const mode = options.frameCaptureMode;
  if (!FRAME_CAPTURE_MODES.has(mode) || mode === FrameCaptureMode.None) return undefined;
  if (framerate === undefined || Number.isNaN(framerate) || framerate <= 0) return undefined;
  const rounded = Math.round(framerate);
  const per = rounded === framerate ? 1000 : 1001;
  switch (mode) {
    case FrameCaptureMode.All:
      return [rounded * 1000, per];
    case FrameCaptureMode.HalfFps:
      return [rounded * 500, per];
    case FrameCaptureMode.OneEvery2s:
      return [5, 10];
    case FrameCaptureMode.OneEvery5s:
      return [2, 10];
    case FrameCaptureMode.OneEvery10s:
      return [1, 10];
    case FrameCaptureMode.OneEvery30s:
      return [1, 30];
    case FrameCaptureMode.OneEvery1min:
      return [1, 60];
    case FrameCaptureMode.OneEvery2min:
      return [1, 120];
    case FrameCaptureMode.OneEvery5min:
      return [1, 300];
    case FrameCaptureMode.Dynamic:
      return [1, 1];
    default:
      return [mode as number, 1];
  }
}
