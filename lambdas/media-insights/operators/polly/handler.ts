import { withLogContext } from '../../../shared/logging';
import { ComprehendLanguage } from '../../../shared/ai/comprehend';
import { PollySpeech } from '../../../shared/ai/polly';
import { S3Objects } from '../../../shared/media/s3-objects';
import { logger } from '../../shared/logger';
import { s3Client } from '../../clients';
import { runPollyCheck, runPollyStart, type PollyDependencies } from './operator';

const dependencies: PollyDependencies = {
  polly: new PollySpeech(),
  comprehend: new ComprehendLanguage(),
  objects: new S3Objects(s3Client),
};

/** `Polly` start (the original's `start_polly`). */
export const startPolly = withLogContext(logger, (event: unknown) => runPollyStart(event, dependencies));

/** `Polly` monitor (the original's `get_polly`). */
export const checkPolly = withLogContext(logger, (event: unknown) => runPollyCheck(event, dependencies));
