import { randomUUID } from 'node:crypto';
import type { Principal } from './auth';
import { planEncoding, planSegments, processingParameters } from './encoding';
import { badRequest, conflict, InvalidField, notFound } from './errors';
import { halPage, type PageRequest } from './pagination';
import type { PixopPorts, PixopSettings, VideoFilter } from './ports';
import type { ProcessRequest } from './process-request';
import type { ProjectRecord, VideoRecord } from './records';
import { creationKey, pixopTime } from './time';
import { ingestionStateView, processingStateView, projectView, videoView, type ServiceUrls } from './views';

export const MAX_NAME_LENGTH = 256;
const DEFAULT_PROJECT_NAME = 'Default project';

export interface LibraryDependencies extends PixopPorts {
  readonly settings: PixopSettings;
  readonly now: () => number;
  readonly newId?: () => string;
}

/** Projects and videos of the caller's team, and the start of processing. */
export class VideoLibrary {
  private readonly newId: () => string;

  constructor(private readonly deps: LibraryDependencies) {
    this.newId = deps.newId ?? randomUUID;
  }

  // Projects ---------------------------------------------------------------------------------------------------

  async getProject(principal: Principal, id: string) {
    return { project: projectView(await this.ownProject(principal, id)) };
  }

  async listProjects(principal: Principal, page: PageRequest, urls: ServiceUrls) {
    const offset = (page.page - 1) * page.pageSize;
    const { items, total } = await this.deps.projects.listByTeam(principal.teamId, offset, page.pageSize);
    return halPage({
      request: page,
      total,
      embeddedName: 'projects',
      items: items.map((project) => ({
        _links: { self: { href: `${urls.videos}/v1/project/${project.id}` } },
        ...projectView(project),
      })),
      pageUrl: (number) => `${urls.videos}/v1/projects?page=${number}&page-size=${page.pageSize}`,
    });
  }

  async createProject(principal: Principal, body: Record<string, unknown>) {
    const project = this.newProject(principal, requiredName(body.name, 'name'));
    await this.deps.projects.put(project);
    return { project: projectView(project) };
  }

  async renameProject(principal: Principal, id: string, body: Record<string, unknown>) {
    await this.ownProject(principal, id);
    const project = await this.deps.projects.rename(id, requiredName(body.name, 'name'), this.time());
    return { project: projectView(project) };
  }

  async deleteProject(principal: Principal, id: string) {
    const project = await this.ownProject(principal, id);
    if (await this.deps.videos.anyInProject(id)) {
      throw conflict(`Project ${id} still has videos; delete them first`);
    }
    await this.deps.projects.delete(id);
    return { project: projectView(project) };
  }

  // Videos -----------------------------------------------------------------------------------------------------

  async getVideo(principal: Principal, id: string) {
    return { video: videoView(await this.ownVideo(principal, id)) };
  }

  async listVideos(
    principal: Principal,
    query: { projectId?: string; parentId?: string },
    page: PageRequest,
    urls: ServiceUrls,
  ) {
    if (query.projectId) await this.ownProject(principal, query.projectId);
    if (query.parentId) await this.ownVideo(principal, query.parentId);
    const filter: VideoFilter = { teamId: principal.teamId, projectId: query.projectId, parentId: query.parentId };
    const offset = (page.page - 1) * page.pageSize;
    const { items, total } = await this.deps.videos.list(filter, offset, page.pageSize);
    const filters = [
      ...(query.projectId ? [`project-id=${encodeURIComponent(query.projectId)}`] : []),
      ...(query.parentId ? [`parent-id=${encodeURIComponent(query.parentId)}`] : []),
    ];
    return halPage({
      request: page,
      total,
      embeddedName: 'videos',
      items: items.map((video) => ({
        _links: { self: { href: `${urls.videos}/v1/video/${video.id}` } },
        id: video.id,
        ...(video.parentId ? { parentId: video.parentId } : {}),
        projectId: video.projectId,
        name: video.name,
        ...(video.fileName ? { filename: video.fileName } : {}),
        dateCreated: video.dateCreated,
        timeLastUpdated: video.timeLastUpdated,
      })),
      pageUrl: (number) =>
        `${urls.videos}/v1/videos?${[...filters, `page=${number}`, `page-size=${page.pageSize}`].join('&')}`,
    });
  }

  async createVideo(principal: Principal, body: Record<string, unknown>, urls: ServiceUrls) {
    const name = body.name === undefined || body.name === null ? undefined : requiredName(body.name, 'name');
    if (body.projectId !== undefined && body.projectId !== null && typeof body.projectId !== 'string') {
      throw new InvalidField('projectId', 'must be a string');
    }
    const project = body.projectId
      ? await this.ownProject(principal, body.projectId as string)
      : await this.defaultProject(principal);
    const id = this.newId();
    const now = this.deps.now();
    const time = pixopTime(now);
    await this.deps.videos.put({
      id,
      teamId: principal.teamId,
      userId: principal.user.id,
      projectId: project.id,
      name: name ?? `Video ${time}`,
      attributes: {},
      createdKey: creationKey(now, id),
      dateCreated: time,
      timeLastUpdated: time,
      upload: { status: 'AWAITING_UPLOAD', updatedAt: time },
      ingestion: {
        status: 'NOT_STARTED',
        updatedAt: time,
        videoMetadataAvailable: false,
        videoMetadataCommitted: false,
        progress: 0,
      },
      processing: { status: 'NOT_STARTED', updatedAt: time },
    });
    return {
      projectId: project.id,
      videoId: id,
      uploadMediaUrl: `${urls.media}/v1/upload/${id}`,
      uploadLightMediaUrl: `${urls.media}/v1/upload/light/${id}`,
      processVideoUrl: `${urls.videos}/v1/process-video/${id}`,
    };
  }

