import type {
  IngestionState,
  ProcessingState,
  ProjectRecord,
  QualityAssessment,
  TeamRecord,
  UploadState,
  UserRecord,
  VideoMetadata,
  VideoRecord,
} from './records';

/** Users, keyed by id, with a unique e-mail. */
export interface UserStore {
  get(id: string): Promise<UserRecord | undefined>;
  getByEmail(email: string): Promise<UserRecord | undefined>;
  /** Fails with `conflict` when the e-mail is taken. */
  create(user: UserRecord): Promise<void>;
  update(id: string, changes: Partial<Omit<UserRecord, 'id' | 'email'>>): Promise<UserRecord>;
}

export interface TeamStore {
  get(id: string): Promise<TeamRecord | undefined>;
  getMany(ids: readonly string[]): Promise<TeamRecord[]>;
  put(team: TeamRecord): Promise<void>;
}

/** Items of a team (or project, or parent video) in creation order, newest first: one page of keys and the total. */
export interface Listing<T> {
  readonly items: readonly T[];
  readonly total: number;
}

export interface ProjectStore {
  get(id: string): Promise<ProjectRecord | undefined>;
  put(project: ProjectRecord): Promise<void>;
  rename(id: string, name: string, timeLastUpdated: string): Promise<ProjectRecord>;
  delete(id: string): Promise<void>;
  listByTeam(teamId: string, offset: number, limit: number): Promise<Listing<ProjectRecord>>;
}

/** The subset of a video the listings show. */
export type VideoSummaryRecord = Pick<
  VideoRecord,
  'id' | 'parentId' | 'projectId' | 'teamId' | 'name' | 'fileName' | 'dateCreated' | 'timeLastUpdated'
>;

export interface VideoFilter {
  readonly teamId: string;
  readonly projectId?: string;
  readonly parentId?: string;
}

export interface VideoStore {
  get(id: string): Promise<VideoRecord | undefined>;
  put(video: VideoRecord): Promise<void>;
  delete(id: string): Promise<void>;
  list(filter: VideoFilter, offset: number, limit: number): Promise<Listing<VideoSummaryRecord>>;
  /** Whether any video belongs to the project (to refuse deleting it). */
  anyInProject(projectId: string): Promise<boolean>;
  children(parentId: string): Promise<VideoRecord[]>;

  /**
   * Records a finished upload once per object: `false` when this object key was already recorded (the API and the
   * bucket's event both report an upload; whichever comes second does nothing).
   */
  completeUpload(id: string, upload: UploadState, ingestion: IngestionState, now: string): Promise<boolean>;
  updateIngestion(id: string, changes: Partial<IngestionState>, now: string): Promise<void>;
  setMetadata(id: string, metadata: VideoMetadata, now: string): Promise<void>;
  setQualityAssessment(id: string, assessment: QualityAssessment, now: string): Promise<void>;
  updateProcessing(id: string, changes: Partial<ProcessingState>, now: string): Promise<void>;
  /** One segment's share of the work done, written without reading (segments run in parallel). */
  setSegmentProgress(id: string, segment: number, fraction: number, now: string): Promise<void>;
  /** The processed media: upload fields, file name and the metadata of what was written. */
  completeProcessing(id: string, upload: UploadState, metadata: VideoMetadata, now: string): Promise<void>;
}

/** Media objects in the media bucket. */
export interface MediaStore {
  /** A presigned POST for a browser-style upload of `key` (fields to send with the file). */
  presignedPost(
    key: string,
    options: { contentType: string; maxBytes: number; metadata: Record<string, string>; expiresSeconds: number },
  ): Promise<{ url: string; fields: Record<string, string> }>;
  put(key: string, body: Buffer, contentType: string, metadata: Record<string, string>): Promise<void>;
  head(key: string): Promise<MediaObjectHead | undefined>;
  /** The bytes of `key` (optionally a range `[start, end]` inclusive). */
  get(key: string, range?: { start: number; end: number }): Promise<Buffer>;
  presignedGet(key: string, options: { fileName: string; expiresSeconds: number }): Promise<string>;
  deletePrefix(prefix: string): Promise<void>;
}

export interface MediaObjectHead {
  readonly size: number;
  readonly etag: string;
  readonly contentType: string;
  readonly lastModified: Date;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Ingestion and processing runs (Step Functions executions). */
export interface Workflows {
  startIngestion(input: IngestionInput, name: string): Promise<string>;
  startProcessing(input: ProcessingInput, name: string): Promise<string>;
  stop(executionArn: string, cause: string): Promise<void>;
}

export interface IngestionInput {
  readonly videoId: string;
  readonly light: boolean;
}

/** One part of the range to process; times in seconds from the start of the source. */
export interface ProcessingSegment {
  readonly index: number;
  readonly start: number;
  readonly duration: number;
}

export interface ProcessingInput {
  readonly videoId: string;
  readonly sourceVideoId: string;
  readonly segments: readonly ProcessingSegment[];
  /** How many segments encode at once (the Map state's MaxConcurrency). */
  readonly maxConcurrency: number;
}

export interface Clock {
  now(): number;
}

export interface PixopPorts {
  readonly users: UserStore;
  readonly teams: TeamStore;
  readonly projects: ProjectStore;
  readonly videos: VideoStore;
  readonly media: MediaStore;
  readonly workflows: Workflows;
}

export interface PixopSettings {
  /** How many segments of one video encode at once. */
  readonly maxConcurrency: number;
  /** Target length of a segment; inputs shorter than two segments are encoded in one. */
  readonly segmentSeconds: number;
}
