import { invalid, notFound } from './errors';
import type { CustomLabelModel, FaceCollectionSummary, FaceCollections } from './console-ports';

/**
 * `/rekognition/face-collection(s)` and `/rekognition/custom-label-models`: the Rekognition face collections the
 * analysis matches faces against, and the Custom Labels models it may run. Faces themselves are managed through
 * `/faceindexer`: the original answers its `/rekognition/faces` and `/rekognition/face` routes as deprecated.
 */

/** The original's `validateFaceCollectionId` (Rekognition's own pattern), with Rekognition's length limit. */
const COLLECTION_ID = /^[a-zA-Z0-9_.-]{1,255}$/;

export function parseCollectionId(value: unknown): string {
  let id = value;
  if (typeof id === 'string') {
    try {
      // Query values come encoded once more by the original web app; a valid id reads the same either way.
      id = decodeURIComponent(id);
    } catch {
      throw invalid('invalid collection id');
    }
  }
  if (typeof id !== 'string' || !COLLECTION_ID.test(id)) throw invalid('invalid collection id');
  return id;
}

export function deprecatedFaceRoute(): never {
  throw invalid('Deprecated. Use /faceindexer instead.');
}

export class FaceCollectionLibrary {
  constructor(private readonly collections: FaceCollections) {}

  list(): Promise<FaceCollectionSummary[]> {
    return this.collections.list();
  }

  /** The original answers an unknown collection with an empty 200; a 404 here. */
  async get(collectionId: string): Promise<FaceCollectionSummary> {
    const collection = await this.collections.describe(collectionId);
    if (collection === undefined) throw notFound(`face collection ${collectionId} not found`);
    return collection;
  }

  create(collectionId: string): Promise<FaceCollectionSummary> {
    return this.collections.create(collectionId);
  }

  async delete(collectionId: string): Promise<{ statusCode: number | undefined }> {
    return { statusCode: await this.collections.delete(collectionId) };
  }

  customLabelModels(): Promise<CustomLabelModel[]> {
    return this.collections.customLabelModels();
  }
}
