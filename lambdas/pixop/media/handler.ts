import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { mediaTools } from '../../shared/media/tools';
import { createPixopPorts } from '../adapters';
import { s3Client } from '../clients';
import { loadConfig } from '../config';
import { MediaSteps, streamFiles } from './steps';

const config = loadConfig(['videosTable', 'mediaBucket']);
const ports = createPixopPorts({
  ...config,
  usersTable: '',
  teamsTable: '',
  projectsTable: '',
  ingestStateMachineArn: '',
  processStateMachineArn: '',
});

// Lambda gives one vCPU per 1,769 MB of memory.
const memory = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '1769');
const steps = new MediaSteps({
  videos: ports.videos,
  media: ports.media,
  files: streamFiles(
    async (key) => {
      const object = await s3Client.send(new GetObjectCommand({ Bucket: config.mediaBucket, Key: key }));
      return object.Body as Readable;
    },
    async (key, body, length, contentType) => {
      await s3Client.send(
        new PutObjectCommand({
          Bucket: config.mediaBucket,
          Key: key,
          Body: body,
          ContentLength: length,
          ContentType: contentType,
        }),
      );
    },
  ),
  tools: mediaTools(),
  now: Date.now,
  threads: Math.max(1, Math.ceil(memory / 1769)),
});

/** The tasks of the ingest and process state machines (one function each, all from this bundle). */
export const probe = (event: { videoId: string; light: boolean }) => steps.probe(event);
export const assess = (event: { videoId: string }) => steps.assess(event);
export const encodeSegment = (event: Parameters<MediaSteps['encodeSegment']>[0]) => steps.encodeSegment(event);
export const join = (event: Parameters<MediaSteps['join']>[0]) => steps.join(event);
export const recordFailure = (event: Parameters<MediaSteps['recordFailure']>[0]) => steps.recordFailure(event);
