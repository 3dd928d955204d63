import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../../shared/dynamodb/schema';
import type { Listing, VideoFilter, VideoStore, VideoSummaryRecord } from '../domain/ports';
import type {
  IngestionState,
  ProcessingState,
  QualityAssessment,
  UploadState,
  VideoMetadata,
  VideoRecord,
} from '../domain/records';
import { queryIndex } from './query-index';

const CREATED = { name: 'createdKey', type: 'S' } as const;
/** What a listing shows of a video, copied into each index. */
const VIDEO_SUMMARY = {
  type: 'INCLUDE',
  nonKeyAttributes: ['parentId', 'projectId', 'teamId', 'name', 'fileName', 'dateCreated', 'timeLastUpdated'],
} as const;

/** Videos by id; a team's, a project's and a parent's videos, newest first, through one index each. */
export const VIDEOS_TABLE = {
  partitionKey: { name: 'id', type: 'S' },
  indexes: {
    team: {
      indexName: 'team-created',
      partitionKey: { name: 'teamId', type: 'S' },
      sortKey: CREATED,
      projection: VIDEO_SUMMARY,
    },
    project: {
      indexName: 'project-created',
      partitionKey: { name: 'projectId', type: 'S' },
      sortKey: CREATED,
      projection: VIDEO_SUMMARY,
    },
    parent: {
      indexName: 'parent-created',
      partitionKey: { name: 'parentId', type: 'S' },
      sortKey: CREATED,
      projection: VIDEO_SUMMARY,
    },
  },
} as const satisfies TableSchema;

/**
 * The video a worker writes to was deleted meanwhile (deleting a video stops its run, but a task already running
 * finishes its step). The step fails with this name and writes nothing.
 */
export class VideoGone extends Error {
  constructor(id: string) {
    super(`Video ${id} no longer exists`);
    this.name = 'VideoGone';
  }
}

export class VideosTable implements VideoStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<VideoRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item as VideoRecord | undefined;
  }

  async put(video: VideoRecord): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: video }));
  }

  async delete(id: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { id } }));
  }

  list(filter: VideoFilter, offset: number, limit: number): Promise<Listing<VideoSummaryRecord>> {
    const { indexes } = VIDEOS_TABLE;
    const [index, value] = filter.parentId
      ? [indexes.parent, filter.parentId]
      : filter.projectId
        ? [indexes.project, filter.projectId]
        : [indexes.team, filter.teamId];
    return queryIndex<VideoSummaryRecord>(
      this.client,
      this.tableName,
      index,
      value,
      offset,
      limit,
      (video) => video.teamId === filter.teamId && (!filter.projectId || video.projectId === filter.projectId),
    );
  }

  async anyInProject(projectId: string): Promise<boolean> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: VIDEOS_TABLE.indexes.project.indexName,
        KeyConditionExpression: 'projectId = :project',
        ExpressionAttributeValues: { ':project': projectId },
        Limit: 1,
      }),
    );
    return (Items?.length ?? 0) > 0;
  }

  async children(parentId: string): Promise<VideoRecord[]> {
    const { items } = await queryIndex<VideoSummaryRecord>(
      this.client,
      this.tableName,
      VIDEOS_TABLE.indexes.parent,
      parentId,
      0,
      Number.MAX_SAFE_INTEGER,
    );
    const videos = await Promise.all(items.map((item) => this.get(item.id)));
    return videos.filter((video): video is VideoRecord => video !== undefined);
  }

  async completeUpload(id: string, upload: UploadState, ingestion: IngestionState, now: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression:
            'SET upload = :upload, ingestion = :ingestion, fileName = :fileName, timeLastUpdated = :now',
          // Once per video: the API and the bucket's event both report an upload.
          ConditionExpression: 'attribute_exists(id) AND upload.#status <> :done',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':upload': upload,
            ':ingestion': ingestion,
            ':fileName': upload.fileName,
            ':now': now,
            ':done': 'DONE',
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  updateIngestion(id: string, changes: Partial<IngestionState>, now: string): Promise<void> {
    return this.setFields(id, 'ingestion', { ...changes, updatedAt: now }, now);
  }

  setMetadata(id: string, metadata: VideoMetadata, now: string): Promise<void> {
    return this.setFields(id, 'ingestion', { metadata, videoMetadataAvailable: true, updatedAt: now }, now, {
      'upload.fileContainerName': metadata.longContainerName,
    });
  }

  setQualityAssessment(id: string, assessment: QualityAssessment, now: string): Promise<void> {
    return this.setFields(id, 'ingestion', { qualityAssessment: assessment, updatedAt: now }, now);
  }

  updateProcessing(id: string, changes: Partial<ProcessingState>, now: string): Promise<void> {
    return this.setFields(id, 'processing', { ...changes, updatedAt: now }, now);
  }

  async setSegmentProgress(id: string, segment: number, fraction: number, now: string): Promise<void> {
    await this.update(id, {
      UpdateExpression: 'SET processing.segmentProgress.#segment = :fraction, processing.updatedAt = :now',
      ExpressionAttributeNames: { '#segment': String(segment) },
      ExpressionAttributeValues: { ':fraction': fraction, ':now': now },
    });
  }

  completeProcessing(id: string, upload: UploadState, metadata: VideoMetadata, now: string): Promise<void> {
    return this.update(id, {
      UpdateExpression:
        'SET upload = :upload, fileName = :fileName, ingestion.metadata = :metadata, ingestion.videoMetadataAvailable = :yes, ' +
        'ingestion.videoMetadataCommitted = :yes, ingestion.#status = :done, ingestion.progress = :hundred, ' +
        'ingestion.updatedAt = :now, processing.#status = :done, processing.joinProgress = :one, processing.updatedAt = :now, ' +
        'timeLastUpdated = :now',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':upload': upload,
        ':fileName': upload.fileName,
        ':metadata': metadata,
        ':yes': true,
        ':done': 'DONE',
        ':hundred': 100,
        ':one': 1,
        ':now': now,
      },
    });
  }

  /** `SET <map>.<field> = …` for each change (REMOVE for `undefined`), on an existing video only. */
  private setFields(
    id: string,
    map: 'ingestion' | 'processing',
    changes: Record<string, unknown>,
    now: string,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const names: Record<string, string> = { '#map': map };
    const values: Record<string, unknown> = { ':now': now };
    const sets = ['timeLastUpdated = :now'];
    const removes: string[] = [];
    Object.entries(changes).forEach(([key, value], index) => {
      names[`#f${index}`] = key;
      if (value === undefined) removes.push(`#map.#f${index}`);
      else {
        sets.push(`#map.#f${index} = :v${index}`);
        values[`:v${index}`] = value;
      }
    });
    Object.entries(extra).forEach(([path, value], index) => {
      const parts = path.split('.').map((part, depth) => {
        names[`#x${index}_${depth}`] = part;
        return `#x${index}_${depth}`;
      });
      sets.push(`${parts.join('.')} = :x${index}`);
      values[`:x${index}`] = value;
    });
    return this.update(id, {
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }

  private async update(
    id: string,
    expression: {
      UpdateExpression: string;
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues?: Record<string, unknown>;
    },
  ): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          ConditionExpression: 'attribute_exists(id)',
          ...expression,
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VideoGone(id);
      throw error;
    }
  }
}
