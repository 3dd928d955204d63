/**
 * What each stored-video analysis does with a sampled frame, and how its results are keyed and sorted when a caller
 * reads them with `Get*`. Frame results are Rekognition's per-timestamp entries (`{ Timestamp, Label }`, ...).
 */
import {
  boundingBox,
  faceDetail,
  filterLabels,
  labels,
  moderationLabels,
  requestedAttributes,
  textDetections,
  type LabelFilters,
  type TextFilters,
} from '../answers';
import type { StoredFace } from '../collections';
import { searchCollection } from '../image-operations';
import { KnownFaces, type KnownPerson } from '../known-faces';
import type { Box, ModelResult, ModelTasks } from '../models/protocol';

export type VideoOperation =
  | 'LabelDetection'
  | 'FaceDetection'
  | 'CelebrityRecognition'
  | 'ContentModeration'
  | 'TextDetection'
  | 'SegmentDetection'
  | 'FaceSearch'
  | 'PersonTracking';

/** The validated options of a Start* request, stored with the job. */
export interface AnalysisParams {
  readonly minConfidence?: number;
  readonly labelFilters?: Omit<LabelFilters, 'minConfidence'>;
  readonly faceAttributes?: readonly string[];
  readonly textFilters?: TextFilters;
  readonly collectionId?: string;
  readonly faceMatchThreshold?: number;
  readonly segment?: import('./segments').SegmentOptions & { readonly types: readonly string[] };
}

export type Entry = Record<string, unknown> & { Timestamp: number };

/** State kept across the frames of one job: person tracks, the collection, the known people. */
export interface FrameContext {
  readonly params: AnalysisParams;
  readonly collectionFaces: readonly StoredFace[];
  readonly knownPeople: readonly KnownPerson[];
  readonly tracker: Tracker;
}

export interface Analysis {
  /** The member of the Get* response that lists the results. */
  readonly resultKey: string;
  readonly tasks: (params: AnalysisParams) => ModelTasks;
  readonly frame: (timestamp: number, result: ModelResult, context: FrameContext) => Entry[];
  /** SortBy values and how each orders entries; the first is the default. */
  readonly sorts: Readonly<Record<string, (entry: Entry) => string | number>>;
}

const byTimestamp = (entry: Entry) => entry.Timestamp;

