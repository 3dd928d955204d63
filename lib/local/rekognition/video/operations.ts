import type { JsonOperation } from '../../protocol/json-rpc';
import { RekognitionErrors } from '../errors';
import { page } from '../image-operations';
import { s3ObjectRef } from '../images';
import { LABEL_MODEL_VERSION, MODERATION_MODEL_VERSION, TEXT_MODEL_VERSION } from '../taxonomy';
import {
  CLIENT_REQUEST_TOKEN,
  COLLECTION_ID,
  JOB_ID,
  JOB_TAG,
  optionalEnum,
  optionalEnumList,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStringList,
  PAGINATION_TOKEN,
  requiredObject,
  requiredString,
  type Input,
} from '../validation';
import { ANALYSES, DEFAULT_TEXT_FILTERS, type AnalysisParams, type Entry, type VideoOperation } from './analyses';
import type { NotificationChannel, VideoJob, VideoJobs } from './jobs';

function notificationChannel(input: Input): NotificationChannel | undefined {
  const channel = optionalObject(input, 'NotificationChannel');
  if (!channel) return undefined;
  return {
    SNSTopicArn: requiredString(channel, 'SNSTopicArn', { pattern: /^(^arn:aws:sns:.*:\w{12}:.+$)$/ }),
    RoleArn: requiredString(channel, 'RoleArn', { pattern: /^arn:aws:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/ }),
  };
}

/** Rekognition's Start* members every stored-video operation takes. */
async function startJob(jobs: VideoJobs, operation: VideoOperation, input: Input, params: AnalysisParams) {
  const video = requiredObject(input, 'Video');
  const clientRequestToken = optionalString(input, 'ClientRequestToken', CLIENT_REQUEST_TOKEN);
  const jobTag = optionalString(input, 'JobTag', JOB_TAG);
  const channel = notificationChannel(input);
  const JobId = await jobs.start({
    operation,
    video: s3ObjectRef(video),
    params,
    ...(clientRequestToken ? { clientRequestToken } : {}),
    ...(jobTag ? { jobTag } : {}),
    ...(channel ? { notificationChannel: channel } : {}),
  });
  return { JobId };
}

function generalLabelFilters(input: Input) {
  const general = optionalObject(optionalObject(input, 'Settings') ?? {}, 'GeneralLabels') ?? {};
  return {
    include: optionalStringList(general, 'LabelInclusionFilters', { maxItems: 100 }) ?? [],
    exclude: optionalStringList(general, 'LabelExclusionFilters', { maxItems: 100 }) ?? [],
    includeCategories: optionalStringList(general, 'LabelCategoryInclusionFilters', { maxItems: 100 }) ?? [],
    excludeCategories: optionalStringList(general, 'LabelCategoryExclusionFilters', { maxItems: 100 }) ?? [],
  };
}

function textFilters(input: Input) {
  const filters = optionalObject(input, 'Filters');
  if (!filters) return DEFAULT_TEXT_FILTERS;
  const word = optionalObject(filters, 'WordFilter') ?? {};
  const regions = (Array.isArray(filters.RegionsOfInterest) ? filters.RegionsOfInterest : []).map((region) => {
    const box = optionalObject(region as Input, 'BoundingBox') ?? {};
    return {
      left: optionalNumber(box, 'Left', { min: 0, max: 1 }) ?? 0,
      top: optionalNumber(box, 'Top', { min: 0, max: 1 }) ?? 0,
      width: optionalNumber(box, 'Width', { min: 0, max: 1 }) ?? 1,
      height: optionalNumber(box, 'Height', { min: 0, max: 1 }) ?? 1,
    };
  });
  return {
    minConfidence: optionalNumber(word, 'MinConfidence', { min: 0, max: 100 }) ?? 80,
    minBoundingBoxHeight: optionalNumber(word, 'MinBoundingBoxHeight', { min: 0, max: 1 }) ?? 0,
    minBoundingBoxWidth: optionalNumber(word, 'MinBoundingBoxWidth', { min: 0, max: 1 }) ?? 0,
    regions,
  };
}

