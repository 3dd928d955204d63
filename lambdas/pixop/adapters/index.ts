import { s3Client, sfnClient } from '../clients';
import type { PixopPorts } from '../domain/ports';
import { documentClient } from '../tables/document-client';
import { ProjectsTable } from '../tables/projects';
import { TeamsTable } from '../tables/teams';
import { UsersTable } from '../tables/users';
import { VideosTable } from '../tables/videos';
import { S3MediaStore } from './s3-media';
import { SfnWorkflows } from './sfn-workflows';

export interface PixopResources {
  readonly usersTable: string;
  readonly teamsTable: string;
  readonly projectsTable: string;
  readonly videosTable: string;
  readonly mediaBucket: string;
  readonly ingestStateMachineArn: string;
  readonly processStateMachineArn: string;
}

/** Every port on the module-scope SDK clients. */
export function createPixopPorts(resources: PixopResources): PixopPorts {
  return {
    users: new UsersTable(documentClient, resources.usersTable),
    teams: new TeamsTable(documentClient, resources.teamsTable),
    projects: new ProjectsTable(documentClient, resources.projectsTable),
    videos: new VideosTable(documentClient, resources.videosTable),
    media: new S3MediaStore(s3Client, resources.mediaBucket),
    workflows: new SfnWorkflows(sfnClient, {
      ingest: resources.ingestStateMachineArn,
      process: resources.processStateMachineArn,
    }),
  };
}
