import { withLogContext } from '../../../shared/logging';
import { logger } from '../../shared/logger';
import { lambdaClient, s3Client } from '../../clients';
import { requireEnvironment } from '../shared/config';
import { LambdaDataplane } from '../shared/dataplane';
import { S3Objects } from '../../../shared/media/s3-objects';
import { runGenericDataLookup, type GenericDataLookupDependencies } from './operator';

const env = requireEnvironment(['DATAPLANE_HANDLER_ARN']);
const dependencies: GenericDataLookupDependencies = {
  objects: new S3Objects(s3Client),
  dataplane: new LambdaDataplane(lambdaClient, env.DATAPLANE_HANDLER_ARN),
};

export const handler = withLogContext(logger, (event: unknown) => runGenericDataLookup(event, dependencies));
