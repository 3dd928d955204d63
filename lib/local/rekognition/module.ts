import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { jsonRpc } from '../protocol/json-rpc';
import { startAwsEndpoint } from '../protocol/endpoint';
import type { LocalService, LocalServiceModule } from '../service-module';
import { CollectionStore } from './collections';
import { imageOperations } from './image-operations';
import { s3ObjectReader } from './images';
import { KnownFaces } from './known-faces';
import { ModelPool } from './models/pool';
import { projectOperations } from './projects';
import { FACE_MODEL_VERSION } from './taxonomy';
import { VideoJobs } from './video/jobs';
import { videoOperations } from './video/operations';

export interface RekognitionService extends LocalService {
  readonly endpoint: string;
  /** The folder of known people celebrity recognition names. */
  readonly knownFacesDirectory: string;
  /** Resolves when no video job is queued or running (tests, benchmarks). */
  idle(): Promise<void>;
}

/**
 * Rekognition: image and stored-video analysis with real models run on the media (see `models/worker.ts`), face
 * collections, and video jobs that run off the request path. Collections, jobs and their results live under the
 * module's directory and survive restarts; a job a restart interrupted runs again.
 */
export const rekognitionModule: LocalServiceModule = {
  name: 'rekognition',
  listens: true,
  endpointVariable: 'AWS_ENDPOINT_URL_REKOGNITION',
  outputKey: 'RekognitionEndpoint',
  resourceTypes: {
    'AWS::Rekognition::Collection': {
      physicalId: ({ explicit, generated }) => explicit('CollectionId') ?? generated.slice(0, 255),
      arn: ({ name, region, accountId }) => `arn:aws:rekognition:${region}:${accountId}:collection/${name}`,
    },
  },
  async start({ cloud, directory, port }): Promise<RekognitionService> {
    const models = new ModelPool();
    const collections = new CollectionStore(directory);
    const knownFacesDirectory = path.join(directory, 'known-faces');
    const knownFaces = new KnownFaces(knownFacesDirectory, models);
    let s3: S3Client | undefined;
    // S3 is read as Rekognition reads it, through its API; the endpoint is looked up on first use.
    const reader = s3ObjectReader(
      () =>
        (s3 ??= new S3Client({
          region: cloud.region,
          credentials: cloud.credentials,
          endpoint: cloud.endpoint('s3'),
          forcePathStyle: true,
        })),
    );
    const jobs = new VideoJobs({ directory, models, reader, collections, knownFaces, log: cloud.log });
    const running = await startAwsEndpoint(
      {
        protocol: 'json',
        jsonContentType: 'application/x-amz-json-1.1',
        signingName: 'rekognition',
        region: cloud.region,
        principals: cloud.principals,
        handle: jsonRpc({
          targetPrefix: 'RekognitionService',
          contentType: 'application/x-amz-json-1.1',
          operations: {
            ...imageOperations({
              models,
              reader,
              collections,
              knownFaces,
              region: cloud.region,
              accountId: cloud.accountId,
            }),
            ...videoOperations(jobs),
            ...projectOperations(),
          },
        }),
      },
      port,
    );
    jobs.resume();
    return {
      endpoint: running.endpoint,
      knownFacesDirectory,
      idle: () => jobs.idle(),
      deploy({ resolver, logicalId, resource }) {
        if (resource.Type !== 'AWS::Rekognition::Collection') return;
        const collectionId = resolver.physicalId(logicalId);
        if (collections.find(collectionId)) return;
        collections.create({
          collectionId,
          arn: `aws:rekognition:${cloud.region}:${cloud.accountId}:collection/${collectionId}`,
          createdAt: Date.now(),
          faceModelVersion: FACE_MODEL_VERSION,
          faces: [],
        });
      },
      quiesce: () => jobs.stop(),
      async close() {
        await running.close();
        await jobs.stop();
        await models.close();
        s3?.destroy();
      },
    };
  },
};
