import { withLogContext } from '../../../shared/logging';
import { PollySpeech } from '../../../shared/ai/polly';
import { TranslateText } from '../../../shared/ai/translate';
import { S3Objects } from '../../../shared/media/s3-objects';
import { logger } from '../../shared/logger';
import { lambdaClient, s3Client } from '../../clients';
import { requireEnvironment } from '../shared/config';
import { LambdaDataplane } from '../shared/dataplane';
import {
  runCheckPollyWebCaptions,
  runCheckTranslateWebCaptions,
  runCreateCaptions,
  runStartPollyWebCaptions,
  runStartTranslateWebCaptions,
  runWebCaptions,
  type CaptionsDependencies,
} from './operator';

const env = requireEnvironment(['DATAPLANE_HANDLER_ARN', 'DATAPLANE_BUCKET']);
const dependencies: CaptionsDependencies = {
  dataplane: new LambdaDataplane(lambdaClient, env.DATAPLANE_HANDLER_ARN),
  objects: new S3Objects(s3Client),
  translate: new TranslateText(),
  polly: new PollySpeech(),
  dataplaneBucket: env.DATAPLANE_BUCKET,
};

const handle = (run: (event: unknown, deps: CaptionsDependencies) => Promise<unknown>) =>
  withLogContext(logger, (event: unknown) => run(event, dependencies));

/** `WebCaptions` (the original's `webcaptions.web_captions`). */
export const webCaptions = handle(runWebCaptions);
/** `CreateSRTCaptions` and `WebToSRTCaptions` (the original's `webcaptions.create_srt`). */
export const createSrt = handle((event, deps) => runCreateCaptions(event, deps, 'srt'));
/** `CreateVTTCaptions` and `WebToVTTCaptions` (the original's `webcaptions.create_vtt`). */
export const createVtt = handle((event, deps) => runCreateCaptions(event, deps, 'vtt'));
/** `TranslateWebCaptions` start and monitor. */
export const startTranslateWebCaptions = handle(runStartTranslateWebCaptions);
export const checkTranslateWebCaptions = handle(runCheckTranslateWebCaptions);
/** `PollyWebCaptions` start and monitor. */
export const startPollyWebCaptions = handle(runStartPollyWebCaptions);
export const checkPollyWebCaptions = handle(runCheckPollyWebCaptions);
