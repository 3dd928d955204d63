import { randomUUID } from 'node:crypto';
import type { JsonOperation } from '../protocol/json-rpc';
import {
  boundingBox,
  byFaceSize,
  comparedFace,
  FACE_ATTRIBUTE_VALUES,
  faceDetail,
  filterLabels,
  labels,
  moderationLabels,
  requestedAttributes,
  similarity,
  textDetections,
} from './answers';
import type { CollectionStore, StoredFace } from './collections';
import { RekognitionErrors } from './errors';
import { readImage, type ObjectReader } from './images';
import { KnownFaces } from './known-faces';
import type { ModelPool } from './models/pool';
import { UndecodableImageError } from './models/pool';
import type { ModelFace, ModelImage, ModelResult, ModelTasks } from './models/protocol';
import { FACE_MODEL_VERSION, LABEL_MODEL_VERSION, MODERATION_MODEL_VERSION, TEXT_MODEL_VERSION } from './taxonomy';
import {
  COLLECTION_ID,
  EXTERNAL_IMAGE_ID,
  FACE_ID,
  optionalEnum,
  optionalEnumList,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStringList,
  PAGINATION_TOKEN,
  requiredString,
  type Input,
} from './validation';

export interface ImageOperationsContext {
  readonly models: Pick<ModelPool, 'analyze'>;
  readonly reader: ObjectReader;
  readonly collections: CollectionStore;
  readonly knownFaces: KnownFaces;
  readonly region: string;
  readonly accountId: string;
}

/** Runs the models on an image; an image the decoder refuses is Rekognition's InvalidImageFormatException. */
export async function analyzeImage(
  models: Pick<ModelPool, 'analyze'>,
  image: ModelImage,
  tasks: ModelTasks,
): Promise<ModelResult> {
  try {
    return await models.analyze(image, tasks);
  } catch (error) {
    if (error instanceof UndecodableImageError) throw RekognitionErrors.invalidImageFormat();
    throw error;
  }
}

const QUALITY_FILTERS = ['NONE', 'AUTO', 'LOW', 'MEDIUM', 'HIGH'] as const;
type QualityFilter = (typeof QUALITY_FILTERS)[number];

/**
 * The reasons IndexFaces and the searches leave a face out, measured on the face: its size in pixels, the
 * detector's confidence, its brightness and sharpness, and its pose. Thresholds rise from LOW to HIGH; AUTO is
 * MEDIUM, as in the service.
 */
export function qualityReasons(face: ModelFace, size: { width: number; height: number }, filter: QualityFilter) {
  if (filter === 'NONE') return [];
  const level = { AUTO: 1, LOW: 0, MEDIUM: 1, HIGH: 2 }[filter];
  const detail = faceDetail(face, size, new Set());
  const reasons: string[] = [];
  if (Math.min(face.box.width * size.width, face.box.height * size.height) < [20, 40, 60][level]!) {
    reasons.push('SMALL_BOUNDING_BOX');
  }
  if (detail.Confidence < [50, 70, 90][level]!) reasons.push('LOW_CONFIDENCE');
  if (detail.Quality.Brightness < [5, 10, 20][level]!) reasons.push('LOW_BRIGHTNESS');
  if (detail.Quality.Sharpness < [5, 10, 20][level]!) reasons.push('LOW_SHARPNESS');
  if (Math.max(Math.abs(detail.Pose.Yaw), Math.abs(detail.Pose.Pitch)) > [80, 60, 45][level]!) {
    reasons.push('EXTREME_POSE');
  }
  return reasons;
}

/** A page of a list, with an opaque token for the next one. */
export function page<T>(items: readonly T[], token: string | undefined, maxResults: number, scope: string) {
  const start = token === undefined ? 0 : decodeToken(token, scope);
  const slice = items.slice(start, start + maxResults);
  const next = start + maxResults < items.length ? encodeToken(start + maxResults, scope) : undefined;
  return { slice, next };
}

export function encodeToken(offset: number, scope: string): string {
  return Buffer.from(JSON.stringify({ o: offset, s: scope })).toString('base64url');
}

export function decodeToken(token: string, scope: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; s?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 && parsed.s === scope) {
      return parsed.o;
    }
  } catch {
    // fall through: any token this service did not issue for this listing is invalid
  }
  throw RekognitionErrors.invalidPaginationToken();
}

