import { withLogContext } from '../../../shared/logging';
import { logger } from '../../shared/logger';
import { lambdaClient, s3Client } from '../../clients';
import { requireEnvironment } from '../shared/config';
import { LambdaDataplane } from '../shared/dataplane';
import { S3Objects } from '../../../shared/media/s3-objects';
import { analyzeMedia } from './analyzer';
import { runMediainfo, type MediainfoDependencies } from './operator';

const env = requireEnvironment(['DATAPLANE_HANDLER_ARN']);
const dependencies: MediainfoDependencies = {
  objects: new S3Objects(s3Client),
  analyze: analyzeMedia,
  dataplane: new LambdaDataplane(lambdaClient, env.DATAPLANE_HANDLER_ARN),
};

/** `Mediainfo` (video) and `MediainfoImage` (image): one function for both operations, as in the original. */
export const handler = withLogContext(logger, (event: unknown) => runMediainfo(event, dependencies));
