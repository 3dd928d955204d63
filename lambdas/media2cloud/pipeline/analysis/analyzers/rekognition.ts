import { createHash } from 'node:crypto';
import { pollUntilFinished } from '../../../../shared/ai/jobs';
import {
  RETRYABLE_ERRORS,
  serviceErrorCode,
  type ImageInput,
  type VideoAnalysisKind,
  type VideoFindings,
} from '../../../../shared/ai/rekognition';
import type { AnalysisField, SearchEntry } from '../../../search/document';
import { nameFromImageId } from '../../../shared/face-names';
import { AnalysisTypes, frameCaptureRate, isEnabled, type AiOptions } from '../../domain/ai-options';
import { errorText } from '../../domain/errors';
import { analysisMetadataKey, analysisRawPrefix, transcodePrefix } from '../../domain/layout';
import { StateStatus } from '../../domain/statuses';
import type { TimedFinding } from '../../domain/tracks';
import type { AiServices } from '../../ports';
import type { Analyzer, AnalyzerContext, AnalyzerDependencies, AnalyzerOutcome } from '../analyzer';
import { namedEntries, proxyOf, putJson, safeName, writeTracks } from './ai-support';

const R = AnalysisTypes.Rekognition;
const CATEGORY = 'rekognition';
const MAP_FILE = 'mapFile.json';
/** Results per `Get*` call: the service's maximum. */
const PAGE_SIZE = 1000;

/** A feature found in a frame: its track name, confidence and, for face matches, the stored face. */
interface Sighting {
  readonly name: string;
  readonly confidence: number;
  readonly faceId?: string;
}

type ImageFeature =
  typeof R.Celeb | typeof R.Face | typeof R.FaceMatch | typeof R.Label | typeof R.Moderation | typeof R.Text;

interface Feature {
  readonly option: string;
  readonly kind: VideoAnalysisKind;
  /** The member of the service's `Get*` answer that lists the results (the original's `namedKey`). */
  readonly namedKey: string;
  /** The search field its names go to; segments and people are not searchable. */
  readonly field?: AnalysisField;
  /** Whether frame-based analysis runs it with the image APIs on captured frames. */
  readonly image: boolean;
}

/** The original's video features, in its order. */
const FEATURES: readonly Feature[] = [
  { option: R.Celeb, kind: 'celebrities', namedKey: 'Celebrities', field: 'celeb', image: true },
  { option: R.Face, kind: 'faces', namedKey: 'Faces', field: 'face', image: true },
  { option: R.FaceMatch, kind: 'faceSearch', namedKey: 'Persons', field: 'facematch', image: true },
  { option: R.Label, kind: 'labels', namedKey: 'Labels', field: 'label', image: true },
  { option: R.Moderation, kind: 'moderation', namedKey: 'ModerationLabels', field: 'moderation', image: true },
  { option: R.Text, kind: 'text', namedKey: 'TextDetections', field: 'text', image: true },
  { option: R.Segment, kind: 'segments', namedKey: 'Segments', image: false },
  { option: R.Person, kind: 'persons', namedKey: 'Persons', image: false },
];

const FACE = 'Face';

/** Track names of a stored-video job's results. */
function sightingsOfVideo<K extends VideoAnalysisKind>(
  kind: K,
  finding: VideoFindings[K],
): (Sighting & { timestampMs: number })[] {
  const at = (finding as { timestampMs?: number }).timestampMs ?? 0;
  switch (kind) {
    case 'celebrities': {
      const celebrity = finding as VideoFindings['celebrities'];
      return [{ name: celebrity.name, confidence: celebrity.matchConfidence, timestampMs: at }];
    }
    case 'faces':
      return [{ name: FACE, confidence: (finding as VideoFindings['faces']).confidence, timestampMs: at }];
    case 'faceSearch':
      return (finding as VideoFindings['faceSearch']).matches.map((match) => ({
        ...matchedFace(match.face),
        confidence: match.similarity,
        timestampMs: at,
      }));
    case 'labels': {
      const label = finding as VideoFindings['labels'];
      return [{ name: label.name, confidence: label.confidence, timestampMs: at }];
    }
    case 'moderation': {
      const label = finding as VideoFindings['moderation'];
      return [{ name: label.name, confidence: label.confidence, timestampMs: at }];
    }
    case 'text': {
      const text = finding as VideoFindings['text'];
      return text.type === 'LINE' ? [{ name: text.text, confidence: text.confidence, timestampMs: at }] : [];
    }
    case 'persons': {
      const person = finding as VideoFindings['persons'];
      return [{ name: `Person ${person.index}`, confidence: 100, timestampMs: at }];
    }
    default:
      return [];
  }
}

