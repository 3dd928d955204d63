import { withLogContext } from '../../../shared/logging';
import { TranslateText } from '../../../shared/ai/translate';
import { S3Objects } from '../../../shared/media/s3-objects';
import { logger } from '../../shared/logger';
import { lambdaClient, s3Client } from '../../clients';
import { requireEnvironment } from '../shared/config';
import { LambdaDataplane } from '../shared/dataplane';
import { runTranslate, type TranslateDependencies } from './operator';

const env = requireEnvironment(['DATAPLANE_HANDLER_ARN']);
const dependencies: TranslateDependencies = {
  translate: new TranslateText(),
  objects: new S3Objects(s3Client),
  dataplane: new LambdaDataplane(lambdaClient, env.DATAPLANE_HANDLER_ARN),
};

/** `Translate` (the original's `start_translate`). */
export const translate = withLogContext(logger, (event: unknown) => runTranslate(event, dependencies));