  /**
   * Deletes the video, its media and, for an original, every video processed from it. A processing run of a
   * deleted video is stopped first, so nothing it writes afterwards finds a record to update.
   */
  async deleteVideo(principal: Principal, id: string) {
    const video = await this.ownVideo(principal, id);
    const doomed = video.parentId ? [video] : [...(await this.deps.videos.children(video.id)), video];
    for (const each of doomed) {
      if (
        each.processing.executionArn &&
        (each.processing.status === 'QUEUED' || each.processing.status === 'PROCESSING')
      ) {
        await this.deps.workflows.stop(each.processing.executionArn, 'The video was deleted');
      }
      await this.deps.media.deletePrefix(`media/${each.id}/`);
      await this.deps.videos.delete(each.id);
    }
    return { deletedVideos: doomed.map((each) => ({ videoId: each.id })) };
  }

  async ingestProgress(principal: Principal, id: string) {
    const video = await this.ownVideo(principal, id);
    return { videoId: video.id, projectId: video.projectId, ingestionState: ingestionStateView(video) };
  }

  async processProgress(principal: Principal, id: string) {
    const video = await this.ownVideo(principal, id);
    return { videoId: video.id, projectId: video.projectId, processingState: processingStateView(video) };
  }

  /**
   * Validates the request against the source (every rule, before anything is written), creates the processed
   * video and starts its run. If the run cannot start, the new video is removed again.
   */
  async processVideo(principal: Principal, sourceId: string, request: ProcessRequest, urls: ServiceUrls) {
    const source = await this.ownVideo(principal, sourceId);
    const metadata = source.ingestion.metadata;
    if (source.upload.status !== 'DONE' || !metadata || source.ingestion.status !== 'DONE') {
      throw conflict(`Video ${sourceId} has not finished ingesting; wait for ingestionStatus DONE`);
    }
    const plan = planEncoding(request, { metadata, fileName: source.upload.fileName });
    const segments = planSegments(plan, this.deps.settings.segmentSeconds);
    const id = this.newId();
    const now = this.deps.now();
    const time = pixopTime(now);
    const baseName = (source.upload.fileName ?? source.name).replace(/\.[^.]*$/, '');
    const video: VideoRecord = {
      id,
      teamId: principal.teamId,
      userId: principal.user.id,
      projectId: source.projectId,
      parentId: source.id,
      name: `${source.name} (processed)`.slice(0, MAX_NAME_LENGTH),
      attributes: {},
      createdKey: creationKey(now, id),
      dateCreated: time,
      timeLastUpdated: time,
      fileName: `${baseName}_processed.${plan.extension}`,
      upload: { status: 'AWAITING_UPLOAD', updatedAt: time, fileName: `${baseName}_processed.${plan.extension}` },
      ingestion: {
        status: 'NOT_STARTED',
        updatedAt: time,
        videoMetadataAvailable: false,
        videoMetadataCommitted: false,
        progress: 0,
      },
      processing: {
        status: 'QUEUED',
        updatedAt: time,
        parameters: processingParameters(request, plan),
        plan: plan as unknown as Record<string, unknown>,
        segmentDurations: segments.map((segment) => segment.duration),
        segmentProgress: {},
        joinProgress: 0,
      },
    };
    await this.deps.videos.put(video);
    let executionArn: string;
    try {
      executionArn = await this.deps.workflows.startProcessing(
        { videoId: id, sourceVideoId: source.id, segments, maxConcurrency: this.deps.settings.maxConcurrency },
        id,
      );
    } catch (error) {
      await this.deps.videos.delete(id);
      throw error;
    }
    await this.deps.videos.updateProcessing(id, { executionArn }, time);
    return {
      sourceVideoId: source.id,
      processedVideoId: id,
      projectId: source.projectId,
      checkProgressUrl: `${urls.videos}/v1/check-process-video-progress/${id}`,
      downloadMediaUrl: `${urls.media}/v1/download/processed/${id}`,
    };
  }

  /** A video of the caller's team; another team's video is as absent as a missing one. */
  async ownVideo(principal: Principal, id: string): Promise<VideoRecord> {
    const video = await this.deps.videos.get(id);
    if (!video || video.teamId !== principal.teamId) throw notFound('Video', id);
    return video;
  }

  private async ownProject(principal: Principal, id: string): Promise<ProjectRecord> {
    const project = await this.deps.projects.get(id);
    if (!project || project.teamId !== principal.teamId) throw notFound('Project', id);
    return project;
  }

  /** Videos created without a project go to the team's default project, made on first use. */
  private async defaultProject(principal: Principal): Promise<ProjectRecord> {
    const { items, total } = await this.deps.projects.listByTeam(principal.teamId, 0, 1000);
    const existing = items.find((project) => project.name === DEFAULT_PROJECT_NAME);
    if (existing) return existing;
    if (total > 1000) throw badRequest('projectId is required for teams with more than 1000 projects');
    const project = this.newProject(principal, DEFAULT_PROJECT_NAME);
    await this.deps.projects.put(project);
    return project;
  }

  private newProject(principal: Principal, name: string): ProjectRecord {
    const id = this.newId();
    const now = this.deps.now();
    const time = pixopTime(now);
    return {
      id,
      name,
      teamId: principal.teamId,
      userId: principal.user.id,
      createdKey: creationKey(now, id),
      dateCreated: time,
      timeLastUpdated: time,
    };
  }

  private time(): string {
    return pixopTime(this.deps.now());
  }
}

function requiredName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidField(field, 'must be a non-empty string');
  if (value.length > MAX_NAME_LENGTH) throw new InvalidField(field, `must be at most ${MAX_NAME_LENGTH} characters`);
  return value.trim();
}
