import type { ProcessingState, ProjectRecord, VideoMetadata, VideoRecord } from './records';

/** Where the three services are, for the URLs Pixop's answers carry (`uploadMediaUrl`, `_links`, …). */
export interface ServiceUrls {
  readonly accounts: string;
  readonly videos: string;
  readonly media: string;
}

export function servicesAt(baseUrl: string): ServiceUrls {
  const base = baseUrl.replace(/\/+$/, '');
  return { accounts: `${base}/accounts`, videos: `${base}/videos`, media: `${base}/media` };
}

export function projectView(project: ProjectRecord) {
  return {
    id: project.id,
    name: project.name,
    teamId: project.teamId,
    dateCreated: project.dateCreated,
    timeLastUpdated: project.timeLastUpdated,
  };
}

/** `processingProgressPercent`: encoding is the first 90 %, weighted by segment length; joining the last 10 %. */
export function processingPercent(state: ProcessingState): number {
  if (state.status === 'DONE') return 100;
  const durations = state.segmentDurations ?? [];
  const total = durations.reduce((sum, duration) => sum + duration, 0);
  let encoded = 0;
  durations.forEach((duration, index) => {
    encoded += duration * Math.min(1, Math.max(0, state.segmentProgress?.[String(index)] ?? 0));
  });
  const encoding = total > 0 ? (encoded / total) * 90 : 0;
  return Math.round((encoding + Math.min(1, state.joinProgress ?? 0) * 10) * 10) / 10;
}

function metadataView(metadata: VideoMetadata) {
  return {
    containerName: metadata.containerName,
    longContainerName: metadata.longContainerName,
    codecName: metadata.codecName,
    longCodecName: metadata.longCodecName,
    pixelFormat: metadata.pixelFormat,
    frameWidth: metadata.frameWidth,
    frameHeight: metadata.frameHeight,
    displayAspectRatio: metadata.displayAspectRatio,
    scanning: metadata.scanning,
    averageFramerate: metadata.averageFramerate,
    durationInMillis: metadata.durationInMillis,
    totalFrames: metadata.totalFrames,
    size: metadata.size,
    videoStreamSize: metadata.videoStreamSize,
  };
}

export function ingestionStateView(video: VideoRecord) {
  const ingestion = video.ingestion;
  return {
    updatedAt: ingestion.updatedAt,
    ingestionStatus: ingestion.status,
    videoMetadataAvailable: ingestion.videoMetadataAvailable,
    videoMetadataCommitted: ingestion.videoMetadataCommitted,
    processingProgressPercent: ingestion.progress,
    ...(ingestion.errorMessage ? { errorMessage: ingestion.errorMessage } : {}),
  };
}

export function processingStateView(video: VideoRecord) {
  const processing = video.processing;
  return {
    updatedAt: processing.updatedAt,
    processingStatus: processing.status,
    processingProgressPercent: processingPercent(processing),
    ...(processing.errorMessage ? { errorMessage: processing.errorMessage } : {}),
  };
}

/** The full video object of `GET /v1/video/{id}`. */
export function videoView(video: VideoRecord) {
  const upload = video.upload;
  return {
    id: video.id,
    name: video.name,
    ...(video.description !== undefined ? { description: video.description } : {}),
    ...(video.parentId ? { parentId: video.parentId } : {}),
    projectId: video.projectId,
    userId: video.userId,
    teamId: video.teamId,
    upload: {
      uploadState: { updatedAt: upload.updatedAt, uploadStatus: upload.status },
      hasFinishedUploading: upload.status === 'DONE',
      ...(upload.fileName !== undefined ? { fileName: upload.fileName } : {}),
      ...(upload.fileSize !== undefined ? { fileSize: upload.fileSize } : {}),
      ...(upload.fileType !== undefined ? { fileType: upload.fileType } : {}),
      ...(upload.fileContainerName !== undefined ? { fileContainerName: upload.fileContainerName } : {}),
    },
    ingestion: {
      ingestionState: ingestionStateView(video),
      ...(video.ingestion.metadata ? { metadata: metadataView(video.ingestion.metadata) } : {}),
      ...(video.ingestion.qualityAssessment ? { qualityAssessment: video.ingestion.qualityAssessment } : {}),
    },
    processing: {
      processingState: processingStateView(video),
      ...(video.processing.parameters ? { processingParameters: video.processing.parameters } : {}),
    },
    attributes: video.attributes,
    dateCreated: video.dateCreated,
    timeLastUpdated: video.timeLastUpdated,
  };
}