/** One image API call for a feature, as sightings. */
async function sightingsOfImage(
  feature: ImageFeature,
  ai: AiServices,
  input: ImageInput,
  options: AiOptions,
): Promise<Sighting[]> {
  const minConfidence = typeof options.minConfidence === 'number' ? options.minConfidence : undefined;
  switch (feature) {
    case R.Celeb:
      return (await ai.vision.recognizeCelebrities(input)).celebrities.map((celebrity) => ({
        name: celebrity.name,
        confidence: celebrity.matchConfidence,
      }));
    case R.Face:
      return (await ai.vision.detectFaces(input)).map((face) => ({ name: FACE, confidence: face.confidence }));
    case R.FaceMatch: {
      const collectionId = faceCollectionOf(options);
      if (!collectionId) return [];
      try {
        const found = await ai.vision.searchFacesByImage(collectionId, input, {
          ...(minConfidence !== undefined ? { faceMatchThreshold: minConfidence } : {}),
        });
        return found.matches.map((match) => ({ ...matchedFace(match.face), confidence: match.similarity }));
      } catch (error) {
        // SearchFacesByImage refuses an image without a face: nothing matched in it.
        if ((error as { name?: string }).name === 'InvalidParameterException') return [];
        throw error;
      }
    }
    case R.Label:
      return (await ai.vision.detectLabels(input, minConfidence !== undefined ? { minConfidence } : {})).map(
        (label) => ({ name: label.name, confidence: label.confidence }),
      );
    case R.Moderation:
      return (await ai.vision.detectModerationLabels(input, minConfidence !== undefined ? { minConfidence } : {})).map(
        (label) => ({ name: label.name, confidence: label.confidence }),
      );
    case R.Text:
      return (await ai.vision.detectText(input))
        .filter((text) => text.type === 'LINE')
        .map((text) => ({ name: text.text, confidence: text.confidence }));
  }
}

/** A matched face before the face indexer names it: its `ExternalImageId` read as a name, or its id. */
function matchedFace(face: { faceId: string; externalImageId?: string }): { name: string; faceId: string } {
  const name = face.externalImageId ? nameFromImageId(face.externalImageId, face.faceId) : undefined;
  return { name: name ?? face.faceId, faceId: face.faceId };
}

/**
 * Face matches named as the original names them: the name the face indexer table holds for the face, else the name
 * its `ExternalImageId` reads as (the face's id for the indexer's own ids).
 */
async function namedFaces<T extends Sighting>(sightings: readonly T[], deps: AnalyzerDependencies): Promise<T[]> {
  const faceIds = [...new Set(sightings.flatMap((sighting) => (sighting.faceId ? [sighting.faceId] : [])))];
  if (faceIds.length === 0) return [...sightings];
  const names = new Map<string, string>();
  for (const record of await deps.faceNames.batchGet(faceIds)) {
    if (record.celeb) names.set(record.faceId, record.celeb);
  }
  return sightings.map((sighting) => {
    const name = sighting.faceId ? names.get(sighting.faceId) : undefined;
    return name === undefined ? sighting : { ...sighting, name };
  });
}

/** The original's `facematch` search entries carry the face's id, by which renaming a face finds them. */
function withFaceIds(entries: readonly SearchEntry[], sightings: readonly Sighting[]): SearchEntry[] {
  const faceIds = new Map<string, string>();
  for (const sighting of sightings)
    if (sighting.faceId && !faceIds.has(sighting.name)) faceIds.set(sighting.name, sighting.faceId);
  return entries.map((entry) => {
    const faceId = faceIds.get(entry.name);
    return faceId === undefined ? entry : { ...entry, faceId };
  });
}