function segmentOptions(input: Input): NonNullable<AnalysisParams['segment']> {
  const types = optionalEnumList(input, 'SegmentTypes', ['TECHNICAL_CUE', 'SHOT']);
  if (!types || types.length === 0) {
    throw RekognitionErrors.invalidParameter('Request has invalid parameters: SegmentTypes is required');
  }
  const filters = optionalObject(input, 'Filters') ?? {};
  const cue = optionalObject(filters, 'TechnicalCueFilter') ?? {};
  const shot = optionalObject(filters, 'ShotFilter') ?? {};
  const black = optionalObject(cue, 'BlackFrame') ?? {};
  return {
    types,
    shots: types.includes('SHOT'),
    technicalCues: types.includes('TECHNICAL_CUE'),
    shotMinConfidence: optionalNumber(shot, 'MinSegmentConfidence', { min: 50, max: 100 }) ?? 80,
    cueMinConfidence: optionalNumber(cue, 'MinSegmentConfidence', { min: 50, max: 100 }) ?? 80,
    blackMaxPixelThreshold: optionalNumber(black, 'MaxPixelThreshold', { min: 0, max: 1 }) ?? 0.2,
    blackMinCoveragePercentage: optionalNumber(black, 'MinCoveragePercentage', { min: 0, max: 100 }) ?? 99,
  };
}

/** The members every Get* response has, whatever the job's state. */
function jobView(job: VideoJob) {
  return {
    JobStatus: job.status,
    ...(job.statusMessage ? { StatusMessage: job.statusMessage } : {}),
    JobId: job.JobId,
    Video: {
      S3Object: {
        Bucket: job.video.bucket,
        Name: job.video.name,
        ...(job.video.version ? { Version: job.video.version } : {}),
      },
    },
    ...(job.jobTag ? { JobTag: job.jobTag } : {}),
  };
}

/**
 * Label and moderation results can be asked for per segment: consecutive sightings of the same label (no more than
 * two sampling intervals apart) become one entry with its start, end and duration, at its highest confidence.
 */
function aggregateSegments(entries: readonly Entry[], member: 'Label' | 'ModerationLabel', interval: number): Entry[] {
  const open = new Map<string, Entry & { last: number }>();
  const out: Entry[] = [];
  const close = (key: string) => {
    const segment = open.get(key);
    if (!segment) return;
    open.delete(key);
    const { last, ...entry } = segment;
    out.push({ ...entry, EndTimestampMillis: last, DurationMillis: last - (entry.StartTimestampMillis as number) });
  };
  for (const entry of entries) {
    const item = entry[member] as { Name: string; Confidence: number };
    const current = open.get(item.Name);
    if (current && entry.Timestamp - current.last <= 2 * interval) {
      current.last = entry.Timestamp;
      const held = current[member] as { Confidence: number };
      if (item.Confidence > held.Confidence) current[member] = item;
      continue;
    }
    close(item.Name);
    open.set(item.Name, { ...entry, StartTimestampMillis: entry.Timestamp, last: entry.Timestamp });
  }
  for (const key of [...open.keys()]) close(key);
  return out.sort((a, b) => a.Timestamp - b.Timestamp);
}

function getJob(
  jobs: VideoJobs,
  operation: Exclude<VideoOperation, 'SegmentDetection'>,
  input: Input,
  extra: (job: VideoJob) => Record<string, unknown> = () => ({}),
) {
  const analysis = ANALYSES[operation];
  const jobId = requiredString(input, 'JobId', JOB_ID);
  const maxResults = optionalNumber(input, 'MaxResults', { min: 1, max: 1000, integer: true }) ?? 1000;
  const token = optionalString(input, 'NextToken', PAGINATION_TOKEN);
  const sorts = Object.keys(analysis.sorts);
  const sortBy = sorts.length > 1 ? (optionalEnum(input, 'SortBy', sorts) ?? 'TIMESTAMP') : 'TIMESTAMP';
  const aggregateBy =
    operation === 'LabelDetection' || operation === 'ContentModeration'
      ? (optionalEnum(input, 'AggregateBy', ['TIMESTAMPS', 'SEGMENTS']) ?? 'TIMESTAMPS')
      : undefined;
  const job = jobs.get(jobId, operation);
  const view = { ...jobView(job), ...extra(job) };
  if (job.status !== 'SUCCEEDED') {
    return { ...view, [analysis.resultKey]: [] };
  }
  let entries = (job.results ?? []) as Entry[];
  if (aggregateBy === 'SEGMENTS') {
    const interval = 1000 / (Number(process.env.MEDIAPLANE_REKOGNITION_FRAMES_PER_SECOND) || 1);
    entries = aggregateSegments(entries, operation === 'LabelDetection' ? 'Label' : 'ModerationLabel', interval);
  }
  const key = analysis.sorts[sortBy] as (entry: Entry) => string | number;
  const sorted = entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => {
      const x = key(a.entry);
      const y = key(b.entry);
      return x < y ? -1 : x > y ? 1 : a.entry.Timestamp - b.entry.Timestamp || a.index - b.index;
    })
    .map(({ entry }) => entry);
  const { slice, next } = page(sorted, token, maxResults, `${jobId}:${sortBy}:${aggregateBy ?? ''}`);
  return {
    ...view,
    VideoMetadata: job.videoMetadata,
    [analysis.resultKey]: slice,
    ...(next ? { NextToken: next } : {}),
    ...(aggregateBy ? { GetRequestMetadata: { SortBy: sortBy, AggregateBy: aggregateBy } } : {}),
  };
}

