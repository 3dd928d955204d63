import { withLogContext } from '../../../shared/logging';
import { MediaConvertTranscoder } from '../../../shared/ai/mediaconvert';
import { logger } from '../../shared/logger';
import { requireEnvironment } from '../shared/config';
import { runMediaconvertCheck, runMediaconvertStart, type MediaconvertDependencies } from './operator';

const env = requireEnvironment(['DATAPLANE_BUCKET', 'MEDIACONVERT_ROLE_ARN']);
const dependencies: MediaconvertDependencies = {
  mediaconvert: new MediaConvertTranscoder(),
  role: env.MEDIACONVERT_ROLE_ARN,
  dataplaneBucket: env.DATAPLANE_BUCKET,
};

/** `Mediaconvert` start (the original's `start_media_convert`): submits the audio extract. */
export const startMediaconvert = withLogContext(logger, (event: unknown) => runMediaconvertStart(event, dependencies));

/** `Mediaconvert` monitor (the original's `get_media_convert`): the audio track once the job is complete. */
export const checkMediaconvert = withLogContext(logger, (event: unknown) => runMediaconvertCheck(event, dependencies));
