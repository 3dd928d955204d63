import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { mediaTools, runTool } from '../../../lambdas/shared/media/tools';
import { encodeSearchQuery, parseSearchRequest } from '../../../lambdas/media2cloud/search/request';
import type { ProxyEntry } from '../../../lambdas/media2cloud/pipeline/domain/records';
import {
  makeAudioOnlyMp4,
  makeJpegWithMetadata,
  makePdf,
  makeTaggedMp3,
  makeVideoWithSubtitles,
  PDF_ID,
  SIDECAR_VTT,
} from './fixtures';
import { INGEST_BUCKET, PROXY_BUCKET, startPipelineHarness, stateMachineArn, type PipelineHarness } from './support';

interface Run {
  readonly uuid: string;
  readonly key: string;
  readonly md5: string;
  readonly status: string;
}

const UUID = /^[0-9a-f-]{36}$/;
const CORRUPT = Buffer.from('this is not a video at all. '.repeat(200));

describe('Media2Cloud pipeline: main, ingest and analysis state machines on local Step Functions', () => {
  let harness: PipelineHarness;
  let media: string;
  let jpeg: Buffer;
  const runs: Record<string, Run> = {};

  async function ingest(
    name: string,
    file: Buffer,
    key: string,
    extra: Record<string, unknown> = {},
    metadata?: Record<string, string>,
  ): Promise<Run> {
    const uuid = randomUUID();
    await harness.upload(key, file, metadata);
    const { status } = await harness.runMain({ uuid, bucket: INGEST_BUCKET, key, ...extra });
    runs[name] = { uuid, key, md5: createHash('md5').update(file).digest('hex'), status };
    return runs[name];
  }

  async function proxyText(key: string): Promise<string> {
    return (await harness.deps.objects.getText({ bucket: PROXY_BUCKET, key })) ?? '';
  }

  /** Width, height and codec of the first stream of a proxy, by ffprobe. */
  async function probe(key: string, stream = 'v:0'): Promise<{ codec_name: string; width?: number; height?: number }> {
    const file = path.join(media, path.basename(key));
    await harness.deps.objects.download({ bucket: PROXY_BUCKET, key }, file);
    const json = await runTool(mediaTools().ffprobe, [
      ...[
        '-v',
        'error',
        '-select_streams',
        stream,
        '-show_entries',
        'stream=codec_name,width,height',
        '-of',
        'json',
        file,
      ],
    ]);
    return (JSON.parse(json) as { streams: Array<{ codec_name: string; width?: number; height?: number }> })
      .streams[0]!;
  }

  const proxy = (proxies: readonly ProxyEntry[] | undefined, suffix: string) =>
    proxies?.find((entry) => entry.key.endsWith(suffix));

  beforeAll(async () => {
    harness = await startPipelineHarness();
    media = mkdtempSync(path.join(tmpdir(), 'm2c-media-'));
    const [video, mp3, audioMp4, image] = await Promise.all([
      makeVideoWithSubtitles(media),
      makeTaggedMp3(media),
      makeAudioOnlyMp4(media),
      makeJpegWithMetadata(media),
    ]);
    jpeg = readFileSync(image);
    const pdf = makePdf(
      [
        ['Tide tables for the harbour', 'High water at noon'],
        ['Lighthouse keepers log', 'Fog on the pier'],
      ],
      { Title: 'Harbour Guide', Author: 'Harbour Authority', Keywords: 'tides, pier' },
    );
    await harness.upload('shows/harbour.fr.vtt', SIDECAR_VTT);
    await Promise.all([
      ingest('video', readFileSync(video), 'shows/harbour.mp4', {
        aiOptions: { framebased: true, frameCaptureMode: 1 },
      }),
      ingest('audio', readFileSync(mp3), 'music/song.mp3'),
      ingest('retyped', readFileSync(audioMp4), 'clips/voice.mp4'),
      ingest('image', jpeg, 'photos/lighthouse.jpg', { attributes: { project: 'coast' } }),
      ingest('document', pdf, 'docs/guide.pdf'),
      ingest('corrupt', CORRUPT, 'broken/clip.mp4'),
      ingest('mismatch', jpeg, 'photos/tampered.jpg', {}, { md5: '0123456789abcdef0123456789abcdef' }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
    if (media) rmSync(media, { recursive: true, force: true });
  });

  describe('a video with a mov_text subtitle track and a sidecar .vtt', () => {
    it('goes through INGEST and ANALYSIS to COMPLETED with the original record fields', async () => {
      const { uuid, md5, status } = runs.video!;
      const record = await harness.record(uuid);

      expect(status).toBe('SUCCEEDED');
      expect(record).toMatchObject({
        uuid,
        status: 'ANALYSIS_COMPLETED',
        overallStatus: 'COMPLETED',
        type: 'video',
        mime: 'video/mp4',
        md5,
        basename: 'harbour',
        bucket: INGEST_BUCKET,
        key: 'shows/harbour.mp4',
        schemaVersion: 1,
        framerate: 25,
        destination: { bucket: PROXY_BUCKET, prefix: `${uuid}/shows/` },
        mediainfo: [`${uuid}/shows/mediainfo/mediainfo.json`],
        analysis: ['video'],
      });
      expect(record!.duration).toBeGreaterThanOrEqual(4000);
      expect(record!.duration).toBeLessThan(4100);
      expect(record!.executionArn).toMatch(/:execution:m2c-Analysis:/);
      expect(record!.errorMessage).toBeUndefined();
      expect(JSON.parse(await proxyText(`${uuid}/shows/mediainfo/mediainfo.json`)).media.track[0]['@type']).toBe(
        'General',
      );
    });

    it('makes an H.264/AAC proxy, an AAC audio proxy and 480x270 thumbnails, listed as the original lists them', async () => {
      const { uuid } = runs.video!;
      const { proxies } = (await harness.record(uuid))!;

      expect(proxy(proxies, 'transcode/aiml/harbour.mp4')).toMatchObject({
        outputType: 'aiml',
        type: 'video',
        mime: 'video/mp4',
      });
      expect(proxy(proxies, 'transcode/aiml/harbour.m4a')).toMatchObject({
        outputType: 'aiml',
        type: 'audio',
        mime: 'audio/mp4',
      });
      expect(proxy(proxies, '.jpg')).toMatchObject({ outputType: 'proxy', type: 'image', mime: 'image/jpeg' });
      expect(proxies).toHaveLength(3);
      // The MediaConvert job keeps a video within 960x540 at its size, as the original's `downscaleOutput` does.
      expect(await probe(`${uuid}/shows/transcode/aiml/harbour.mp4`)).toEqual({
        codec_name: 'h264',
        width: 320,
        height: 240,
      });
      expect(await probe(`${uuid}/shows/transcode/aiml/harbour.mp4`, 'a:0')).toEqual({ codec_name: 'aac' });
      expect(await probe(`${uuid}/shows/transcode/proxy/harbour.0000000.jpg`)).toEqual({
        codec_name: 'mjpeg',
        width: 480,
        height: 270,
      });
    });

    it('captures frames at the rate aiOptions ask for (frameCaptureMode 1: one a second)', async () => {
      const keys = await harness.proxyKeys(`${runs.video!.uuid}/shows/transcode/frameCapture/`);

      expect(keys.map((key) => path.basename(key))).toEqual([
        'frame.0000000.jpg',
        'frame.0000001.jpg',
        'frame.0000002.jpg',
        'frame.0000003.jpg',
      ]);
    });

    it('indexes one subtitle entry per cue with its begin and end in ms, from the track and the sidecar', async () => {
      const document = harness.search.get(runs.video!.uuid);

      expect(document?.subtitle).toEqual([
        { name: 'Hello from the harbour', timecodes: [{ begin: 500, end: 1800 }] },
        { name: 'The tide turns at noon', timecodes: [{ begin: 2000, end: 3250 }] },
        { name: 'Bonjour le phare', timecodes: [{ begin: 1000, end: 2500 }] },
      ]);
      expect(document?.title).toEqual([{ name: 'Harbour at noon' }]);
      expect(document).toMatchObject({ type: 'video', status: 'ANALYSIS_COMPLETED', overallStatus: 'COMPLETED' });
    });

    it('is found by a search for words of a cue, with the cue and its timecodes', () => {
      const response = harness.search.index_.search(
        parseSearchRequest({ query: { query: encodeSearchQuery('tide') } }),
      );
      const hit = response.hits.find((each) => each.id === runs.video!.uuid);

      expect(hit?.fields.subtitle?.hits).toEqual([
        { name: 'The tide turns at noon', timecodes: [{ begin: 2000, end: 3250 }] },
      ]);
    });

    it('keeps each track as WebVTT and the cues as metadata in the analysis layout, recorded in the AIML table', async () => {
      const { uuid } = runs.video!;
      const [record] = await harness.analyses.list(uuid);
      const subtitle = record!.subtitle as {
        tracks: Array<{ name: string; source: string; vtt: string; numCues: number }>;
      };

      expect(record).toMatchObject({ uuid, type: 'video', status: 'COMPLETED' });
      expect(subtitle.tracks).toEqual([
        expect.objectContaining({
          source: 'embedded',
          language: 'eng',
          numCues: 2,
          vtt: `${uuid}/shows/vtt/subtitle/track-2-eng.vtt`,
        }),
        expect.objectContaining({ source: 'sidecar', language: 'fr', numCues: 1, origin: 'shows/harbour.fr.vtt' }),
      ]);
      expect(await proxyText(subtitle.tracks[0]!.vtt)).toBe(
        'WEBVTT\n\n00:00:00.500 --> 00:00:01.800\nHello from the <i>harbour</i>\n\n' +
          '00:00:02.000 --> 00:00:03.250\nThe tide turns\nat noon\n',
      );
      expect(JSON.parse(await proxyText(`${uuid}/shows/metadata/subtitle/subtitle.json`))[0].cues[0]).toEqual({
        begin: 500,
        end: 1800,
        text: 'Hello from the harbour',
      });
      expect(record!.tags).toMatchObject({ fields: ['title'], metadata: `${uuid}/shows/metadata/tags/tags.json` });
    });

    it('switches off AI analyses the deployment cannot run, keeping the text analyses on', async () => {
      const { aiOptions } = (await harness.record(runs.video!.uuid))!;

      // The stack default asks for label and transcribe; neither service is available.
      expect(aiOptions).toMatchObject({
        label: false,
        transcribe: false,
        subtitle: true,
        tags: true,
        framebased: true,
      });
    });
  });

  it('ingests an MP3 as audio with an AAC proxy and its cover art, and indexes its ID3 tags', async () => {
    const { uuid, status } = runs.audio!;
    const record = await harness.record(uuid);

    expect(status).toBe('SUCCEEDED');
    expect(record).toMatchObject({
      type: 'audio',
      mime: 'audio/mpeg',
      overallStatus: 'COMPLETED',
      analysis: ['audio'],
    });
    expect(record!.proxies?.map((entry) => [path.basename(entry.key), entry.outputType, entry.type])).toEqual([
      ['song.m4a', 'aiml', 'audio'],
      ['cover.jpg', 'proxy', 'image'],
    ]);
    expect(await probe(`${uuid}/music/transcode/aiml/song.m4a`, 'a:0')).toEqual({ codec_name: 'aac' });
    expect(harness.search.get(uuid)).toMatchObject({
      title: [{ name: 'Morning Tide' }],
      artist: [{ name: 'The Gulls' }],
      album: [{ name: 'Coast' }],
      genre: [{ name: 'Ambient' }],
    });
  });

  it('re-types a video file without a video track as audio and makes only an audio proxy', async () => {
    const { uuid, status } = runs.retyped!;
    const record = await harness.record(uuid);

    expect(status).toBe('SUCCEEDED');
    expect(record).toMatchObject({ type: 'audio', mime: 'video/mp4', overallStatus: 'COMPLETED' });
    expect(record!.proxies?.map((entry) => entry.key)).toEqual([`${uuid}/clips/transcode/aiml/voice.m4a`]);
    expect(harness.search.get(uuid)?.type).toBe('audio');
  });

  it('ingests a JPEG: EXIF and XMP into imageinfo, a JPEG proxy and a thumbnail, tags indexed as keywords', async () => {
    const { uuid, status } = runs.image!;
    const record = await harness.record(uuid);
    const imageinfo = JSON.parse(await proxyText(record!.imageinfo!));

    expect(status).toBe('SUCCEEDED');
    expect(record).toMatchObject({
      type: 'image',
      mime: 'image/jpeg',
      overallStatus: 'COMPLETED',
      attributes: { project: 'coast' },
    });
    expect(imageinfo).toMatchObject({
      FileType: 'JPEG',
      ImageWidth: 640,
      ImageHeight: 360,
      ImageDescription: 'The old lighthouse seen from the pier',
      Artist: 'Ada Keeper',
      Copyright: 'CC BY 4.0',
      Orientation: 'Horizontal (normal)',
      XPKeywords: 'pier;dusk',
      Title: 'Lighthouse at dusk',
      Subject: 'lighthouse, harbour & coast',
    });
    expect(record!.proxies).toEqual([
      expect.objectContaining({
        key: `${uuid}/photos/transcode/proxy/lighthouse.jpg`,
        outputType: 'proxy',
        type: 'image',
      }),
    ]);
    expect(await probe(`${uuid}/photos/transcode/proxy/lighthouse.jpg`)).toMatchObject({ width: 640, height: 360 });
    expect(await probe(`${uuid}/photos/transcode/proxy/lighthouse_thumbnail.jpg`)).toMatchObject({
      width: 480,
      height: 270,
    });
    expect(harness.search.get(uuid)).toMatchObject({
      title: [{ name: 'Lighthouse at dusk' }],
      description: [{ name: 'The old lighthouse seen from the pier' }],
      keywords: [{ name: 'lighthouse' }, { name: 'harbour & coast' }, { name: 'pier' }, { name: 'dusk' }],
      artist: [{ name: 'Ada Keeper' }],
      copyright: [{ name: 'CC BY 4.0' }],
      attributes: { project: 'coast' },
    });
  });

  it('ingests a two-page PDF: docinfo, a PNG per page, and one pagetext entry per page with its page number', async () => {
    const { uuid, status } = runs.document!;
    const record = await harness.record(uuid);
    const [analysis] = await harness.analyses.list(uuid);

    expect(status).toBe('SUCCEEDED');
    expect(record).toMatchObject({
      type: 'document',
      mime: 'application/pdf',
      overallStatus: 'COMPLETED',
      docinfo: { numPages: 2, fingerprint: PDF_ID, title: 'Harbour Guide', author: 'Harbour Authority' },
      proxies: [
        expect.objectContaining({
          key: `${uuid}/docs/transcode/proxy/00000000.png`,
          outputType: 'proxy',
          type: 'image',
          mime: 'image/png',
        }),
      ],
      analysis: ['document'],
    });
    expect(await harness.proxyKeys(`${uuid}/docs/transcode/proxy/`)).toEqual([
      `${uuid}/docs/transcode/proxy/00000000.png`,
      `${uuid}/docs/transcode/proxy/00000001.png`,
    ]);
    expect(harness.search.get(uuid)).toMatchObject({
      pagetext: [
        { name: 'Tide tables for the harbour High water at noon', page: 0 },
        { name: 'Lighthouse keepers log Fog on the pier', page: 1 },
      ],
      title: [{ name: 'Harbour Guide' }],
      keywords: [{ name: 'tides' }, { name: 'pier' }],
      creator: [{ name: 'Harbour Authority' }],
    });
    expect(analysis).toMatchObject({ type: 'document', pagetext: { numPages: 2, pagesWithText: 2 } });
    expect(JSON.parse(await proxyText(`${uuid}/docs/metadata/pagetext/pagetext.json`))).toEqual([
      { page: 0, text: 'Tide tables for the harbour\nHigh water at noon' },
      { page: 1, text: 'Lighthouse keepers log\nFog on the pier' },
    ]);
  });

  it("replaces the last run's results when an analysis runs again (POST /analysis leaves that to the run)", async () => {
    const { uuid, key } = runs.document!;
    const before = await harness.record(uuid);
    expect(before?.analysis).toEqual(['document']);
    // A result of an earlier run with other options, listed as current.
    await harness.analyses.merge({ uuid, type: 'video', status: 'COMPLETED', startTime: 1, endTime: 2 });
    await harness.deps.records.update(uuid, { set: { analysis: ['document', 'video'] } });

    const { executionArn } = await harness.sfn.startExecution({
      stateMachineArn: stateMachineArn('Analysis'),
      input: JSON.stringify({ input: { uuid, bucket: INGEST_BUCKET, key }, uuid }),
    });

    expect(await harness.waitFor(executionArn!)).toBe('SUCCEEDED');
    expect((await harness.analyses.list(uuid)).map((record) => record.type)).toEqual(['document']);
    expect(await harness.record(uuid)).toMatchObject({ analysis: ['document'], overallStatus: 'COMPLETED' });
  });

  it('ends a corrupt file in ERROR with INGEST_ERROR and a message saying why', async () => {
    const { uuid, status } = runs.corrupt!;
    const record = await harness.record(uuid);

    expect(status).toBe('FAILED');
    expect(record).toMatchObject({ overallStatus: 'ERROR', status: 'INGEST_ERROR' });
    expect(record!.errorMessage).toBe(
      'broken/clip.mp4 has no video or audio track MediaInfo can read: it is not a media file, or it is corrupt',
    );
    expect(harness.search.get(uuid)).toMatchObject({ overallStatus: 'ERROR', status: 'INGEST_ERROR' });
    expect(await harness.analyses.list(uuid)).toEqual([]);
  });

  it('records the failure of an analysis started on its own (as POST /analysis does) as ANALYSIS_ERROR', async () => {
    const { uuid, key } = await ingest('corrupt-again', CORRUPT, 'broken/again.mp4');
    const { executionArn } = await harness.sfn.startExecution({
      stateMachineArn: stateMachineArn('Analysis'),
      input: JSON.stringify({ input: { uuid, bucket: INGEST_BUCKET, key, aiOptions: { subtitle: true } } }),
    });

    expect(await harness.waitFor(executionArn!)).toBe('FAILED');
    expect(await harness.record(uuid)).toMatchObject({
      overallStatus: 'ERROR',
      status: 'ANALYSIS_ERROR',
      errorMessage: expect.stringMatching(/^ffprobe could not read broken\/again\.mp4: /),
    });
  });

  it('fails fixity when the MD5 differs from x-amz-meta-md5', async () => {
    const { uuid, status, md5 } = runs.mismatch!;
    const record = await harness.record(uuid);

    expect(status).toBe('FAILED');
    expect(record).toMatchObject({ overallStatus: 'ERROR', status: 'INGEST_ERROR' });
    expect(record!.errorMessage).toBe(
      `MD5 ${md5} of s3://${INGEST_BUCKET}/photos/tampered.jpg does not match its x-amz-meta-md5 0123456789abcdef0123456789abcdef`,
    );
  });

  describe('removal', () => {
    it('deletes the records, the proxies and the search document, never the upload', async () => {
      const { uuid, status } = await ingest('removed', jpeg, 'removal/keep-me.jpg');
      expect(status).toBe('SUCCEEDED');
      expect((await harness.proxyKeys(`${uuid}/`)).length).toBeGreaterThan(0);

      const result = await harness.functions.get('AssetRemoval')!({ uuid });

      expect(result).toMatchObject({
        uuid,
        status: 'REMOVED',
        stopped: false,
        searchDocumentRemoved: true,
        analysisRecordsDeleted: 1,
      });
      expect(await harness.record(uuid)).toBeUndefined();
      expect(await harness.analyses.list(uuid)).toEqual([]);
      expect(await harness.proxyKeys(`${uuid}/`)).toEqual([]);
      expect(harness.search.get(uuid)).toBeUndefined();
      expect(await harness.deps.objects.head({ bucket: INGEST_BUCKET, key: 'removal/keep-me.jpg' })).toBeDefined();
    });

    it('stops the running execution, and work that was under way does not bring the asset back', async () => {
      const uuid = randomUUID();
      let entered!: () => void;
      const held = new Promise<void>((resolve) => (entered = resolve));
      let release!: (error: Error) => void;
      const released = new Promise<never>((_, reject) => (release = reject));
      released.catch(() => undefined);
      harness.beforeInvoke = async (id, payload) => {
        if (id === 'RunAnalyzer' && JSON.stringify(payload).includes(uuid)) {
          entered();
          await released;
        }
      };
      await harness.upload('removal/running.jpg', jpeg);
      const { executionArn } = await harness.sfn.startExecution({
        stateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:m2c-Main`,
        input: JSON.stringify({ input: { uuid, bucket: INGEST_BUCKET, key: 'removal/running.jpg' } }),
      });
      await held;

      // As DELETE /assets/{uuid} invokes it: with the execution the API started.
      const result = await harness.functions.get('AssetRemoval')!({ uuid, executionArn });
      // The held invocation dies with its execution, as a function does when it times out.
      release(Object.assign(new Error('Task timed out'), { name: 'Sandbox.Timedout' }));
      const mainStatus = await harness.waitFor(executionArn!);

      expect(result).toMatchObject({ uuid, status: 'REMOVED', stopped: true });
      expect(mainStatus).toBe('ABORTED');
      expect(await harness.record(uuid)).toBeUndefined();
      expect(await harness.proxyKeys(`${uuid}/`)).toEqual([]);
      expect(harness.search.get(uuid)).toBeUndefined();
      expect(await harness.deps.objects.head({ bucket: INGEST_BUCKET, key: 'removal/running.jpg' })).toBeDefined();
      harness.beforeInvoke = async () => undefined;
    });
  });

  describe('S3 upload trigger', () => {
    it('starts ingest for an EventBridge Object Created event, under the uuid of x-amz-meta-uuid', async () => {
      const uuid = randomUUID();
      await harness.upload('uploads/my photo.jpg', jpeg, { uuid });

      const [outcome] = (await harness.functions.get('S3Event')!({
        'detail-type': 'Object Created',
        source: 'aws.s3',
        detail: { bucket: { name: INGEST_BUCKET }, object: { key: 'uploads/my photo.jpg', size: jpeg.length } },
      })) as Array<{ outcome: string; uuid: string; executionArn: string; status: string }>;

      expect(outcome).toMatchObject({ outcome: 'started', uuid, status: 'STARTED' });
      expect(await harness.waitFor(outcome!.executionArn)).toBe('SUCCEEDED');
      expect(await harness.record(uuid)).toMatchObject({
        overallStatus: 'COMPLETED',
        key: 'uploads/my photo.jpg',
        destination: { bucket: PROXY_BUCKET, prefix: `${uuid}/uploads/` },
      });
    });

    it('reads S3 notifications too, and skips empty objects and files that are no media', async () => {
      await harness.upload('uploads/folder/', '');
      await harness.upload('uploads/notes.txt', 'just some notes');
      await harness.upload('uploads/a+b c.jpg', jpeg);

      const outcomes = (await harness.functions.get('S3Event')!({
        Records: [
          { s3: { bucket: { name: INGEST_BUCKET }, object: { key: 'uploads/folder/', size: 0 } } },
          { s3: { bucket: { name: INGEST_BUCKET }, object: { key: 'uploads/notes.txt', size: 15 } } },
          { s3: { bucket: { name: INGEST_BUCKET }, object: { key: 'uploads/a%2Bb+c.jpg', size: jpeg.length } } },
        ],
      })) as Array<{ outcome: string; key: string; uuid?: string; executionArn?: string; reason?: string }>;

      expect(outcomes.map(({ outcome, key }) => [outcome, key])).toEqual([
        ['skipped', 'uploads/folder/'],
        ['skipped', 'uploads/notes.txt'],
        ['started', 'uploads/a+b c.jpg'],
      ]);
      expect(outcomes[1]!.reason).toBe('not a supported media type (text/plain)');
      expect(outcomes[2]!.uuid).toMatch(UUID);
      expect(await harness.waitFor(outcomes[2]!.executionArn!)).toBe('SUCCEEDED');
    });
  });
});
