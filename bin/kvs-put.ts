#!/usr/bin/env node
import { parseArgs } from 'node:util';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetDataEndpointCommand,
  KinesisVideoClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis-video';
import { producerStream } from '../lib/kvs/producer';
import { putMedia } from '../lib/kvs/put-media';

const USAGE = `usage: npm run kvs:put -- <video file | testsrc> --stream <name> [options]

Feeds a Kinesis video stream through PutMedia: ffmpeg encodes the input (H.264, AAC) with a key frame every
--fragment-seconds, and the frames go out as Kinesis Video Producer SDK fragments, at the media's own pace.

  --stream <name>            the stream (created, with 24 h retention, if it does not exist)
  --duration <seconds>       send this much (default: the whole file; 60 for testsrc)
  --fragment-seconds <s>     fragment length (default 2)
  --speed <n>                1 = real time (default), 0 = as fast as possible, 4 = four times faster
  --endpoint-url <url>       the Kinesis Video control plane (default: AWS_ENDPOINT_URL_KINESIS_VIDEO, else AWS)
  --region <region>          (default: AWS_REGION)

Credentials come from the usual AWS chain (AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, …).`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      stream: { type: 'string' },
      duration: { type: 'string' },
      'fragment-seconds': { type: 'string' },
      speed: { type: 'string' },
      'endpoint-url': { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const input = positionals[0];
  if (values.help || !input || !values.stream) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const number = (name: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative number`);
    return parsed;
  };
  const control = new KinesisVideoClient({
    ...(values.region ? { region: values.region } : {}),
    ...(values['endpoint-url'] ? { endpoint: values['endpoint-url'] } : {}),
  });
  const streamName = values.stream;
  try {
    await control.send(new DescribeStreamCommand({ StreamName: streamName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await control.send(new CreateStreamCommand({ StreamName: streamName, DataRetentionInHours: 24 }));
    console.error(`created stream ${streamName}`);
  }
  const { DataEndpoint } = await control.send(
    new GetDataEndpointCommand({ StreamName: streamName, APIName: 'PUT_MEDIA' }),
  );
  const credentials = await control.config.credentials();
  const region = await control.config.region();
  let persisted = 0;
  let errors = 0;
  await putMedia({
    dataEndpoint: DataEndpoint as string,
    streamName,
    region,
    credentials,
    body: producerStream({
      input,
      ...(values.duration !== undefined ? { durationSeconds: number('duration', values.duration) } : {}),
      ...(values['fragment-seconds'] !== undefined
        ? { fragmentSeconds: number('fragment-seconds', values['fragment-seconds']) }
        : {}),
      ...(values.speed !== undefined ? { speed: number('speed', values.speed) } : {}),
    }),
    onAck: (ack) => {
      if (ack.EventType === 'PERSISTED') persisted++;
      if (ack.EventType === 'ERROR') errors++;
      if (ack.EventType !== 'IDLE' && ack.EventType !== 'BUFFERING') process.stdout.write(`${JSON.stringify(ack)}\n`);
    },
  });
  console.error(`${persisted} fragments persisted${errors ? `, ${errors} errors` : ''}`);
  return errors > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(String((error as Error).message ?? error));
    process.exitCode = 1;
  },
);
