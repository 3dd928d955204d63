import { s3Client } from '../../clients';
import { requireEnvironment } from '../shared/config';
import { mediaTools } from '../../../shared/media/tools';
import { S3Objects } from '../../../shared/media/s3-objects';
import { FfmpegThumbnailEncoder } from './ffmpeg';
import { runThumbnailCheck, runThumbnailStart, type ThumbnailDependencies } from './operator';

const env = requireEnvironment(['DATAPLANE_BUCKET']);
const dependencies: ThumbnailDependencies = {
  objects: new S3Objects(s3Client),
  encoder: new FfmpegThumbnailEncoder(mediaTools()),
  dataplaneBucket: env.DATAPLANE_BUCKET,
};

/** `Thumbnail` start (the original's `start_thumbnail`): does the whole job and answers `Executing`. */
export const startThumbnail = (event: unknown) => runThumbnailStart(event, dependencies);

/** `Thumbnail` monitor (the original's `check_thumbnail`): `Complete` once the outputs are in the bucket. */
export const checkThumbnail = (event: unknown) => runThumbnailCheck(event, dependencies);
