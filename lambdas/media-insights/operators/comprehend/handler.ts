import { withLogContext } from '../../../shared/logging';
import { ComprehendLanguage } from '../../../shared/ai/comprehend';
import { S3Objects } from '../../../shared/media/s3-objects';
import { logger } from '../../shared/logger';
import { lambdaClient, s3Client } from '../../clients';
import { requireEnvironment } from '../shared/config';
import { LambdaDataplane } from '../shared/dataplane';
import { runComprehendCheck, runComprehendStart, type ComprehendDependencies } from './operator';

const env = requireEnvironment(['DATAPLANE_HANDLER_ARN', 'DATAPLANE_BUCKET', 'COMPREHEND_ROLE_ARN']);
const dependencies: ComprehendDependencies = {
  comprehend: new ComprehendLanguage(),
  objects: new S3Objects(s3Client),
  dataplane: new LambdaDataplane(lambdaClient, env.DATAPLANE_HANDLER_ARN),
  role: env.COMPREHEND_ROLE_ARN,
  dataplaneBucket: env.DATAPLANE_BUCKET,
};

/** Start of `ComprehendEntities` and `ComprehendKeyPhrases` (the operator's name says which analysis). */
export const startComprehend = withLogContext(logger, (event: unknown) => runComprehendStart(event, dependencies));

/** Monitor of `ComprehendEntities` and `ComprehendKeyPhrases`. */
export const checkComprehend = withLogContext(logger, (event: unknown) => runComprehendCheck(event, dependencies));
