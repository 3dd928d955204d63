import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { mediaTools } from '../../../lambdas/shared/media/tools';
import { S3Objects } from '../../../lambdas/shared/media/s3-objects';
import { FfmpegThumbnailEncoder } from '../../../lambdas/media-insights/operators/thumbnail/ffmpeg';
import {
  runThumbnailCheck,
  runThumbnailStart,
  type ThumbnailDependencies,
} from '../../../lambdas/media-insights/operators/thumbnail/operator';
import { thumbnailOutputs, thumbnailPosition } from '../../../lambdas/media-insights/operators/thumbnail/outputs';
import type { MediaObject, OperatorObject } from '../../../lambdas/media-insights/workflow/domain/types';
import { startLocalEngines, type LocalEngines } from '../dataplane/support';
import {
  ASSET_ID,
  EXECUTION_ID,
  failureOf,
  generateMedia,
  operatorEvent,
  probe,
  putFile,
  type GeneratedMedia,
} from './support';

const MEDIA_BUCKET = 'mie-operators-thumbnail-media';
const DATAPLANE_BUCKET = 'mie-operators-thumbnail-dataplane';
const ASSET_FOLDER = `private/assets/${ASSET_ID}`;

describe('thumbnailOutputs', () => {
  it('follows the MediaConvert key layout of the original, named after the input file without its extension', () => {
    // Act
    const outputs = thumbnailOutputs('dataplane', 'asset-1', 'run-1', 'uploads/My Video.final.mov');

    // Assess
    expect([outputs.thumbnail(0), outputs.thumbnail(1), outputs.audio, outputs.proxy]).toEqual([
      { S3Bucket: 'dataplane', S3Key: 'private/assets/asset-1/My Video.final_thumbnail.0000000.jpg' },
      { S3Bucket: 'dataplane', S3Key: 'private/assets/asset-1/My Video.final_thumbnail.0000001.jpg' },
      { S3Bucket: 'dataplane', S3Key: 'private/assets/asset-1/workflows/run-1/My Video.final_audio.mp4' },
      { S3Bucket: 'dataplane', S3Key: 'private/assets/asset-1/My Video.final_proxy.mp4' },
    ]);
  });
});

describe('thumbnailPosition', () => {
  it.each([
    [undefined, 7],
    [3, 3],
    [2.9, 2],
    ['12', 12],
    [0, 0],
  ])('reads %p as %p seconds, as Python int() does', (configured, seconds) => {
    expect(thumbnailPosition(configured)).toBe(seconds);
  });

  it.each([['soon'], ['2.5'], [-1], [null], [true]])('refuses %p', (configured) => {
    expect(thumbnailPosition(configured)).toBeUndefined();
  });
});

