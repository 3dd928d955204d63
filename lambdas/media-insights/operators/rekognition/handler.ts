import { withLogContext } from '../../../shared/logging';
import { RekognitionVision } from '../../../shared/ai/rekognition';
import { logger } from '../../shared/logger';
import { lambdaClient } from '../../clients';
import { requireEnvironment } from '../shared/config';
import { LambdaDataplane } from '../shared/dataplane';
import { runRekognitionCheck, runRekognitionStart, type RekognitionDependencies } from './operator';

const env = requireEnvironment(['DATAPLANE_HANDLER_ARN']);
const dependencies: RekognitionDependencies = {
  rekognition: new RekognitionVision(),
  dataplane: new LambdaDataplane(lambdaClient, env.DATAPLANE_HANDLER_ARN),
};

/** Start of every Rekognition operator, video and image (the operator's name says which analysis). */
export const startRekognition = withLogContext(logger, (event: unknown) => runRekognitionStart(event, dependencies));

/** Monitor of every Rekognition video operator: pages the job's results into the data plane. */
export const checkRekognition = withLogContext(logger, (event: unknown) => runRekognitionCheck(event, dependencies));