export const ANALYSES: Readonly<Record<Exclude<VideoOperation, 'SegmentDetection'>, Analysis>> = {
  LabelDetection: {
    resultKey: 'Labels',
    tasks: () => ({ objects: true }),
    frame: (Timestamp, result, { params }) =>
      filterLabels(labels(result.objects ?? []), {
        minConfidence: params.minConfidence ?? 50,
        ...params.labelFilters,
      }).map((Label) => ({ Timestamp, Label })),
    sorts: { TIMESTAMP: byTimestamp, NAME: (entry) => (entry.Label as { Name: string }).Name },
  },
  FaceDetection: {
    resultKey: 'Faces',
    tasks: () => ({ faces: { descriptors: false } }),
    frame: (Timestamp, result, { params }) => {
      const attributes = requestedAttributes(params.faceAttributes ?? []);
      return (result.faces ?? []).map((face) => ({ Timestamp, Face: faceDetail(face, result, attributes) }));
    },
    sorts: { TIMESTAMP: byTimestamp },
  },
  CelebrityRecognition: {
    resultKey: 'Celebrities',
    tasks: () => ({ faces: { descriptors: true } }),
    frame: (Timestamp, result, { knownPeople }) =>
      (result.faces ?? []).flatMap((face) => {
        const match = face.descriptor ? KnownFaces.match(knownPeople, face.descriptor) : undefined;
        if (!match) return [];
        const Face = faceDetail(face, result, requestedAttributes(['ALL']));
        return [
          {
            Timestamp,
            Celebrity: {
              Urls: [],
              Name: match.person.name,
              Id: match.person.id,
              Confidence: match.similarity,
              BoundingBox: Face.BoundingBox,
              Face,
            },
          },
        ];
      }),
    sorts: { TIMESTAMP: byTimestamp, ID: (entry) => (entry.Celebrity as { Id: string }).Id },
  },
  ContentModeration: {
    resultKey: 'ModerationLabels',
    tasks: () => ({ moderation: true }),
    frame: (Timestamp, result, { params }) => {
      const found = moderationLabels(result.moderation ?? {}, params.minConfidence ?? 50);
      return found.ModerationLabels.map((ModerationLabel) => ({
        Timestamp,
        ModerationLabel,
        ContentTypes: found.ContentTypes,
      }));
    },
    sorts: { TIMESTAMP: byTimestamp, NAME: (entry) => (entry.ModerationLabel as { Name: string }).Name },
  },
  TextDetection: {
    resultKey: 'TextDetections',
    tasks: () => ({ text: true }),
    frame: (Timestamp, result, { params }) =>
      textDetections(result.text ?? [], params.textFilters ?? DEFAULT_TEXT_FILTERS).map((TextDetection) => ({
        Timestamp,
        TextDetection,
      })),
    sorts: { TIMESTAMP: byTimestamp },
  },
  FaceSearch: {
    resultKey: 'Persons',
    tasks: () => ({ faces: { descriptors: true } }),
    frame: (Timestamp, result, { params, collectionFaces, tracker }) => {
      const faces = result.faces ?? [];
      const indexes = tracker.assign(faces.map((face) => face.box));
      return faces.flatMap((face, i) => {
        if (!face.descriptor) return [];
        const FaceMatches = searchCollection(collectionFaces, face.descriptor, params.faceMatchThreshold ?? 80, 100);
        if (FaceMatches.length === 0) return [];
        const Face = faceDetail(face, result, requestedAttributes(['ALL']));
        return [{ Timestamp, Person: { Index: indexes[i], BoundingBox: Face.BoundingBox, Face }, FaceMatches }];
      });
    },
    sorts: { TIMESTAMP: byTimestamp, INDEX: (entry) => (entry.Person as { Index: number }).Index },
  },
  PersonTracking: {
    resultKey: 'Persons',
    tasks: () => ({ objects: true }),
    frame: (Timestamp, result, { tracker }) => {
      const people = (result.objects ?? []).filter((object) => object.label === 'person' && object.score >= 0.3);
      const indexes = tracker.assign(people.map((person) => person.box));
      return people.map((person, i) => ({
        Timestamp,
        Person: { Index: indexes[i], BoundingBox: boundingBox(person.box) },
      }));
    },
    sorts: { TIMESTAMP: byTimestamp, INDEX: (entry) => (entry.Person as { Index: number }).Index },
  },
};

export const DEFAULT_TEXT_FILTERS: TextFilters = {
  minConfidence: 80,
  minBoundingBoxHeight: 0,
  minBoundingBoxWidth: 0,
  regions: [],
};

/**
 * Tells people apart from frame to frame: a box continues the track whose last box overlaps it most (IoU ≥ 0.3);
 * anything else starts a new track with the next index.
 */
export class Tracker {
  private tracks: { index: number; box: Box }[] = [];
  private next = 0;

  assign(boxes: readonly Box[]): number[] {
    const free = new Set(this.tracks.map((_, i) => i));
    const indexes = boxes.map((box) => {
      let best = -1;
      let bestOverlap = 0.3;
      for (const i of free) {
        const overlap = iou(box, this.tracks[i]!.box);
        if (overlap >= bestOverlap) {
          best = i;
          bestOverlap = overlap;
        }
      }
      if (best >= 0) {
        free.delete(best);
        return this.tracks[best]!.index;
      }
      return this.next++;
    });
    this.tracks = boxes.map((box, i) => ({ index: indexes[i]!, box }));
    return indexes;
  }
}

function iou(a: Box, b: Box): number {
  const x = Math.max(0, Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left));
  const y = Math.max(0, Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top));
  const overlap = x * y;
  const union = a.width * a.height + b.width * b.height - overlap;
  return union > 0 ? overlap / union : 0;
}