/** The stored-video operations: Start* queues a job, Get* reads its state and, once it succeeded, its results. */
export function videoOperations(jobs: VideoJobs): Record<string, JsonOperation> {
  const minConfidence = (input: Input) => optionalNumber(input, 'MinConfidence', { min: 0, max: 100 });
  return {
    StartLabelDetection: (input) => {
      // Video label detection has general labels only; anything else is refused as the service refuses it.
      optionalEnumList(input, 'Features', ['GENERAL_LABELS']);
      const confidence = minConfidence(input);
      return startJob(jobs, 'LabelDetection', input, {
        ...(confidence !== undefined ? { minConfidence: confidence } : {}),
        labelFilters: generalLabelFilters(input),
      });
    },
    GetLabelDetection: (input) =>
      getJob(jobs, 'LabelDetection', input, () => ({ LabelModelVersion: LABEL_MODEL_VERSION })),

    StartFaceDetection: (input) => {
      const attributes = optionalEnum(input, 'FaceAttributes', ['DEFAULT', 'ALL']) ?? 'DEFAULT';
      return startJob(jobs, 'FaceDetection', input, { faceAttributes: [attributes] });
    },
    GetFaceDetection: (input) => getJob(jobs, 'FaceDetection', input),

    StartCelebrityRecognition: (input) => startJob(jobs, 'CelebrityRecognition', input, {}),
    GetCelebrityRecognition: (input) => getJob(jobs, 'CelebrityRecognition', input),

    StartContentModeration: (input) => {
      const confidence = minConfidence(input);
      return startJob(jobs, 'ContentModeration', input, confidence !== undefined ? { minConfidence: confidence } : {});
    },
    GetContentModeration: (input) =>
      getJob(jobs, 'ContentModeration', input, () => ({ ModerationModelVersion: MODERATION_MODEL_VERSION })),

    StartTextDetection: (input) => startJob(jobs, 'TextDetection', input, { textFilters: textFilters(input) }),
    GetTextDetection: (input) => getJob(jobs, 'TextDetection', input, () => ({ TextModelVersion: TEXT_MODEL_VERSION })),

    StartFaceSearch: (input) => {
      const collectionId = requiredString(input, 'CollectionId', COLLECTION_ID);
      const threshold = optionalNumber(input, 'FaceMatchThreshold', { min: 0, max: 100 });
      return startJob(jobs, 'FaceSearch', input, {
        collectionId,
        ...(threshold !== undefined ? { faceMatchThreshold: threshold } : {}),
      });
    },
    GetFaceSearch: (input) => getJob(jobs, 'FaceSearch', input),

    StartPersonTracking: (input) => startJob(jobs, 'PersonTracking', input, {}),
    GetPersonTracking: (input) => getJob(jobs, 'PersonTracking', input),

    StartSegmentDetection: (input) => startJob(jobs, 'SegmentDetection', input, { segment: segmentOptions(input) }),
    GetSegmentDetection: (input) => {
      const jobId = requiredString(input, 'JobId', JOB_ID);
      const maxResults = optionalNumber(input, 'MaxResults', { min: 1, max: 1000, integer: true }) ?? 1000;
      const token = optionalString(input, 'NextToken', PAGINATION_TOKEN);
      const job = jobs.get(jobId, 'SegmentDetection');
      const types = job.params.segment?.types ?? [];
      const selected = types.map((Type) => ({ Type, ModelVersion: '1.0' }));
      if (job.status !== 'SUCCEEDED') return { ...jobView(job), Segments: [], SelectedSegmentTypes: selected };
      const { slice, next } = page(job.results ?? [], token, maxResults, `${jobId}:segments`);
      return {
        ...jobView(job),
        VideoMetadata: job.videoMetadata ? [job.videoMetadata] : [],
        AudioMetadata: job.audioMetadata ?? [],
        Segments: slice,
        SelectedSegmentTypes: selected,
        ...(next ? { NextToken: next } : {}),
      };
    },
  };
}
