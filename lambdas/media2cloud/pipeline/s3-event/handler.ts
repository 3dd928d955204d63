import { awsDependencies } from '../adapters';
import { handleS3Event } from './s3-event';

const deps = awsDependencies();

/** EventBridge "Object Created" events (or S3 notifications) of the ingest bucket. */
export const handler = (event: unknown) => handleS3Event(event, deps);