describe('Thumbnail operator', () => {
  let engines: LocalEngines;
  let media: GeneratedMedia;
  let deps: ThumbnailDependencies;
  let scratchRoot: string;

  beforeAll(async () => {
    [engines, media] = await Promise.all([startLocalEngines(), generateMedia()]);
    for (const Bucket of [MEDIA_BUCKET, DATAPLANE_BUCKET]) await engines.s3.send(new CreateBucketCommand({ Bucket }));
    await Promise.all([
      putFile(engines.s3, MEDIA_BUCKET, 'media/clip.mp4', media.video),
      putFile(engines.s3, MEDIA_BUCKET, 'media/short clip.mp4', media.shortVideo),
      putFile(engines.s3, MEDIA_BUCKET, 'media/silent.mp4', media.silentVideo),
      engines.s3.send(new PutObjectCommand({ Bucket: MEDIA_BUCKET, Key: 'media/notes.mp4', Body: 'not a video' })),
    ]);
    scratchRoot = mkdtempSync(join(tmpdir(), 'mie-thumbnail-scratch-'));
    deps = {
      objects: new S3Objects(engines.s3),
      encoder: new FfmpegThumbnailEncoder(mediaTools()),
      dataplaneBucket: DATAPLANE_BUCKET,
      scratchRoot,
    };
  });

  afterAll(async () => {
    await engines.stop();
    media.remove();
    rmSync(scratchRoot, { recursive: true, force: true });
  });

  function thumbnailEvent(key: string, configuration: Record<string, unknown> = {}): OperatorObject {
    return operatorEvent({
      Name: 'Thumbnail',
      Configuration: { MediaType: 'Video', Enabled: true, ...configuration },
      Input: { Media: { Video: { S3Bucket: MEDIA_BUCKET, S3Key: key } }, MetaData: {} },
    });
  }

  async function download(object: MediaObject): Promise<string> {
    const response = await engines.s3.send(new GetObjectCommand({ Bucket: object.S3Bucket, Key: object.S3Key }));
    const file = join(media.directory, object.S3Key.replace(/\//g, '_'));
    writeFileSync(file, await response.Body!.transformToByteArray());
    return file;
  }

  async function storedKeys(): Promise<string[]> {
    const listing = await engines.s3.send(new ListObjectsV2Command({ Bucket: DATAPLANE_BUCKET }));
    return (listing.Contents ?? []).map((object) => object.Key!);
  }

  it('makes the 7 s thumbnail, the audio track and the proxy encode under the original key layout', async () => {
    // Act
    const output = await runThumbnailStart(thumbnailEvent('media/clip.mp4'), deps);

    // Assess
    expect(output.Status).toBe('Executing');
    expect(output.Media).toEqual({
      Thumbnail: { S3Bucket: DATAPLANE_BUCKET, S3Key: `${ASSET_FOLDER}/clip_thumbnail.0000001.jpg` },
      Audio: { S3Bucket: DATAPLANE_BUCKET, S3Key: `${ASSET_FOLDER}/workflows/${EXECUTION_ID}/clip_audio.mp4` },
      ProxyEncode: { S3Bucket: DATAPLANE_BUCKET, S3Key: `${ASSET_FOLDER}/clip_proxy.mp4` },
    });
    expect(output.MetaData).toEqual({
      MediaconvertInputFile: `s3://${MEDIA_BUCKET}/media/clip.mp4`,
      AssetId: ASSET_ID,
      WorkflowExecutionId: EXECUTION_ID,
    });
    expect(await storedKeys()).toEqual(expect.arrayContaining([`${ASSET_FOLDER}/clip_thumbnail.0000000.jpg`]));

    const [thumbnail, firstFrame, audio, proxy] = await Promise.all(
      [
        output.Media['Thumbnail']!,
        { S3Bucket: DATAPLANE_BUCKET, S3Key: `${ASSET_FOLDER}/clip_thumbnail.0000000.jpg` },
        output.Media['Audio']!,
        output.Media['ProxyEncode']!,
      ].map(download),
    );
    expect(await probe(thumbnail!)).toMatchObject({ codecs: ['mjpeg'] });
    expect(readFileSync(thumbnail!).equals(readFileSync(firstFrame!))).toBe(false);
    expect(await probe(audio!)).toMatchObject({ format: expect.stringContaining('mp4'), codecs: ['aac'] });
    const proxyInfo = await probe(proxy!);
    expect(proxyInfo.codecs).toEqual(['h264', 'aac']);
    expect(proxyInfo.duration).toBeCloseTo(10, 0);
    const proxyBytes = readFileSync(proxy!);
    expect(proxyBytes.indexOf('moov')).toBeLessThan(proxyBytes.indexOf('mdat'));
  });

  it('falls back to the frame at 0 s when the video is shorter than the thumbnail position', async () => {
    // Act
    const output = await runThumbnailStart(thumbnailEvent('media/short clip.mp4'), deps);

    // Assess
    expect(output.Media['Thumbnail']).toEqual({
      S3Bucket: DATAPLANE_BUCKET,
      S3Key: `${ASSET_FOLDER}/short clip_thumbnail.0000000.jpg`,
    });
    expect(await probe(await download(output.Media['Thumbnail']!))).toMatchObject({ codecs: ['mjpeg'] });
    expect(await storedKeys()).not.toContain(`${ASSET_FOLDER}/short clip_thumbnail.0000001.jpg`);
  });

  it('falls back to the frame at 0 s when ffmpeg finds no frame at the position of a video of unknown length', async () => {
    // Prepare
    const encoder = deps.encoder;
    const unknownLength: ThumbnailDependencies['encoder'] = {
      probe: async (input) => ({ ...(await encoder.probe(input)), durationSeconds: undefined }),
      frame: (input, seconds, output) => encoder.frame(input, seconds, output),
      transcode: (input, proxy, audio) => encoder.transcode(input, proxy, audio),
    };

    // Act
    const output = await runThumbnailStart(thumbnailEvent('media/short clip.mp4'), { ...deps, encoder: unknownLength });

    // Assess
    expect(output.Media['Thumbnail']?.S3Key).toBe(`${ASSET_FOLDER}/short clip_thumbnail.0000000.jpg`);
  });

  it('takes the thumbnail position from Configuration.ThumbnailPosition', async () => {
    // Act
    const output = await runThumbnailStart(thumbnailEvent('media/short clip.mp4', { ThumbnailPosition: 2 }), deps);

    // Assess
    expect(output.Media['Thumbnail']?.S3Key).toBe(`${ASSET_FOLDER}/short clip_thumbnail.0000001.jpg`);
  });

  it('makes no audio output for a video without an audio track', async () => {
    // Act
    const output = await runThumbnailStart(thumbnailEvent('media/silent.mp4'), deps);

    // Assess
    expect(Object.keys(output.Media).sort()).toEqual(['ProxyEncode', 'Thumbnail']);
    expect((await probe(await download(output.Media['ProxyEncode']!))).codecs).toEqual(['h264']);
  });

  it('leaves nothing behind in its scratch folder', async () => {
    // Act
    await runThumbnailStart(thumbnailEvent('media/short clip.mp4'), deps);
    await failureOf(() => runThumbnailStart(thumbnailEvent('media/notes.mp4'), deps));

    // Assess
    expect(readdirSync(scratchRoot)).toEqual([]);
  });

  it('reports a source ffmpeg cannot read', async () => {
    // Act
    const output = await failureOf(() => runThumbnailStart(thumbnailEvent('media/notes.mp4'), deps));

    // Assess
    expect(output.Status).toBe('Error');
    expect(output.MetaData['ThumbnailError']).toMatch(/^ffprobe exited with code 1: /);
    expect(output.MetaData['ThumbnailError']).toContain(
      `s3://${MEDIA_BUCKET}/media/notes.mp4: Invalid data found when processing input`,
    );
  });

  it('refuses a thumbnail position that is not a whole number of seconds', async () => {
    // Act
    const output = await failureOf(() =>
      runThumbnailStart(thumbnailEvent('media/clip.mp4', { ThumbnailPosition: 'soon' }), deps),
    );

    // Assess
    expect(output.MetaData['ThumbnailError']).toBe(
      'ThumbnailPosition must be a whole number of seconds, 0 or more; got "soon"',
    );
  });

  it('names the missing Video input as the original does', async () => {
    // Act
    const output = await failureOf(() => runThumbnailStart(operatorEvent({ Name: 'Thumbnail' }), deps));

    // Assess
    expect(output.MetaData['ThumbnailError']).toBe("Missing a required metadata key 'Video'");
  });

  describe('monitor', () => {
    const stored = (key: string): MediaObject => ({ S3Bucket: DATAPLANE_BUCKET, S3Key: `${ASSET_FOLDER}/${key}` });

    beforeAll(async () => {
      for (const key of ['m_thumbnail.0000001.jpg', 'm_proxy.mp4', 'm_audio.mp4']) {
        await engines.s3.send(new PutObjectCommand({ ...toBucketKey(stored(key)), Body: 'x' }));
      }
    });

    it('completes once every output the start reported is in the bucket', async () => {
      // Prepare
      const media = {
        Thumbnail: stored('m_thumbnail.0000001.jpg'),
        ProxyEncode: stored('m_proxy.mp4'),
        Audio: stored('m_audio.mp4'),
      };
      const event = operatorEvent({
        Name: 'Thumbnail',
        Status: 'Executing',
        Media: media,
        MetaData: { AssetId: ASSET_ID },
      });

      // Act
      const output = await runThumbnailCheck(event, deps);

      // Assess
      expect(output).toEqual({ ...event, Status: 'Complete' });
    });

    it('fails when an output is not in the bucket', async () => {
      // Prepare
      const media = { Thumbnail: stored('m_thumbnail.0000001.jpg'), ProxyEncode: stored('gone_proxy.mp4') };
      const event = operatorEvent({ Name: 'Thumbnail', Status: 'Executing', Media: media });

      // Act
      const output = await failureOf(() => runThumbnailCheck(event, deps));

      // Assess
      expect(output.MetaData['ThumbnailError']).toBe(
        `Output s3://${DATAPLANE_BUCKET}/${ASSET_FOLDER}/gone_proxy.mp4 does not exist`,
      );
    });

    it('fails when the start reported no thumbnail', async () => {
      // Act
      const output = await failureOf(() => runThumbnailCheck(operatorEvent({ Name: 'Thumbnail' }), deps));

      // Assess
      expect(output.MetaData['ThumbnailError']).toBe("Missing a required metadata key 'Thumbnail'");
    });
  });
});

function toBucketKey(object: MediaObject) {
  return { Bucket: object.S3Bucket, Key: object.S3Key };
}
