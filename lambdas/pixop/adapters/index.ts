import type { PixopPorts } from '../domain/ports';
import { documentClient, s3Client, sfnClient } from './clients';
import { DynamoDbTeamStore, DynamoDbUserStore } from './dynamodb-accounts';
import { DynamoDbProjectStore, DynamoDbVideoStore } from './dynamodb-library';
import { S3MediaStore } from './s3-media';
import { SfnWorkflows } from './sfn-workflows';

export { VideoGone } from './dynamodb-library';

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
    users: new DynamoDbUserStore(documentClient, resources.usersTable),
    teams: new DynamoDbTeamStore(documentClient, resources.teamsTable),
    projects: new DynamoDbProjectStore(documentClient, resources.projectsTable),
    videos: new DynamoDbVideoStore(documentClient, resources.videosTable),
    media: new S3MediaStore(s3Client, resources.mediaBucket),
    workflows: new SfnWorkflows(sfnClient, {
      ingest: resources.ingestStateMachineArn,
      process: resources.processStateMachineArn,
    }),
  };
}