function storedFaceView(face: StoredFace) {
  return {
    FaceId: face.FaceId,
    BoundingBox: face.BoundingBox,
    ImageId: face.ImageId,
    ...(face.ExternalImageId ? { ExternalImageId: face.ExternalImageId } : {}),
    Confidence: face.Confidence,
    IndexFacesModelVersion: face.IndexFacesModelVersion,
  };
}

/** Matches in a collection for a descriptor, best first, at or above the threshold. */
export function searchCollection(
  faces: readonly StoredFace[],
  descriptor: readonly number[],
  threshold: number,
  maxFaces: number,
  except?: string,
) {
  return faces
    .filter((face) => face.FaceId !== except)
    .map((face) => ({ Similarity: similarity(descriptor, face.descriptor), Face: storedFaceView(face) }))
    .filter((match) => match.Similarity >= threshold)
    .sort((a, b) => b.Similarity - a.Similarity)
    .slice(0, maxFaces);
}

/** The image operations and the face collection operations. */
export function imageOperations(context: ImageOperationsContext): Record<string, JsonOperation> {
  const { models, reader, collections, knownFaces } = context;
  const analyze = async (input: Input, tasks: ModelTasks) =>
    analyzeImage(models, { encoded: await readImage(input, reader) }, tasks);
  const collectionArn = (id: string) => `aws:rekognition:${context.region}:${context.accountId}:collection/${id}`;

  return {
    async DetectLabels(input) {
      const minConfidence = optionalNumber(input, 'MinConfidence', { min: 0, max: 100 }) ?? 55;
      const maxLabels = optionalNumber(input, 'MaxLabels', { min: 0, integer: true });
      const features = optionalEnumList(input, 'Features', ['GENERAL_LABELS', 'IMAGE_PROPERTIES']);
      if (features?.includes('IMAGE_PROPERTIES')) {
        throw RekognitionErrors.invalidParameter(
          'Request has invalid parameters: the local stand-in has no image-properties model (Features IMAGE_PROPERTIES)',
        );
      }
      const general = optionalObject(optionalObject(input, 'Settings') ?? {}, 'GeneralLabels') ?? {};
      const result = await analyze(input, { objects: true });
      return {
        Labels: filterLabels(labels(result.objects ?? []), {
          minConfidence,
          ...(maxLabels !== undefined ? { maxLabels } : {}),
          include: optionalStringList(general, 'LabelInclusionFilters', { maxItems: 100 }) ?? [],
          exclude: optionalStringList(general, 'LabelExclusionFilters', { maxItems: 100 }) ?? [],
          includeCategories: optionalStringList(general, 'LabelCategoryInclusionFilters', { maxItems: 100 }) ?? [],
          excludeCategories: optionalStringList(general, 'LabelCategoryExclusionFilters', { maxItems: 100 }) ?? [],
        }),
        LabelModelVersion: LABEL_MODEL_VERSION,
      };
    },

    async DetectFaces(input) {
      const attributes = requestedAttributes(optionalEnumList(input, 'Attributes', FACE_ATTRIBUTE_VALUES) ?? []);
      const result = await analyze(input, { faces: { descriptors: false } });
      return { FaceDetails: (result.faces ?? []).map((face) => faceDetail(face, result, attributes)) };
    },

    async RecognizeCelebrities(input) {
      const result = await analyze(input, { faces: { descriptors: true } });
      const people = await knownFaces.people();
      const CelebrityFaces = [];
      const UnrecognizedFaces = [];
      // The service recognises up to 64 celebrities in an image, the largest faces first.
      for (const face of byFaceSize(result.faces ?? []).slice(0, 64)) {
        const match = face.descriptor ? KnownFaces.match(people, face.descriptor) : undefined;
        if (match) {
          CelebrityFaces.push({
            Urls: [],
            Name: match.person.name,
            Id: match.person.id,
            Face: comparedFace(face, result),
            MatchConfidence: match.similarity,
          });
        } else {
          UnrecognizedFaces.push(comparedFace(face, result));
        }
      }
      return { CelebrityFaces, UnrecognizedFaces };
    },

    async DetectModerationLabels(input) {
      const minConfidence = optionalNumber(input, 'MinConfidence', { min: 0, max: 100 }) ?? 50;
      const result = await analyze(input, { moderation: true });
      return {
        ...moderationLabels(result.moderation ?? {}, minConfidence),
        ModerationModelVersion: MODERATION_MODEL_VERSION,
      };
    },

    async DetectText(input) {
      const filters = optionalObject(input, 'Filters') ?? {};
      const wordFilter = optionalObject(filters, 'WordFilter') ?? {};
      const regions = (Array.isArray(filters.RegionsOfInterest) ? filters.RegionsOfInterest : []).map((region) => {
        const box = optionalObject(region as Input, 'BoundingBox');
        if (!box) {
          throw RekognitionErrors.invalidParameter(
            'Request has invalid parameters: RegionsOfInterest needs BoundingBox',
          );
        }
        return {
          left: optionalNumber(box, 'Left', { min: 0, max: 1 }) ?? 0,
          top: optionalNumber(box, 'Top', { min: 0, max: 1 }) ?? 0,
          width: optionalNumber(box, 'Width', { min: 0, max: 1 }) ?? 1,
          height: optionalNumber(box, 'Height', { min: 0, max: 1 }) ?? 1,
        };
      });
      const result = await analyze(input, { text: true });
      return {
        TextDetections: textDetections(result.text ?? [], {
          minConfidence: optionalNumber(wordFilter, 'MinConfidence', { min: 0, max: 100 }) ?? 80,
          minBoundingBoxHeight: optionalNumber(wordFilter, 'MinBoundingBoxHeight', { min: 0, max: 1 }) ?? 0,
          minBoundingBoxWidth: optionalNumber(wordFilter, 'MinBoundingBoxWidth', { min: 0, max: 1 }) ?? 0,
          regions,
        }),
        TextModelVersion: TEXT_MODEL_VERSION,
      };
    },

    CreateCollection(input) {
      const collectionId = requiredString(input, 'CollectionId', COLLECTION_ID);
      const arn = collectionArn(collectionId);
      collections.create({
        collectionId,
        arn,
        createdAt: Date.now(),
        faceModelVersion: FACE_MODEL_VERSION,
        faces: [],
      });
      return { StatusCode: 200, CollectionArn: arn, FaceModelVersion: FACE_MODEL_VERSION };
    },

    DeleteCollection(input) {
      collections.delete(requiredString(input, 'CollectionId', COLLECTION_ID));
      return { StatusCode: 200 };
    },

    DescribeCollection(input) {
      const collection = collections.get(requiredString(input, 'CollectionId', COLLECTION_ID));
      return {
        FaceCount: collection.faces.length,
        FaceModelVersion: collection.faceModelVersion,
        CollectionARN: collection.arn,
        CreationTimestamp: new Date(collection.createdAt),
        UserCount: 0,
      };
    },

    ListCollections(input) {
      const maxResults = optionalNumber(input, 'MaxResults', { min: 0, max: 4096, integer: true }) ?? 1000;
      const token = optionalString(input, 'NextToken', PAGINATION_TOKEN);
      const { slice, next } = page(collections.list(), token, maxResults, 'collections');
      return {
        CollectionIds: slice.map((collection) => collection.collectionId),
        FaceModelVersions: slice.map((collection) => collection.faceModelVersion),
        ...(next ? { NextToken: next } : {}),
      };
    },

    async IndexFaces(input) {
      const collectionId = requiredString(input, 'CollectionId', COLLECTION_ID);
      const externalImageId = optionalString(input, 'ExternalImageId', EXTERNAL_IMAGE_ID);
      const maxFaces = optionalNumber(input, 'MaxFaces', { min: 1, integer: true }) ?? 100;
      const qualityFilter = optionalEnum(input, 'QualityFilter', QUALITY_FILTERS) ?? 'AUTO';
      const attributes = requestedAttributes(
        optionalEnumList(input, 'DetectionAttributes', FACE_ATTRIBUTE_VALUES) ?? [],
      );
      collections.get(collectionId);
      const result = await analyze(input, { faces: { descriptors: true } });
      const imageId = randomUUID();
      const indexed: StoredFace[] = [];
      const FaceRecords = [];
      const UnindexedFaces = [];
      for (const face of byFaceSize(result.faces ?? [])) {
        const FaceDetail = faceDetail(face, result, attributes);
        const reasons = qualityReasons(face, result, qualityFilter);
        if (indexed.length >= maxFaces) reasons.unshift('EXCEEDS_MAX_FACES');
        if (reasons.length > 0 || !face.descriptor) {
          UnindexedFaces.push({ Reasons: reasons, FaceDetail });
          continue;
        }
        const stored: StoredFace = {
          FaceId: randomUUID(),
          BoundingBox: boundingBox(face.box),
          ImageId: imageId,
          ...(externalImageId ? { ExternalImageId: externalImageId } : {}),
          Confidence: FaceDetail.Confidence,
          IndexFacesModelVersion: FACE_MODEL_VERSION,
          descriptor: face.descriptor,
        };
        indexed.push(stored);
        FaceRecords.push({ Face: storedFaceView(stored), FaceDetail });
      }
      if (indexed.length > 0) collections.update(collectionId, (faces) => [...faces, ...indexed]);
      return { FaceRecords, FaceModelVersion: FACE_MODEL_VERSION, UnindexedFaces };
    },

    async SearchFacesByImage(input) {
      const collectionId = requiredString(input, 'CollectionId', COLLECTION_ID);
      const maxFaces = optionalNumber(input, 'MaxFaces', { min: 1, max: 4096, integer: true }) ?? 80;
      const threshold = optionalNumber(input, 'FaceMatchThreshold', { min: 0, max: 100 }) ?? 80;
      const qualityFilter = optionalEnum(input, 'QualityFilter', QUALITY_FILTERS) ?? 'NONE';
      const collection = collections.get(collectionId);
      const result = await analyze(input, { faces: { descriptors: true } });
      const face = byFaceSize(result.faces ?? []).find(
        (candidate) => qualityReasons(candidate, result, qualityFilter).length === 0,
      );
      if (!face?.descriptor) {
        throw RekognitionErrors.invalidParameter('There are no faces in the image. Should be at least 1.');
      }
      return {
        SearchedFaceBoundingBox: boundingBox(face.box),
        SearchedFaceConfidence: faceDetail(face, result, new Set()).Confidence,
        FaceMatches: searchCollection(collection.faces, face.descriptor, threshold, maxFaces),
        FaceModelVersion: collection.faceModelVersion,
      };
    },

    SearchFaces(input) {
      const collectionId = requiredString(input, 'CollectionId', COLLECTION_ID);
      const faceId = requiredString(input, 'FaceId', { pattern: FACE_ID });
      const maxFaces = optionalNumber(input, 'MaxFaces', { min: 1, max: 4096, integer: true }) ?? 80;
      const threshold = optionalNumber(input, 'FaceMatchThreshold', { min: 0, max: 100 }) ?? 80;
      const collection = collections.get(collectionId);
      const searched = collection.faces.find((face) => face.FaceId === faceId);
      if (!searched) {
        throw RekognitionErrors.invalidParameter(
          `Request has invalid parameters: face ${faceId} is not in the collection`,
        );
      }
      return {
        SearchedFaceId: faceId,
        FaceMatches: searchCollection(collection.faces, searched.descriptor, threshold, maxFaces, faceId),
        FaceModelVersion: collection.faceModelVersion,
      };
    },

    ListFaces(input) {
      const collectionId = requiredString(input, 'CollectionId', COLLECTION_ID);
      const maxResults = optionalNumber(input, 'MaxResults', { min: 0, max: 4096, integer: true }) ?? 1000;
      const token = optionalString(input, 'NextToken', PAGINATION_TOKEN);
      const faceIds = optionalStringList(input, 'FaceIds', { pattern: FACE_ID, minItems: 1, maxItems: 4096 });
      const collection = collections.get(collectionId);
      const faces = faceIds ? collection.faces.filter((face) => faceIds.includes(face.FaceId)) : collection.faces;
      const { slice, next } = page(faces, token, maxResults, `faces:${collectionId}`);
      return {
        Faces: slice.map(storedFaceView),
        FaceModelVersion: collection.faceModelVersion,
        ...(next ? { NextToken: next } : {}),
      };
    },

    DeleteFaces(input) {
      const collectionId = requiredString(input, 'CollectionId', COLLECTION_ID);
      const faceIds = optionalStringList(input, 'FaceIds', { pattern: FACE_ID, minItems: 1, maxItems: 4096 });
      if (!faceIds) throw RekognitionErrors.invalidParameter('Request has invalid parameters: FaceIds is required');
      const collection = collections.get(collectionId);
      const present = new Set(collection.faces.map((face) => face.FaceId));
      const DeletedFaces = faceIds.filter((id) => present.has(id));
      collections.update(collectionId, (faces) => faces.filter((face) => !DeletedFaces.includes(face.FaceId)));
      return {
        DeletedFaces,
        UnsuccessfulFaceDeletions: faceIds
          .filter((id) => !present.has(id))
          .map((id) => ({ FaceId: id, Reasons: ['FACE_NOT_FOUND'] })),
      };
    },
  };
}