function faceCollectionOf(options: AiOptions): string | undefined {
  const id = options.faceCollectionId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** A feature's entry in the analysis record, as the original's `create-track` state completes it. */
interface FeatureOutput {
  readonly output: string;
  readonly metadata?: string;
  readonly timeseries?: string;
  readonly vtt?: string;
  readonly jobId?: string;
  readonly apiCount: number;
  readonly numOutputs: number;
  readonly startTime: number;
  readonly endTime: number;
  readonly errorMessage?: string;
}

interface FeatureRun {
  readonly option: string;
  readonly output: FeatureOutput;
  readonly field?: AnalysisField;
  readonly entries: readonly { name: string; timecodes?: readonly { begin: number; end: number }[] }[];
}

/**
 * Rekognition on a video: each feature `aiOptions` turns on (celeb, face, facematch with `faceCollectionId`, label,
 * moderation, text, segment, person). With `framebased` and captured frames, the original's frame-based branch: the
 * image APIs on each `transcode/frameCapture/frame.<n>.jpg`, timed by the capture rate; otherwise (and always for
 * segments and people) a stored-video job on the `aiml` proxy, its `Get*` pages kept as the service sent them.
 * Each feature's results become the original's tracks and search entries with their timecodes.
 */
export const rekognitionVideoAnalyzer: Analyzer = {
  id: CATEGORY,
  service: 'rekognition',
  options: FEATURES.map((feature) => feature.option),
  mediaTypes: ['video'],
  available: true,
  category: () => 'video',
  async run(context, deps): Promise<AnalyzerOutcome> {
    const { asset, aiOptions } = context;
    const enabled = FEATURES.filter((feature) => isEnabled(aiOptions, feature.option)).filter(
      (feature) => feature.kind !== 'faceSearch' || faceCollectionOf(aiOptions) !== undefined,
    );
    const frames = await capturedFrames(context, deps);
    const runs = await Promise.all(
      enabled.map((feature) =>
        tolerated(feature, deps, () =>
          feature.image && frames.length > 0
            ? runOnFrames(feature, frames, context, deps)
            : runVideoJob(feature, context, deps),
        ),
      ),
    );
    return outcome(asset.uuid, runs, deps);
  },
};

/** Rekognition on a still image: the image APIs on its JPEG proxy (or the upload), one call per feature. */
export const rekognitionImageAnalyzer: Analyzer = {
  id: 'rekognition-image',
  recordKey: CATEGORY,
  service: 'rekognition',
  options: FEATURES.filter((feature) => feature.image).map((feature) => feature.option),
  mediaTypes: ['image'],
  available: true,
  category: () => 'image',
  async run(context, deps): Promise<AnalyzerOutcome> {
    const { asset, aiOptions, requestTime } = context;
    const key = proxyOf(asset, 'proxy', 'image') ?? asset.key;
    const input = { bucket: key === asset.key ? asset.bucket : asset.destination.bucket, key };
    const features = FEATURES.filter((feature) => feature.image && isEnabled(aiOptions, feature.option));
    const runs: FeatureRun[] = [];
    for (const feature of features) {
      runs.push(
        await tolerated(feature, deps, async () => {
          const startTime = deps.now();
          const sightings = await namedFaces(
            await sightingsOfImage(feature.option as ImageFeature, deps.ai, input, aiOptions),
            deps,
          );
          const raw = analysisRawPrefix(asset.destination.prefix, requestTime, CATEGORY, feature.option);
          const output = `${raw}output.json`;
          await putJson(deps, asset.destination.bucket, output, { [feature.namedKey]: sightings });
          return {
            option: feature.option,
            field: feature.field,
            entries: withFaceIds(namedEntries(sightings.map((sighting) => sighting.name)), sightings),
            output: { output, apiCount: 1, numOutputs: 1, startTime, endTime: deps.now() },
          };
        }),
      );
    }
    return outcome(asset.uuid, runs, deps);
  },
};

/**
 * A feature the service refuses (a face collection that does not exist, an image it cannot read) ends with its
 * `errorMessage` and no results; the other features go on, as the original's per-feature branches do. Throttling and
 * job timeouts still fail the invocation, to be retried.
 */
async function tolerated(
  feature: Feature,
  deps: AnalyzerDependencies,
  run: () => Promise<FeatureRun>,
): Promise<FeatureRun> {
  const startTime = deps.now();
  try {
    return await run();
  } catch (error) {
    if (serviceErrorCode(error) === undefined || RETRYABLE_ERRORS.has(serviceErrorCode(error)!)) throw error;
    return {
      option: feature.option,
      field: feature.field,
      entries: [],
      output: {
        output: '',
        apiCount: 1,
        numOutputs: 0,
        startTime,
        endTime: deps.now(),
        errorMessage: errorText(error),
      },
    };
  }
}

async function outcome(
  uuid: string,
  runs: readonly FeatureRun[],
  deps: AnalyzerDependencies,
): Promise<AnalyzerOutcome> {
  const patch: Record<string, unknown> = {};
  for (const run of runs) if (run.field) patch[run.field] = run.entries;
  if (Object.keys(patch).length > 0) await deps.search.update(uuid, patch);
  const withResults = runs.filter((run) => run.entries.length > 0 || run.output.numOutputs > 0);
  return {
    status: withResults.length > 0 ? StateStatus.Completed : StateStatus.NoData,
    output: Object.fromEntries(runs.map((run) => [run.option, run.output])),
    indexed: runs.flatMap((run) => (run.field ? [run.field] : [])),
  };
}

interface Frame {
  readonly key: string;
  readonly timestampMs: number;
}

/** The frames ingest captured for frame-based analysis, with their times, or none. */
async function capturedFrames(context: AnalyzerContext, deps: AnalyzerDependencies): Promise<Frame[]> {
  const { asset, aiOptions } = context;
  const rate = frameCaptureRate(aiOptions, asset.framerate);
  if (!rate) return [];
  const [numerator, denominator] = rate;
  const objects = await deps.objects.list(
    asset.destination.bucket,
    transcodePrefix(asset.destination.prefix, 'frameCapture'),
  );
  return objects
    .flatMap((object) => {
      const index = /frame\.(\d{7})\.jpg$/.exec(object.key)?.[1];
      return index === undefined
        ? []
        : [{ key: object.key, timestampMs: Math.round((Number(index) * denominator * 1000) / numerator) }];
    })
    .sort((a, b) => a.timestampMs - b.timestampMs);
}

async function runOnFrames(
  feature: Feature,
  frames: readonly Frame[],
  context: AnalyzerContext,
  deps: AnalyzerDependencies,
): Promise<FeatureRun> {
  const { asset, aiOptions, requestTime } = context;
  const startTime = deps.now();
  const sighted: (Sighting & TimedFinding)[] = [];
  for (const frame of frames) {
    const sightings = await sightingsOfImage(
      feature.option as ImageFeature,
      deps.ai,
      { bucket: asset.destination.bucket, key: frame.key },
      aiOptions,
    );
    sighted.push(...sightings.map((sighting) => ({ ...sighting, timestampMs: frame.timestampMs })));
  }
  const findings = await namedFaces(sighted, deps);
  const raw = analysisRawPrefix(asset.destination.prefix, requestTime, CATEGORY, feature.option);
  const output = `${raw}00000000.json`;
  await putJson(deps, asset.destination.bucket, output, { [feature.namedKey]: findings });
  const tracks = await writeTracks(deps, asset, feature.option, findings);
  return {
    option: feature.option,
    field: feature.field,
    entries: withFaceIds(tracks.entries, findings),
    output: {
      output,
      metadata: tracks.metadata,
      timeseries: tracks.timeseries,
      vtt: tracks.vtt,
      apiCount: frames.length,
      numOutputs: 1,
      startTime,
      endTime: deps.now(),
    },
  };
}

/**
 * A stored-video job: started with a token derived from the asset and the run, so a retried invocation finds the
 * job it started; polled to its end; its pages stored as `raw/<ts>/rekognition/<feature>/<8 digits>.json` with the
 * original's `mapFile.json` (each name → the files it appears in). A failed job leaves the feature with its
 * `errorMessage` and the other features go on, as the original's per-feature branches do.
 */
async function runVideoJob(
  feature: Feature,
  context: AnalyzerContext,
  deps: AnalyzerDependencies,
): Promise<FeatureRun> {
  const { asset, aiOptions, requestTime } = context;
  const startTime = deps.now();
  const key = proxyOf(asset, 'aiml', 'video');
  const video = key ? { bucket: asset.destination.bucket, key } : { bucket: asset.bucket, key: asset.key };
  const minConfidence = typeof aiOptions.minConfidence === 'number' ? aiOptions.minConfidence : undefined;
  const collectionId = faceCollectionOf(aiOptions);
  const token = createHash('sha256')
    .update(`${asset.uuid}:${requestTime}:${feature.option}`)
    .digest('hex')
    .slice(0, 64);
  const raw = analysisRawPrefix(asset.destination.prefix, requestTime, CATEGORY, feature.option);
  let apiCount = 0;
  const failed = (message: string): FeatureRun => ({
    option: feature.option,
    field: feature.field,
    entries: [],
    output: { output: raw, apiCount, numOutputs: 0, startTime, endTime: deps.now(), errorMessage: message },
  });

  let jobId: string;
  try {
    jobId = await deps.ai.vision.startVideoAnalysis(feature.kind, video, {
      clientRequestToken: token,
      jobTag: safeName(`${CATEGORY}-${feature.option}`, 64),
      ...(minConfidence !== undefined && (feature.kind === 'labels' || feature.kind === 'moderation')
        ? { minConfidence }
        : {}),
      ...(feature.kind === 'faceSearch' && collectionId ? { collectionId } : {}),
      ...(feature.kind === 'faceSearch' && minConfidence !== undefined ? { faceMatchThreshold: minConfidence } : {}),
    });
    apiCount += 1;
  } catch (error) {
    return failed(`Start ${feature.kind}: ${errorText(error)}`);
  }

  const finished = await pollUntilFinished(
    jobId,
    async () => {
      apiCount += 1;
      return deps.ai.vision.getVideoAnalysisPage(feature.kind, jobId, { pageSize: 1 });
    },
    (page) => page.status !== 'IN_PROGRESS',
    { pollMs: 500, maxPollMs: 10_000, timeoutMs: 13 * 60_000 },
  );
  if (finished.status !== 'SUCCEEDED') {
    const run = failed(finished.statusMessage ?? `job ${jobId} ${finished.status}`);
    return { ...run, output: { ...run.output, jobId } };
  }

  // The service's own pages, kept as the original keeps them.
  const mapFile: Record<string, string[]> = {};
  let numOutputs = 0;
  let nextToken: string | undefined;
  do {
    const page = await deps.ai.vision.getVideoAnalysisPage(feature.kind, jobId, {
      pageSize: PAGE_SIZE,
      ...(nextToken ? { nextToken } : {}),
    });
    apiCount += 1;
    const file = `${String(numOutputs).padStart(8, '0')}.json`;
    await putJson(deps, asset.destination.bucket, `${raw}${file}`, page.response);
    numOutputs += 1;
    const listed = page.response[feature.namedKey];
    for (const name of namesInPage(listed)) mapFile[name] = [...new Set([...(mapFile[name] ?? []), file])];
    nextToken = page.nextToken;
  } while (nextToken);
  await putJson(deps, asset.destination.bucket, `${raw}${MAP_FILE}`, mapFile);

  // The same results in the neutral types, for the tracks and the index.
  const analysis = await deps.ai.vision.getVideoAnalysis(feature.kind, jobId, { pageSize: PAGE_SIZE });
  apiCount += Math.max(1, numOutputs);
  if (feature.kind === 'segments') {
    const segments = (analysis.findings as VideoFindings['segments'][]).map((segment) => ({
      type: segment.type,
      ...(segment.type === 'SHOT' ? { index: segment.index } : { cue: segment.cue }),
      begin: segment.startMs,
      end: segment.endMs,
      confidence: segment.confidence,
      smpteTimeCode: { start: segment.startTimecode, end: segment.endTimecode },
    }));
    const key = analysisMetadataKey(asset.destination.prefix, feature.option);
    await putJson(deps, asset.destination.bucket, key, segments);
    return {
      option: feature.option,
      entries: [],
      output: {
        output: `${raw}${MAP_FILE}`,
        metadata: key,
        jobId,
        apiCount,
        numOutputs,
        startTime,
        endTime: deps.now(),
      },
    };
  }
  const findings = await namedFaces(
    (analysis.findings as VideoFindings[VideoAnalysisKind][]).flatMap((finding) =>
      sightingsOfVideo(feature.kind, finding),
    ),
    deps,
  );
  const tracks = await writeTracks(deps, asset, feature.option, findings);
  return {
    option: feature.option,
    field: feature.field,
    entries: withFaceIds(tracks.entries, findings),
    output: {
      output: `${raw}${MAP_FILE}`,
      metadata: tracks.metadata,
      timeseries: tracks.timeseries,
      vtt: tracks.vtt,
      jobId,
      apiCount,
      numOutputs,
      startTime,
      endTime: deps.now(),
    },
  };
}

/** The names a raw `Get*` page lists (for `mapFile.json`), read loosely: the page is the service's own JSON. */
function namesInPage(listed: unknown): string[] {
  if (!Array.isArray(listed)) return [];
  const names: string[] = [];
  for (const item of listed as Record<string, Record<string, unknown> | undefined>[]) {
    const matches = (item as { FaceMatches?: { Face?: { ExternalImageId?: string; FaceId?: string } }[] }).FaceMatches;
    if (matches) {
      for (const match of matches) {
        const name = match.Face?.ExternalImageId ?? match.Face?.FaceId;
        if (name) names.push(name);
      }
      continue;
    }
    const name =
      item.Label?.Name ??
      item.Celebrity?.Name ??
      item.ModerationLabel?.Name ??
      (item.TextDetection?.Type === 'LINE' ? item.TextDetection.DetectedText : undefined) ??
      (item.Face ? FACE : undefined) ??
      (item.Person ? `Person ${String(item.Person.Index ?? 0)}` : undefined);
    if (typeof name === 'string') names.push(name);
  }
  return [...new Set(names)];
}
