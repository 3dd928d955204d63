import { withLogContext } from '../../../shared/logging';
import { TranscribeSpeech } from '../../../shared/ai/transcribe';
import { S3Objects } from '../../../shared/media/s3-objects';
import { logger } from '../../shared/logger';
import { lambdaClient, s3Client } from '../../clients';
import { requireEnvironment } from '../shared/config';
import { LambdaDataplane } from '../shared/dataplane';
import { runTranscribeCheck, runTranscribeStart, type TranscribeDependencies } from './operator';

const env = requireEnvironment(['DATAPLANE_HANDLER_ARN', 'DATAPLANE_BUCKET']);
const objects = new S3Objects(s3Client);
const dependencies: TranscribeDependencies = {
  transcribe: new TranscribeSpeech(undefined, objects),
  objects,
  dataplane: new LambdaDataplane(lambdaClient, env.DATAPLANE_HANDLER_ARN),
  dataplaneBucket: env.DATAPLANE_BUCKET,
};

/** Start of `TranscribeVideo` and `TranscribeAudio` (the original's `start_transcribe`). */
export const startTranscribe = withLogContext(logger, (event: unknown) => runTranscribeStart(event, dependencies));

/** Monitor of `TranscribeVideo` and `TranscribeAudio` (the original's `get_transcribe`). */
export const checkTranscribe = withLogContext(logger, (event: unknown) => runTranscribeCheck(event, dependencies));
