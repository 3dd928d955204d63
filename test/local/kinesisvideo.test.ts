import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  GetDataEndpointCommand,
  KinesisVideoClient,
  ListStreamsCommand,
} from '@aws-sdk/client-kinesis-video';
import {
  GetMediaCommand,
  KinesisVideoMediaClient,
  type GetMediaCommandInput,
} from '@aws-sdk/client-kinesis-video-media';
import aws4 from 'aws4';
import {
  GetMediaReader,
  type GetMediaEvent,
  type KvsFragment,
} from '../../lambdas/kvs-consumer/media/get-media-reader';
import { LocalKinesisVideoServer } from '../../lib/local/kinesisvideo/server';
import { producerStream } from '../../lib/kvs/producer';
import { putMedia, PutMediaError } from '../../lib/kvs/put-media';
import { mediaTools } from '../../lambdas/shared/media/tools';

const run = promisify(execFile);
const FFPROBE = mediaTools().ffprobe;
const REGION = 'us-east-1';
const credentials = { accessKeyId: 'AKIDKVSSTANDIN000000', secretAccessKey: 'stand-in-secret' };

/** The Kinesis Video stand-in driven by the AWS SDK v3 clients (default configuration plus the endpoint). */
describe('Kinesis Video stand-in', () => {
  let server: LocalKinesisVideoServer;
  let dir: string;
  let control: KinesisVideoClient;
  let media: KinesisVideoMediaClient;
  let fed: string[] = [];

  const getMedia = async (input: Omit<GetMediaCommandInput, 'StreamName'> & { StreamName?: string }) => {
    const output = await media.send(new GetMediaCommand({ StreamName: 'camera', ...input }));
    const reader = new GetMediaReader();
    const events: GetMediaEvent[] = [];
    const chunks: Buffer[] = [];
    for await (const chunk of output.Payload as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      events.push(...reader.push(chunk));
    }
    return { output, events, bytes: Buffer.concat(chunks), partial: reader.end().partial };
  };
  const numbers = (events: readonly GetMediaEvent[]) => events.map((event) => (event as KvsFragment).fragmentNumber);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-standin-'));
    const lookupSecret = (id: string) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined);
    server = await LocalKinesisVideoServer.start(
      { directory: dir, region: REGION, accountId: '000000000000', lookupSecret, limits: { idleEndMs: 500 } },
      0,
    );
    control = new KinesisVideoClient({ region: REGION, endpoint: server.endpoint, credentials });
    await control.send(
      new CreateStreamCommand({ StreamName: 'camera', DataRetentionInHours: 24, MediaType: 'video/h264' }),
    );
    const { DataEndpoint } = await control.send(
      new GetDataEndpointCommand({ StreamName: 'camera', APIName: 'PUT_MEDIA' }),
    );
    media = new KinesisVideoMediaClient({ region: REGION, endpoint: DataEndpoint, credentials });
    const acks = await putMedia({
      dataEndpoint: DataEndpoint as string,
      streamName: 'camera',
      region: REGION,
      credentials,
      body: producerStream({
        input: 'testsrc',
        durationSeconds: 6,
        fragmentSeconds: 1,
        speed: 0,
        testsrc: { width: 160, height: 120, fps: 10 },
      }),
    });
    fed = acks.filter((ack) => ack.EventType === 'PERSISTED').map((ack) => ack.FragmentNumber as string);
  });

  afterAll(async () => {
    control?.destroy();
    media?.destroy();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('control plane', () => {
    it('creates, describes, lists and deletes streams', async () => {
      const { StreamARN } = await control.send(new CreateStreamCommand({ StreamName: 'scratch', DeviceName: 'cam-7' }));
      expect(StreamARN).toMatch(/^arn:aws:kinesisvideo:us-east-1:000000000000:stream\/scratch\/\d+$/);
      const { StreamInfo } = await control.send(new DescribeStreamCommand({ StreamARN }));
      expect(StreamInfo).toMatchObject({
        StreamName: 'scratch',
        DeviceName: 'cam-7',
        Status: 'ACTIVE',
        DataRetentionInHours: 0,
      });
      expect(StreamInfo?.CreationTime).toBeInstanceOf(Date);
      const listed = await control.send(
        new ListStreamsCommand({ StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: 'scr' } }),
      );
      expect(listed.StreamInfoList?.map((stream) => stream.StreamName)).toEqual(['scratch']);
      const paged = await control.send(new ListStreamsCommand({ MaxResults: 1 }));
      expect(paged.StreamInfoList).toHaveLength(1);
      expect(
        (await control.send(new ListStreamsCommand({ MaxResults: 1, NextToken: paged.NextToken }))).StreamInfoList?.[0]
          ?.StreamName,
      ).toBe('scratch');

      await expect(control.send(new DeleteStreamCommand({ StreamARN, CurrentVersion: 'wrong' }))).rejects.toMatchObject(
        {
          name: 'VersionMismatchException',
          $metadata: { httpStatusCode: 400 },
        },
      );
      await control.send(new DeleteStreamCommand({ StreamARN, CurrentVersion: StreamInfo?.Version }));
      await expect(control.send(new DescribeStreamCommand({ StreamName: 'scratch' }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 404 },
      });
    });

    it.each([
      ['an existing stream', new CreateStreamCommand({ StreamName: 'camera' }), 'ResourceInUseException', 400],
      ['a bad name', new CreateStreamCommand({ StreamName: 'no spaces' }), 'InvalidArgumentException', 400],
      [
        'a negative retention',
        new CreateStreamCommand({ StreamName: 'x', DataRetentionInHours: -1 }),
        'InvalidArgumentException',
        400,
      ],
      [
        'a name and an ARN',
        new DescribeStreamCommand({ StreamName: 'camera', StreamARN: 'arn:x' }),
        'InvalidArgumentException',
        400,
      ],
      [
        'an unknown API name',
        new GetDataEndpointCommand({ StreamName: 'camera', APIName: 'NOPE' as never }),
        'InvalidArgumentException',
        400,
      ],
    ])('refuses %s', async (_name, command, errorType, status) => {
      await expect(control.send(command as never)).rejects.toMatchObject({
        name: errorType,
        $metadata: { httpStatusCode: status },
      });
    });

    it('refuses requests not signed with the local credentials', async () => {
      const stranger = new KinesisVideoClient({
        region: REGION,
        endpoint: server.endpoint,
        credentials: { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'x' },
      });
      await expect(stranger.send(new ListStreamsCommand({}))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 403 },
      });
      stranger.destroy();
      const unsigned = await new Promise<number>((resolve) => {
        const request = http.request(`${server.endpoint}/listStreams`, { method: 'POST' }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.end('{}');
      });
      expect(unsigned).toBe(403);
    });
  });

  describe('GetMedia', () => {
    it('serves every fragment from EARLIEST in the Producer SDK layout with live tags, ending when idle', async () => {
      const { output, events, bytes, partial } = await getMedia({ StartSelector: { StartSelectorType: 'EARLIEST' } });

      expect(output.ContentType).toBe('video/webm');
      expect(numbers(events)).toEqual(fed);
      expect(partial).toBe(false);
      const fragment = events[0] as KvsFragment;
      expect(fragment.fragmentNumber).toMatch(/^\d{47}$/);
      expect(fragment.continuationToken).toBe(fragment.fragmentNumber);
      expect((events[events.length - 1] as KvsFragment).millisBehindNow).toBe(0);
      // Unknown-size Segment and Cluster, 8-byte SimpleBlock sizes.
      expect(bytes.includes(Buffer.from([0x18, 0x53, 0x80, 0x67, 0xff]))).toBe(true);
      expect(bytes.includes(Buffer.from([0x1f, 0x43, 0xb6, 0x75, 0xff]))).toBe(true);
      expect(bytes.includes(Buffer.from([0xa3, 0x01, 0x00, 0x00, 0x00]))).toBe(true);

      // ffprobe (and mkvinfo, where installed) read the payload as it is.
      const file = path.join(dir, 'capture.mkv');
      fs.writeFileSync(file, bytes);
      const probe = await run(FFPROBE, [
        '-v',
        'error',
        '-count_frames',
        '-show_entries',
        'stream=codec_name,nb_read_frames',
        '-of',
        'json',
        file,
      ]);
      const streams = (JSON.parse(probe.stdout) as { streams: Array<{ codec_name: string; nb_read_frames: string }> })
        .streams;
      expect(streams.find((stream) => stream.codec_name === 'h264')?.nb_read_frames).toBe('60');
      const mkvinfo = await run('mkvinfo', [file]).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (mkvinfo) expect(mkvinfo.stdout).toContain('AWS_KINESISVIDEO_FRAGMENT_NUMBER');
    });

    it('starts after a fragment number or a continuation token', async () => {
      const after = await getMedia({
        StartSelector: { StartSelectorType: 'FRAGMENT_NUMBER', AfterFragmentNumber: fed[2] },
      });
      const token = await getMedia({
        StartSelector: { StartSelectorType: 'CONTINUATION_TOKEN', ContinuationToken: fed[4] },
      });

      expect(numbers(after.events)).toEqual(fed.slice(3));
      expect(numbers(token.events)).toEqual(fed.slice(5));
    });

    it('starts with the latest fragment for NOW', async () => {
      const { events } = await getMedia({ StartSelector: { StartSelectorType: 'NOW' } });
      expect(numbers(events)).toEqual(fed.slice(-1));
    });

    it('starts at the fragment holding a server or producer timestamp', async () => {
      const all = (await getMedia({ StartSelector: { StartSelectorType: 'EARLIEST' } })).events as KvsFragment[];
      const third = all[2] as KvsFragment;
      const byProducer = await getMedia({
        StartSelector: {
          StartSelectorType: 'PRODUCER_TIMESTAMP',
          StartTimestamp: new Date(third.producerTimestampMs + 10),
        },
      });
      const byServer = await getMedia({
        StartSelector: { StartSelectorType: 'SERVER_TIMESTAMP', StartTimestamp: new Date(third.serverTimestampMs) },
      });

      expect(numbers(byProducer.events)).toEqual(fed.slice(2));
      expect(numbers(byServer.events)).toEqual(fed.slice(2));
    });

    it('answers an unknown continuation token with error chunk 4000', async () => {
      const { events } = await getMedia({
        StartSelector: { StartSelectorType: 'CONTINUATION_TOKEN', ContinuationToken: '12345' },
      });
      expect(events).toEqual([expect.objectContaining({ kind: 'error', errorId: 4000 })]);
    });

    it.each([
      [
        'a missing stream',
        { StreamName: 'nope', StartSelector: { StartSelectorType: 'EARLIEST' } },
        'ResourceNotFoundException',
        404,
      ],
      [
        'FRAGMENT_NUMBER without a number',
        { StartSelector: { StartSelectorType: 'FRAGMENT_NUMBER' } },
        'InvalidArgumentException',
        400,
      ],
      [
        'SERVER_TIMESTAMP without a time',
        { StartSelector: { StartSelectorType: 'SERVER_TIMESTAMP' } },
        'InvalidArgumentException',
        400,
      ],
      ['an unknown selector', { StartSelector: { StartSelectorType: 'LATEST' } }, 'InvalidArgumentException', 400],
    ])('refuses %s', async (_name, input, errorType, status) => {
      await expect(
        media.send(new GetMediaCommand({ StreamName: 'camera', ...(input as object) } as GetMediaCommandInput)),
      ).rejects.toMatchObject({
        name: errorType,
        $metadata: { httpStatusCode: status },
      });
    });

    it('allows 5 calls per second and 3 connections per stream', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const open = await Promise.all(
        [0, 1, 2].map(() =>
          media.send(new GetMediaCommand({ StreamName: 'camera', StartSelector: { StartSelectorType: 'NOW' } })),
        ),
      );
      const another = () =>
        media.send(new GetMediaCommand({ StreamName: 'camera', StartSelector: { StartSelectorType: 'NOW' } }));
      // Calls 4 and 5 find the three connections open; call 6 is over the five per second.
      for (const expected of [
        'ConnectionLimitExceededException',
        'ConnectionLimitExceededException',
        'ClientLimitExceededException',
      ]) {
        await expect(another()).rejects.toMatchObject({ name: expected, $metadata: { httpStatusCode: 400 } });
      }
      for (const output of open) (output.Payload as { destroy(): void }).destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(server.service.openConnections('camera')).toBe(0);
    });

    it('is answered by the AWS CLI signing style too (aws4, service kinesisvideo)', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const url = new URL('/getMedia', server.endpoint);
      const body = JSON.stringify({ StreamName: 'camera', StartSelector: { StartSelectorType: 'NOW' } });
      const signed = aws4.sign(
        {
          host: url.host,
          path: url.pathname,
          method: 'POST',
          body,
          service: 'kinesisvideo',
          region: REGION,
          headers: { 'Content-Type': 'application/json' },
        },
        credentials,
      );
      const payload = await new Promise<Buffer>((resolve, reject) => {
        const request = http.request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: signed.headers as http.OutgoingHttpHeaders,
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve(Buffer.concat(chunks)));
          },
        );
        request.on('error', reject);
        request.end(body);
      });
      const reader = new GetMediaReader();
      expect(numbers(reader.push(payload))).toEqual(fed.slice(-1));
    });
  });

  describe('PutMedia', () => {
    it('refuses fragments older than the newest with ErrorId 4004', async () => {
      const { DataEndpoint } = await control.send(
        new GetDataEndpointCommand({ StreamName: 'camera', APIName: 'PUT_MEDIA' }),
      );
      const acks = await putMedia({
        dataEndpoint: DataEndpoint as string,
        streamName: 'camera',
        region: REGION,
        credentials,
        body: producerStream({
          input: 'testsrc',
          durationSeconds: 2,
          fragmentSeconds: 1,
          speed: 0,
          startMs: 1_600_000_000_000,
          testsrc: { width: 160, height: 120, fps: 10 },
        }),
      });
      expect(acks.filter((ack) => ack.EventType === 'ERROR').map((ack) => ack.ErrorId)).toEqual([4004]);
      expect(acks.some((ack) => ack.EventType === 'PERSISTED')).toBe(false);
    });

    it('acknowledges bytes that are not MKV with ErrorId 4006, and an unknown stream with a 404', async () => {
      const { DataEndpoint } = await control.send(
        new GetDataEndpointCommand({ StreamName: 'camera', APIName: 'PUT_MEDIA' }),
      );
      const garbage = async function* () {
        yield Buffer.from([0, 0, 0, 0, 1, 2, 3]);
      };
      const acks = await putMedia({
        dataEndpoint: DataEndpoint as string,
        streamName: 'camera',
        region: REGION,
        credentials,
        body: garbage(),
      });
      expect(acks).toEqual([expect.objectContaining({ EventType: 'ERROR', ErrorId: 4006 })]);
      await expect(
        putMedia({
          dataEndpoint: DataEndpoint as string,
          streamName: 'nope',
          region: REGION,
          credentials,
          body: garbage(),
        }),
      ).rejects.toMatchObject({ statusCode: 404, errorType: 'ResourceNotFoundException' });
      await expect(
        putMedia({
          dataEndpoint: DataEndpoint as string,
          streamName: 'camera',
          region: REGION,
          credentials: { ...credentials, secretAccessKey: 'bad' },
          body: garbage(),
        }),
      ).rejects.toBeInstanceOf(PutMediaError);
    });
  });
});
