import {
  CreateCollectionCommand,
  DeleteCollectionCommand,
  DescribeCollectionCommand,
  DescribeProjectsCommand,
  DescribeProjectVersionsCommand,
  ListCollectionsCommand,
  type RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { refusals } from './rekognition-refusals';
import type { CustomLabelModel, FaceCollectionSummary, FaceCollections } from '../domain/console-ports';

/** A project version that can never run. */
const UNUSABLE_VERSION_STATUSES = new Set(['TRAINING_FAILED', 'FAILED', 'DELETING']);

/** The account's face collections and Custom Labels projects, in the function's region. */
export class RekognitionCollections implements FaceCollections {
  constructor(private readonly client: RekognitionClient) {}

  async list(): Promise<FaceCollectionSummary[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new ListCollectionsCommand({ MaxResults: 100, NextToken: nextToken }));
      ids.push(...(page.CollectionIds ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    const described = await Promise.all(ids.map((id) => this.describe(id)));
    return described.filter((collection): collection is FaceCollectionSummary => collection !== undefined);
  }

  async describe(collectionId: string): Promise<FaceCollectionSummary | undefined> {
    try {
      const collection = await this.client.send(new DescribeCollectionCommand({ CollectionId: collectionId }));
      return {
        name: collectionId,
        faces: collection.FaceCount ?? 0,
        modelVersion: collection.FaceModelVersion,
        creationDate: collection.CreationTimestamp,
      };
    } catch (error) {
      // Deleted between listing and describing, or never there.
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  async create(collectionId: string): Promise<FaceCollectionSummary> {
    const created = await refusals(() => this.client.send(new CreateCollectionCommand({ CollectionId: collectionId })));
    return { name: collectionId, faces: 0, modelVersion: created.FaceModelVersion, creationDate: new Date() };
  }

  async delete(collectionId: string): Promise<number | undefined> {
    const deleted = await refusals(() => this.client.send(new DeleteCollectionCommand({ CollectionId: collectionId })));
    return deleted.StatusCode;
  }

  /** Projects whose status is `CREATED`, named `<project>/<timestamp>` as the original names them. */
  async customLabelModels(): Promise<CustomLabelModel[]> {
    const projectArns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new DescribeProjectsCommand({ MaxResults: 100, NextToken: nextToken }));
      for (const project of page.ProjectDescriptions ?? []) {
        if (project.Status === 'CREATED' && project.ProjectArn) projectArns.push(project.ProjectArn);
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return Promise.all(
      projectArns.map(async (projectArn) => ({
        name: projectArn.slice(projectArn.indexOf('/') + 1),
        canUse: await this.hasUsableVersion(projectArn),
      })),
    );
  }

  private async hasUsableVersion(projectArn: string): Promise<boolean> {
    const { ProjectVersionDescriptions: versions = [] } = await this.client.send(
      new DescribeProjectVersionsCommand({ ProjectArn: projectArn, MaxResults: 100 }),
    );
    return versions.some((version) => !UNUSABLE_VERSION_STATUSES.has(version.Status ?? ''));
  }
}
