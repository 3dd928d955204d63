import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { analyzeMedia } from '../../../lambdas/media-insights/operators/mediainfo/analyzer';
import { runMediainfo, type MediainfoDependencies } from '../../../lambdas/media-insights/operators/mediainfo/operator';
import { pymediainfoDocument } from '../../../lambdas/media-insights/operators/mediainfo/pymediainfo';
import { CHUNK_BYTES } from '../../../lambdas/shared/media/mediainfo';
import { mediaTools, runTool } from '../../../lambdas/shared/media/tools';
import { S3Objects } from '../../../lambdas/shared/media/s3-objects';
import type { MediaObject } from '../../../lambdas/media-insights/workflow/domain/types';
import { captureLogs } from '../../support/logs';
import { startLocalEngines, type LocalEngines } from '../dataplane/support';
import {
  ASSET_ID,
  EXECUTION_ID,
  failureOf,
  generateMedia,
  InMemoryDataplane,
  operatorEvent,
  putFile,
  type GeneratedMedia,
} from './support';

const BUCKET = 'mie-operators-mediainfo';

function track(type: string, fields: string): string {
  return `<track type="${type}">\n${fields}\n</track>`;
}

function oldXml(...tracks: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Mediainfo version="26.05">\n<File>\n${tracks.join('\n')}\n</File>\n</Mediainfo>\n`;
}

describe('pymediainfoDocument', () => {
  it('gives each track its type first, field names lower-cased without outer underscores, and ID as track_id', () => {
    // Prepare
    const report = oldXml(
      track('General', '<Format>MPEG-4</Format>\n<Codec_ID_Url>http://example.com</Codec_ID_Url>'),
      track('Video', '<ID>1</ID>\n<Format_settings__CABAC>Yes</Format_settings__CABAC>\n<_Extra_>x</_Extra_>'),
    );

    // Act
    const document = pymediainfoDocument(report);

    // Assess
    expect(document).toEqual({
      tracks: [
        { track_type: 'General', format: 'MPEG-4', codec_id_url: 'http://example.com' },
        { track_type: 'Video', track_id: '1', format_settings__cabac: 'Yes', extra: 'x' },
      ],
    });
    expect(Object.keys(document.tracks[1]!)[0]).toBe('track_type');
  });

  it('keeps the first of repeated values, as an integer when it is one, and lists the others in other_<name>', () => {
    // Prepare
    const report = oldXml(
      track('General', '<Duration>3024</Duration>\n<Duration>3 s 24 ms</Duration>\n<Duration>00:00:03.024</Duration>'),
    );

    // Act
    const [general] = pymediainfoDocument(report).tracks;

    // Assess
    expect(general).toEqual({ track_type: 'General', duration: 3024, other_duration: ['3 s 24 ms', '00:00:03.024'] });
  });

  it("keeps a 128-bit track UniqueID exact, as Python's int() does", () => {
    // Prepare
    const report = oldXml(
      track(
        'Video',
        '<Unique_ID>227462152546098813547327498116009536548</Unique_ID>\n' +
          '<Unique_ID>227462152546098813547327498116009536548 (0xAB1F9DF8FA003D7A3B7850404427AC24)</Unique_ID>',
      ),
    );

    // Act
    const [video] = pymediainfoDocument(report).tracks;

    // Assess
    expect(video?.unique_id).toBe(227462152546098813547327498116009536548n);
  });

  it('swaps in the first integer of the other values when the first value is text, as pymediainfo does', () => {
    // Prepare
    const report = oldXml(
      track('Audio', '<Bit_rate>96.0 kb/s</Bit_rate>\n<Bit_rate>n/a</Bit_rate>\n<Bit_rate>96000</Bit_rate>'),
    );

    // Act
    const [audio] = pymediainfoDocument(report).tracks;

    // Assess
    expect(audio).toEqual({ track_type: 'Audio', bit_rate: 96000, other_bit_rate: ['n/a', '96000', '96.0 kb/s'] });
  });

  it('leaves a value reported once as text even when it is a number', () => {
    // Prepare
    const report = oldXml(track('General', '<Count>359</Count>\n<Frame_rate>25.000</Frame_rate>'));

    // Act
    const [general] = pymediainfoDocument(report).tracks;

    // Assess
    expect(general).toEqual({ track_type: 'General', count: '359', frame_rate: '25.000' });
  });

  it('decodes XML entities and lets a value follow a field first reported empty', () => {
    // Prepare
    const report = oldXml(
      track('General', '<Title>Tom &amp; Jerry &lt;1&gt; &#233;</Title>\n<Album></Album>\n<Album>A</Album>'),
    );

    // Act
    const [general] = pymediainfoDocument(report).tracks;

    // Assess
    expect(general).toEqual({ track_type: 'General', title: 'Tom & Jerry <1> é', album: 'A' });
  });
});

describe('Mediainfo operator', () => {
  let engines: LocalEngines;
  let media: GeneratedMedia;
  let objects: S3Objects;
  let largeVideo: string;

  beforeAll(async () => {
    [engines, media] = await Promise.all([startLocalEngines(), generateMedia()]);
    await engines.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    objects = new S3Objects(engines.s3);
    // Noise does not compress: a few MB, so MediaInfoLib has to ask for several chunks.
    largeVideo = join(media.directory, 'noise.mp4');
    await runTool(mediaTools().ffmpeg, [
      ...[
        '-nostdin',
        '-v',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        'testsrc=duration=2:size=640x480:rate=25,noise=alls=60:allf=t',
      ],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', largeVideo],
    ]);
    await Promise.all([
      putFile(engines.s3, BUCKET, 'media/clip.mp4', media.video),
      putFile(engines.s3, BUCKET, 'media/picture.jpg', media.image),
      putFile(engines.s3, BUCKET, 'media/noise.mp4', largeVideo),
      engines.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'media/notes.txt', Body: 'not a media file\n' })),
    ]);
  });

  afterAll(async () => {
    await engines.stop();
    media.remove();
  });

  function dependencies(dataplane = new InMemoryDataplane()): MediainfoDependencies {
    return { objects, analyze: analyzeMedia, dataplane };
  }

  const video = (key: string): MediaObject => ({ S3Bucket: BUCKET, S3Key: key });

  it('describes the video and stores the description as the operation metadata, as pymediainfo would', async () => {
    // Prepare
    const dataplane = new InMemoryDataplane();
    const event = operatorEvent({
      Name: 'Mediainfo',
      Input: { Media: { Video: video('media/clip.mp4') }, MetaData: {} },
    });

    // Act
    const output = await runMediainfo(event, dependencies(dataplane));

    // Assess
    expect(output.Status).toBe('Complete');
    expect(output.MetaData).toEqual({
      Mediainfo_num_audio_tracks: '1',
      AssetId: ASSET_ID,
      WorkflowExecutionId: EXECUTION_ID,
    });
    expect(dataplane.calls.map(({ request, page }) => [request.operatorName, request.workflowId, page])).toEqual([
      ['Mediainfo', EXECUTION_ID, undefined],
    ]);
    const stored = dataplane.results('Mediainfo') as { tracks: Record<string, unknown>[] };
    expect(Object.keys(stored)).toEqual(['tracks']);
    expect(stored.tracks.map((t) => t['track_type'])).toEqual(['General', 'Video', 'Audio']);
    expect(stored.tracks[0]).toMatchObject({ format: 'MPEG-4', file_size: expect.any(Number) });
    expect(stored.tracks[1]).toMatchObject({ format: 'AVC', width: 320, height: 240, other_width: ['320 pixels'] });
    expect(stored.tracks[2]).toMatchObject({ format: 'AAC', track_id: 2 });
  });

  it('reads the object in ranged chunks, never the whole file at once', async () => {
    // Prepare
    const reads: number[] = [];
    const counting: MediainfoDependencies['objects'] = {
      size: (object) => objects.size(object),
      readRange: (object, offset, length) => {
        reads.push(length);
        return objects.readRange(object, offset, length);
      },
    };
    const event = operatorEvent({
      Name: 'Mediainfo',
      Input: { Media: { Video: video('media/noise.mp4') }, MetaData: {} },
    });

    // Act
    const output = await runMediainfo(event, { ...dependencies(), objects: counting });

    // Assess
    expect(output.Status).toBe('Complete');
    expect(output.MetaData['Mediainfo_num_audio_tracks']).toBe('0');
    expect(await objects.size({ bucket: BUCKET, key: 'media/noise.mp4' })).toBeGreaterThan(2 * CHUNK_BYTES);
    expect(reads.length).toBeGreaterThan(2);
    expect(Math.max(...reads)).toBeLessThanOrEqual(CHUNK_BYTES);
  });

  it('describes an image for MediainfoImage under that operation name', async () => {
    // Prepare
    const dataplane = new InMemoryDataplane();
    const event = operatorEvent({
      Name: 'MediainfoImage',
      Configuration: { MediaType: 'Image', Enabled: true },
      Input: { Media: { Image: video('media/picture.jpg') }, MetaData: {} },
    });

    // Act
    const output = await runMediainfo(event, dependencies(dataplane));

    // Assess
    expect(output.Status).toBe('Complete');
    expect(output.MetaData['Mediainfo_num_audio_tracks']).toBe('0');
    const stored = dataplane.results('MediainfoImage') as { tracks: Record<string, unknown>[] };
    expect(stored.tracks.map((t) => t['track_type'])).toEqual(['General', 'Image']);
    expect(stored.tracks[1]).toMatchObject({ format: 'JPEG', width: 320, height: 240 });
  });

  it('refuses a file that holds no video, audio, image or text', async () => {
    // Prepare
    const dataplane = new InMemoryDataplane();
    const event = operatorEvent({
      Name: 'Mediainfo',
      Input: { Media: { Video: video('media/notes.txt') }, MetaData: {} },
    });

    // Act
    const output = await failureOf(() => runMediainfo(event, dependencies(dataplane)));

    // Assess
    expect(output.Status).toBe('Error');
    expect(output.MetaData['MediainfoError']).toBe(
      'Unable to get Mediainfo results. File does not contain valid video, audio, image, or text content',
    );
    expect(dataplane.calls).toEqual([]);
  });

  it('names the missing key, as the original does, when the input media has no S3Key', async () => {
    // Prepare
    const event = operatorEvent({
      Name: 'Mediainfo',
      Input: { Media: { Video: { S3Bucket: BUCKET } as MediaObject }, MetaData: {} },
    });

    // Act
    const output = await failureOf(() => runMediainfo(event, dependencies()));

    // Assess
    expect(output.MetaData['MediainfoError']).toBe("Missing a required metadata key 'S3Key'");
  });

  it('reports an object it cannot read with the reason', async () => {
    // Prepare
    const event = operatorEvent({
      Name: 'Mediainfo',
      Input: { Media: { Video: video('media/absent.mp4') }, MetaData: {} },
    });

    // Act
    const output = await failureOf(() => runMediainfo(event, dependencies()));

    // Assess
    expect(output.MetaData['MediainfoError']).toBe(
      `Unable to get Mediainfo results. s3://${BUCKET}/media/absent.mp4 does not exist`,
    );
  });

  it('fails with the original message, keeping the audio track count, when the data plane does not store it', async () => {
    // Prepare
    const dataplane = new InMemoryDataplane();
    dataplane.refuse = true;
    const logs = captureLogs();
    const event = operatorEvent({
      Name: 'Mediainfo',
      Input: { Media: { Video: video('media/clip.mp4') }, MetaData: {} },
    });

    // Act
    const output = await failureOf(() => runMediainfo(event, dependencies(dataplane)));
    logs.restore();

    // Assess
    expect(logs.entries()).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'Storing the operator metadata failed',
        operator: 'Mediainfo',
        assetId: ASSET_ID,
        error: expect.objectContaining({ name: expect.any(String) }),
      }),
    ]);
    expect(output.MetaData).toEqual({
      Mediainfo_num_audio_tracks: '1',
      AssetId: ASSET_ID,
      WorkflowExecutionId: EXECUTION_ID,
      MediainfoError: `Unable to upload metadata for asset: ${ASSET_ID}`,
    });
  });
});
