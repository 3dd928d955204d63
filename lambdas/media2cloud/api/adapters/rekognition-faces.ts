import { RekognitionVision } from '../../../shared/ai/rekognition';
import type { CollectionFace, CollectionFacePage, CollectionFaces } from '../domain/face-indexer';
import { refusals } from './rekognition-refusals';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';

/** The faces of the account's collections, through the shared Rekognition adapter. */
export class RekognitionFaces implements CollectionFaces {
  private readonly vision: RekognitionVision;

  constructor(client: RekognitionClient) {
    this.vision = new RekognitionVision(client);
  }

  /** As the original indexes a face: the one largest face, of high quality only. */
  async indexFace(
    collectionId: string,
    image: Uint8Array,
    externalImageId: string,
  ): Promise<CollectionFace | undefined> {
    const { indexed } = await refusals(() =>
      this.vision.indexFaces(collectionId, { bytes: image }, { externalImageId, maxFaces: 1, qualityFilter: 'HIGH' }),
    );
    const face = indexed[0];
    return face ? collectionFace(face) : undefined;
  }

  async listFaces(collectionId: string, page: { pageSize: number; token?: string }): Promise<CollectionFacePage> {
    const listed = await refusals(() =>
      this.vision.listFacesPage(collectionId, {
        pageSize: page.pageSize,
        ...(page.token ? { nextToken: page.token } : {}),
      }),
    );
    return { faces: listed.faces.map(collectionFace), ...(listed.nextToken ? { token: listed.nextToken } : {}) };
  }

  async faceCount(collectionId: string): Promise<number | undefined> {
    try {
      return (await this.vision.describeCollection(collectionId)).faceCount;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  async deleteFaces(collectionId: string, faceIds: readonly string[]): Promise<string[]> {
    return (await refusals(() => this.vision.deleteFaces(collectionId, faceIds))).deleted;
  }
}

function collectionFace(face: { faceId: string; externalImageId?: string; userId?: string }): CollectionFace {
  return {
    faceId: face.faceId,
    ...(face.externalImageId ? { externalImageId: face.externalImageId } : {}),
    ...(face.userId ? { userId: face.userId } : {}),
  };
}
