import { MediaConvertTranscoder } from '../../../shared/ai/mediaconvert';
import { awsDependencies } from '../adapters';
import { startTranscode as start } from './start-transcode';

const deps = awsDependencies(process.env, { transcoder: () => new MediaConvertTranscoder() });

/**
 * The StartTranscode task, in a bundle of its own: it alone submits MediaConvert jobs, so it alone carries the
 * MediaConvert client.
 */
export const startTranscode = (event: unknown) => start(event, deps);
