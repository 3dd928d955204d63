import {
  CreateCollectionCommand,
  DeleteCollectionCommand,
  DeleteFacesCommand,
  DescribeCollectionCommand,
  IndexFacesCommand,
  ListCollectionsCommand,
  ListFacesCommand,
  SearchFacesByImageCommand,
  SearchFacesCommand,
  type RekognitionServiceException,
} from '@aws-sdk/client-rekognition';
import { faceSample, renderText, startRekognition, type RekognitionHarness } from './support';

// The first call of the face model loads it in the model process.
jest.setTimeout(180_000);

describe('local Rekognition: face collections', () => {
  let rekognition: RekognitionHarness;

  beforeAll(async () => {
    rekognition = await startRekognition();
  });

  afterAll(() => rekognition.stop());

  async function failure(promise: Promise<unknown>): Promise<RekognitionServiceException> {
    try {
      await promise;
    } catch (error) {
      return error as RekognitionServiceException;
    }
    throw new Error('the call succeeded');
  }

  it('creates, describes and lists collections, with the service’s ARN form', async () => {
    // Act
    const created = await rekognition.client.send(new CreateCollectionCommand({ CollectionId: 'listing-a' }));
    await rekognition.client.send(new CreateCollectionCommand({ CollectionId: 'listing-b' }));
    const described = await rekognition.client.send(new DescribeCollectionCommand({ CollectionId: 'listing-a' }));
    const first = await rekognition.client.send(new ListCollectionsCommand({ MaxResults: 1 }));
    const second = await rekognition.client.send(
      new ListCollectionsCommand({ MaxResults: 1, NextToken: first.NextToken }),
    );

    // Assess
    expect(created).toMatchObject({
      StatusCode: 200,
      CollectionArn: 'aws:rekognition:us-east-1:000000000000:collection/listing-a',
    });
    expect(described).toMatchObject({ FaceCount: 0, CollectionARN: created.CollectionArn });
    expect(described.CreationTimestamp).toBeInstanceOf(Date);
    expect(first.CollectionIds).toEqual(['listing-a']);
    expect(second.CollectionIds).toEqual(['listing-b']);
    expect(second.NextToken).toBeUndefined();
  });

  it('refuses a second collection with the same id and unknown collections', async () => {
    // Prepare
    await rekognition.client.send(new CreateCollectionCommand({ CollectionId: 'twice' }));

    // Act
    const again = await failure(rekognition.client.send(new CreateCollectionCommand({ CollectionId: 'twice' })));
    const missing = await failure(rekognition.client.send(new DescribeCollectionCommand({ CollectionId: 'nope' })));
    const badId = await failure(rekognition.client.send(new CreateCollectionCommand({ CollectionId: 'no spaces' })));

    // Assess
    expect(again.name).toBe('ResourceAlreadyExistsException');
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(badId.name).toBe('InvalidParameterException');
  });

  it('indexes faces, finds the same person in another photo, pages and deletes faces', async () => {
    // Prepare
    await rekognition.client.send(new CreateCollectionCommand({ CollectionId: 'people' }));

    // Act: index one photo, keeping its two largest faces
    const indexed = await rekognition.client.send(
      new IndexFacesCommand({
        CollectionId: 'people',
        Image: { Bytes: faceSample(1) },
        ExternalImageId: 'sample1.jpg',
        MaxFaces: 2,
        DetectionAttributes: ['ALL'],
      }),
    );

    // Assess: two indexed, the third left out for MaxFaces
    expect(indexed.FaceRecords).toHaveLength(2);
    expect(indexed.FaceRecords![0]!.Face).toMatchObject({
      FaceId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ExternalImageId: 'sample1.jpg',
    });
    expect(indexed.FaceRecords![0]!.FaceDetail!.AgeRange).toBeDefined();
    expect(indexed.UnindexedFaces).toHaveLength(1);
    expect(indexed.UnindexedFaces![0]!.Reasons).toContain('EXCEEDS_MAX_FACES');

    // Act: search with the same photo, and by face id
    const [faceA, faceB] = indexed.FaceRecords!.map((record) => record.Face!.FaceId!);
    const byImage = await rekognition.client.send(
      new SearchFacesByImageCommand({ CollectionId: 'people', Image: { Bytes: faceSample(1) } }),
    );
    const byFace = await rekognition.client.send(
      new SearchFacesCommand({ CollectionId: 'people', FaceId: faceA, FaceMatchThreshold: 0 }),
    );

    // Assess: the largest face finds itself; a face search never returns the face searched
    expect(byImage.FaceMatches![0]!.Face!.FaceId).toBe(faceA);
    expect(byImage.FaceMatches![0]!.Similarity!).toBeGreaterThan(95);
    expect(byImage.SearchedFaceBoundingBox).toEqual(indexed.FaceRecords![0]!.Face!.BoundingBox);
    expect(byFace.SearchedFaceId).toBe(faceA);
    expect(byFace.FaceMatches!.map((match) => match.Face!.FaceId)).toEqual([faceB]);
    expect(byFace.FaceMatches![0]!.Similarity!).toBeLessThan(80);

    // Act: page through the faces, then delete one
    const page1 = await rekognition.client.send(new ListFacesCommand({ CollectionId: 'people', MaxResults: 1 }));
    const page2 = await rekognition.client.send(
      new ListFacesCommand({ CollectionId: 'people', MaxResults: 1, NextToken: page1.NextToken }),
    );
    const deleted = await rekognition.client.send(
      new DeleteFacesCommand({ CollectionId: 'people', FaceIds: [faceA, '00000000-0000-0000-0000-000000000000'] }),
    );
    const after = await rekognition.client.send(new ListFacesCommand({ CollectionId: 'people' }));

    // Assess
    expect([...page1.Faces!, ...page2.Faces!].map((face) => face.FaceId)).toEqual([faceA, faceB]);
    expect(page2.NextToken).toBeUndefined();
    expect(deleted.DeletedFaces).toEqual([faceA]);
    expect(deleted.UnsuccessfulFaceDeletions).toEqual([
      { FaceId: '00000000-0000-0000-0000-000000000000', Reasons: ['FACE_NOT_FOUND'] },
    ]);
    expect(after.Faces!.map((face) => face.FaceId)).toEqual([faceB]);
  });

  it('answers a search with an image without faces as the service does', async () => {
    // Prepare
    await rekognition.client.send(new CreateCollectionCommand({ CollectionId: 'empty-search' }));

    // Act
    const error = await failure(
      rekognition.client.send(
        new SearchFacesByImageCommand({ CollectionId: 'empty-search', Image: { Bytes: renderText(['NO FACES']) } }),
      ),
    );

    // Assess
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toBe('There are no faces in the image. Should be at least 1.');
  });

  it('refuses a pagination token it did not issue', async () => {
    // Prepare
    await rekognition.client.send(new CreateCollectionCommand({ CollectionId: 'tokens' }));

    // Act
    const error = await failure(
      rekognition.client.send(new ListFacesCommand({ CollectionId: 'tokens', NextToken: 'bm90LWEtdG9rZW4' })),
    );

    // Assess
    expect(error.name).toBe('InvalidPaginationTokenException');
  });

  it('deletes a collection and its faces', async () => {
    // Prepare
    await rekognition.client.send(new CreateCollectionCommand({ CollectionId: 'short-lived' }));

    // Act
    const deleted = await rekognition.client.send(new DeleteCollectionCommand({ CollectionId: 'short-lived' }));
    const error = await failure(rekognition.client.send(new ListFacesCommand({ CollectionId: 'short-lived' })));

    // Assess
    expect(deleted.StatusCode).toBe(200);
    expect(error.name).toBe('ResourceNotFoundException');
  });
});
