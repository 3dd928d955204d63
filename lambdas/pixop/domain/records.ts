/**
 * What the Pixop tables hold. Field names of the nested objects are the API's own where the API shows them, so the
 * wire views in `views.ts` are mostly projections.
 */

/** The key pair a user's tokens are signed with. The private key never leaves the accounts table. */
export interface SigningKey {
  readonly kid: string;
  /** JWS algorithm, reported as `authSignatureMethod`. */
  readonly alg: string;
  /** PEM (SPKI), reported as `authSignaturePublicKey`. */
  readonly publicKeyPem: string;
  /** PEM (PKCS#8). */
  readonly privateKeyPem: string;
}

export interface UserRecord {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly emailConfirmed: boolean;
  /** scrypt hash with its parameters and salt; see `passwords.ts`. */
  readonly passwordHash: string;
  readonly signingKey: SigningKey;
  readonly apiRequestSignatureSecret: string;
  readonly apiRequestSignatureMethod: string;
  readonly banned: boolean;
  readonly bannedReason?: string;
  readonly bannedDate?: string;
  /** Every team the user belongs to; the first is the default for a token issued without `team-id`. */
  readonly teamIds: readonly string[];
  readonly dateCreated: string;
  readonly timeLastUpdated: string;
}

export interface TeamRecord {
  readonly id: string;
  readonly name: string;
  readonly dateCreated: string;
  readonly timeLastUpdated: string;
}

export interface ProjectRecord {
  readonly id: string;
  readonly name: string;
  readonly teamId: string;
  readonly userId: string;
  /** Sort key of the team index (`creationKey`). */
  readonly createdKey: string;
  readonly dateCreated: string;
  readonly timeLastUpdated: string;
}

export type UploadStatus = 'AWAITING_UPLOAD' | 'DONE';
export type IngestionStatus = 'NOT_STARTED' | 'QUEUED' | 'INGESTING' | 'DONE' | 'FAILED';
export type ProcessingStatus = 'NOT_STARTED' | 'QUEUED' | 'PROCESSING' | 'DONE' | 'FAILED';

export interface UploadState {
  readonly status: UploadStatus;
  readonly updatedAt: string;
  readonly fileName?: string;
  readonly fileSize?: number;
  readonly fileType?: string;
  readonly fileContainerName?: string;
  /** Where the media lives in the media bucket. */
  readonly objectKey?: string;
  /** Light ingestion: metadata only. */
  readonly light?: boolean;
}

export interface PixelFormatInfo {
  readonly name: string;
  readonly chromaSubsampling: { readonly yuv: string; readonly bits: number };
}

export interface ScanningInfo {
  readonly scanningType: 'progressive' | 'interlaced' | 'unknown';
  readonly interlacedFieldOrder?: 'top_field' | 'bottom_field';
}

/** The `ingestion.metadata` object of the API, from ffprobe. */
export interface VideoMetadata {
  readonly containerName: string;
  readonly longContainerName: string;
  readonly codecName: string;
  readonly longCodecName: string;
  readonly pixelFormat: PixelFormatInfo;
  readonly frameWidth: number;
  readonly frameHeight: number;
  /** Display aspect ratio (storage aspect ratio when the file states none). */
  readonly displayAspectRatio: number;
  readonly scanning: { readonly metadata: ScanningInfo; readonly heuristics?: ScanningInfo };
  readonly averageFramerate: number;
  readonly durationInMillis: number;
  readonly totalFrames: number;
  readonly size: number;
  readonly videoStreamSize: number;
  /** Overall bit rate of the video stream, bits per second (for default target bit rates). */
  readonly videoBitrate: number;
  readonly hasAudio: boolean;
}

export interface QualityMetric {
  readonly name: string;
  readonly sampleMean: number;
  readonly subjectiveLabel: string;
  readonly subjectiveScore: number;
}

export interface QualityAssessment {
  readonly metrics: readonly QualityMetric[];
  readonly overallSubjectiveScore: number;
}

export interface IngestionState {
  readonly status: IngestionStatus;
  readonly updatedAt: string;
  readonly videoMetadataAvailable: boolean;
  readonly videoMetadataCommitted: boolean;
  readonly progress: number;
  readonly metadata?: VideoMetadata;
  readonly qualityAssessment?: QualityAssessment;
  readonly errorMessage?: string;
}

export interface ProcessingState {
  readonly status: ProcessingStatus;
  readonly updatedAt: string;
  /** The request as accepted, in the API's `processingParameters` shape. */
  readonly parameters?: Record<string, unknown>;
  /** What the encoder does (see `encoding.ts`); kept so every segment worker encodes the same way. */
  readonly plan?: Record<string, unknown>;
  /** Duration of each segment, ms; progress is weighted by these. */
  readonly segmentDurations?: readonly number[];
  /** Fraction (0–1) of each segment encoded, keyed by segment index, written by the workers in parallel. */
  readonly segmentProgress?: Readonly<Record<string, number>>;
  /** Fraction (0–1) of the join (concatenation, audio, upload). */
  readonly joinProgress?: number;
  readonly executionArn?: string;
  readonly errorMessage?: string;
}

export interface VideoRecord {
  readonly id: string;
  readonly teamId: string;
  readonly userId: string;
  readonly projectId: string;
  /** The source video of a processed video. */
  readonly parentId?: string;
  readonly name: string;
  readonly description?: string;
  readonly attributes: Record<string, unknown>;
  readonly createdKey: string;
  readonly dateCreated: string;
  readonly timeLastUpdated: string;
  /** Copied from `upload.fileName` for the list view (indexes project only top-level attributes). */
  readonly fileName?: string;
  readonly upload: UploadState;
  readonly ingestion: IngestionState;
  readonly processing: ProcessingState;
}
