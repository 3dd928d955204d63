import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListJobsCommand, MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { encodeSearchQuery } from '../../lambdas/media2cloud/search';
import { makeCea608Video } from '../support/cea608';
import { apiClient, request, startTestLocalMode, type HttpResult, type TestLocalMode } from '../support/local';
import {
  SIDECAR_VTT,
  makeJpegWithMetadata,
  makeLongLowResVideo,
  makePdf,
  makeTaggedMp3,
  makeVideoWithSubtitles,
  turnOffAiAnalysis,
} from './pipeline/fixtures';
import { assetSettled } from './settled';

/**
 * Media2Cloud end to end through local mode: the synthesized stack, the API behind the API Gateway emulator with
 * SigV4, the pipeline state machines and functions (real ffmpeg and MediaInfo), uploads through the S3 engine and
 * its EventBridge events, and search through the local OpenSearch-compatible endpoint.
 */
describe('Media2Cloud v4 API through local mode', () => {
  let env: TestLocalMode;
  let api: ReturnType<typeof apiClient>;
  let s3: S3Client;
  let endpoint: string;
  let ingestBucket: string;
  let proxyBucket: string;
  let media: string;
  const assets: Record<string, { uuid: string; key: string; md5: string }> = {};

  const upload = async (key: string, body: Buffer | string, metadata?: Record<string, string>) => {
    await s3.send(new PutObjectCommand({ Bucket: ingestBucket, Key: key, Body: body, Metadata: metadata }));
    return createHash('md5').update(body).digest('hex');
  };

  /** Polls `GET /assets/{uuid}` until `overallStatus` is no longer PROCESSING (or the record never appears). */
  const settled = async (uuid: string, timeoutMs = 120_000): Promise<Record<string, any>> => {
    return assetSettled(api, uuid, timeoutMs);
  };

  const search = (query: string, params: Record<string, string> = {}, uuid?: string) =>
    api.get(
      `search${uuid ? `/${uuid}` : ''}?${new URLSearchParams({ query: encodeSearchQuery(query), ...params }).toString()}`,
    );

  const proxyKeys = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: proxyBucket, Prefix: prefix }))).Contents ?? []).map(
      (object) => object.Key as string,
    );

  beforeAll(async () => {
    env = await startTestLocalMode();
    const outputs = env.local.outputs.Media2Cloud ?? {};
    endpoint = outputs.ApiEndpoint ?? '';
    ingestBucket = outputs.IngestBucket ?? '';
    proxyBucket = outputs.ProxyBucket ?? '';
    api = apiClient(`${endpoint}/`, env.local.credentials);
    s3 = new S3Client({
      region: env.local.outputs.Local?.Region,
      endpoint: env.local.outputs.Local?.S3Endpoint,
      forcePathStyle: true,
      credentials: env.local.credentials,
    });

    media = mkdtempSync(path.join(tmpdir(), 'm2c-e2e-'));
    const [video, mp3, image, captioned] = await Promise.all([
      makeVideoWithSubtitles(media),
      makeTaggedMp3(media),
      makeJpegWithMetadata(media),
      makeCea608Video(media, 'evening-news.mp4'),
    ]);
    const pdf = makePdf(
      [
        ['Tide tables for the harbour', 'High water at noon'],
        ['Lighthouse keepers log', 'Fog on the pier'],
      ],
      { Title: 'Harbour Guide', Author: 'Harbour Authority', Keywords: 'tides, pier' },
    );

    // This suite covers ingest, the text analyses and search; ai-analysis.e2e.test.ts covers the AI analyses.
    await turnOffAiAnalysis(s3, proxyBucket);
    // Video, image and document by POST /assets; the MP3 by upload alone, named by x-amz-meta-uuid.
    await upload('shows/harbour.fr.vtt', SIDECAR_VTT);
    const started: Array<Promise<void>> = [];
    for (const [name, file, key] of [
      ['video', readFileSync(video), 'shows/harbour.mp4'],
      ['image', readFileSync(image), 'photos/lighthouse.jpg'],
      ['document', pdf, 'docs/guide.pdf'],
      ['corrupt', Buffer.from('this is not a video at all, only text'.repeat(40)), 'broken/clip.mp4'],
      ['captioned', readFileSync(captioned), 'broadcast/evening-news.mp4'],
    ] as const) {
      started.push(
        (async () => {
          // Marked as the original's web portal marks its uploads, so the upload does not start a second ingest.
          const md5 = await upload(key, file, { webupload: 'true' });
          const response = await api.post('assets', { input: { key } });
          if (response.status !== 200) throw new Error(`POST /assets ${key}: ${response.status} ${response.text}`);
          assets[name] = { uuid: response.json().uuid, key, md5 };
        })(),
      );
    }
    const audioUuid = '6f1c2b9e-4d3a-4c5b-8e7f-0a1b2c3d4e5f';
    const audioMd5 = await upload('music/song.mp3', readFileSync(mp3), { uuid: audioUuid });
    assets.audio = { uuid: audioUuid, key: 'music/song.mp3', md5: audioMd5 };
    await Promise.all(started);
    await Promise.all(Object.values(assets).map((asset) => settled(asset.uuid)));
  }, 300_000);

  afterAll(async () => {
    s3?.destroy();
    await env?.stop();
    if (media) rmSync(media, { recursive: true, force: true });
  });

  describe('ingest and analysis', () => {
    it('takes a video from POST /assets to COMPLETED with the original record fields and proxies', async () => {
      const { uuid, md5 } = assets.video!;
      const record = await settled(uuid);

      expect(record).toMatchObject({
        uuid,
        bucket: ingestBucket,
        key: 'shows/harbour.mp4',
        basename: 'harbour',
        md5,
        mime: 'video/mp4',
        type: 'video',
        schemaVersion: 1,
        status: 'ANALYSIS_COMPLETED',
        overallStatus: 'COMPLETED',
        destination: { bucket: proxyBucket, prefix: `${uuid}/shows/` },
        framerate: 25,
        analysis: ['video'],
      });
      expect(record.errorMessage).toBeUndefined();
      expect(record.duration).toBeGreaterThanOrEqual(4000);
      expect(record.proxies.map((proxy: { key: string }) => path.basename(proxy.key)).sort()).toEqual([
        'harbour.0000000.jpg',
        'harbour.m4a',
        'harbour.mp4',
      ]);
      const stored = await proxyKeys(`${uuid}/`);
      for (const proxy of record.proxies) expect(stored).toContain(proxy.key);
    });

    it('ingests an upload on its own (x-amz-meta-uuid names the asset) and indexes its ID3 tags', async () => {
      const record = await settled(assets.audio!.uuid);
      const found = await search('"Morning Tide"');

      expect(record).toMatchObject({ type: 'audio', mime: 'audio/mpeg', overallStatus: 'COMPLETED' });
      expect(found.json().hits.map((hit: { id: string }) => hit.id)).toEqual([assets.audio!.uuid]);
      expect(found.json().hits[0].fields.title.hits).toEqual([{ name: 'Morning Tide' }]);
    });

    it('ingests an image (imageinfo, proxies) and a two-page PDF (docinfo, a PNG per page)', async () => {
      const image = await settled(assets.image!.uuid);
      const document = await settled(assets.document!.uuid);

      expect(image).toMatchObject({ type: 'image', mime: 'image/jpeg', overallStatus: 'COMPLETED' });
      expect(image.imageinfo).toBeDefined();
      expect(image.proxies.length).toBeGreaterThan(0);
      expect(document).toMatchObject({
        type: 'document',
        mime: 'application/pdf',
        overallStatus: 'COMPLETED',
        docinfo: expect.objectContaining({ numPages: 2, title: 'Harbour Guide' }),
      });
      // Each page rendered to a PNG by the RunDocinfo bundle, with pdf.js and the native canvas from its layers.
      expect(await proxyKeys(`${assets.document!.uuid}/docs/transcode/proxy/`)).toEqual([
        `${assets.document!.uuid}/docs/transcode/proxy/00000000.png`,
        `${assets.document!.uuid}/docs/transcode/proxy/00000001.png`,
      ]);
    });

    it('ends a corrupt file in ERROR with INGEST_ERROR and a message saying why', async () => {
      const record = await settled(assets.corrupt!.uuid);

      expect(record).toMatchObject({ overallStatus: 'ERROR', status: 'INGEST_ERROR' });
      expect(record.errorMessage).toMatch(/not a media file, or it is corrupt/);
    });

    it('returns the analysis records of an asset, and an empty array for one without analysis', async () => {
      const analysis = await api.get(`analysis/${assets.video!.uuid}`);
      const none = await api.get(`analysis/${assets.corrupt!.uuid}`);

      expect(analysis.status).toBe(200);
      expect(analysis.json()).toEqual([
        expect.objectContaining({
          type: 'video',
          status: 'COMPLETED',
          executionArn: expect.stringContaining(':execution:'),
          subtitle: expect.anything(),
        }),
      ]);
      expect(none.status).toBe(200);
      expect(none.json()).toEqual([]);
    });
  });

  describe('search', () => {
    it('finds a subtitle cue by phrase, with its timecodes in milliseconds', async () => {
      const response = await search('"tide turns"');

      expect(response.status).toBe(200);
      expect(response.json()).toMatchObject({ term: '"tide turns"', totalHits: 1, nextToken: 1 });
      expect(response.json().hits).toEqual([
        expect.objectContaining({
          id: assets.video!.uuid,
          type: 'video',
          fields: expect.objectContaining({
            subtitle: {
              highlights: expect.arrayContaining([expect.stringContaining('<em>')]),
              hits: [{ name: 'The tide turns at noon', timecodes: [{ begin: 2000, end: 3250 }] }],
            },
          }),
        }),
      ]);
    });

    it('finds the words of CEA-608 captions embedded in a video at their timecodes, from its WebVTT proxy', async () => {
      const { uuid } = assets.captioned!;
      const record = await settled(uuid);

      const response = await search('"storm warning"');

      expect(record).toMatchObject({ overallStatus: 'COMPLETED', status: 'ANALYSIS_COMPLETED' });
      expect(record.proxies).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            key: `${uuid}/broadcast/transcode/aiml/evening-news.vtt`,
            outputType: 'aiml',
            mime: 'text/vtt',
            // The original's MimeTypeHelper types what is not media by its MIME subtype.
            type: 'vtt',
          }),
        ]),
      );
      expect(response.json().hits).toEqual([
        expect.objectContaining({
          id: uuid,
          type: 'video',
          fields: expect.objectContaining({
            subtitle: expect.objectContaining({
              hits: [{ name: 'STORM WARNING AT DUSK', timecodes: [{ begin: 3000, end: 4500 }] }],
            }),
          }),
        }),
      ]);
      expect((await search('ferry')).json().hits[0].fields.subtitle.hits).toEqual([
        { name: 'WELCOME ABOARD THE FERRY', timecodes: [{ begin: 1000, end: 2500 }] },
      ]);
    });

    it('combines words with AND, OR and NOT in any case, and filters by media type', async () => {
      const ids = async (query: string, params: Record<string, string> = {}) =>
        ((await search(query, params)).json().hits as Array<{ id: string }>).map((hit) => hit.id).sort();
      const { video, document, image } = assets;

      expect(await ids('harbour AND noon')).toEqual([video!.uuid, document!.uuid].sort());
      expect(await ids('harbour and noon not tide')).toEqual([]);
      expect(await ids('lighthouse or phare')).toEqual([video!.uuid, image!.uuid, document!.uuid].sort());
      expect(await ids('lighthouse or phare', { video: 'false', image: 'false' })).toEqual([document!.uuid]);
      expect(await ids('lighthouse', { document: 'true' })).toEqual([image!.uuid, document!.uuid].sort());
    });

    it('finds PDF page text with the page, and searches a single asset on /search/{uuid}', async () => {
      const page = await search('"Fog on the pier"');
      const one = await search('harbour', {}, assets.document!.uuid);

      expect(page.json().hits[0]).toMatchObject({ id: assets.document!.uuid, type: 'document' });
      expect(page.json().hits[0].fields.pagetext.hits).toEqual([
        expect.objectContaining({ name: 'Lighthouse keepers log Fog on the pier', page: 1 }),
      ]);
      expect(one.json().hits.map((hit: { id: string }) => hit.id)).toEqual([assets.document!.uuid]);
    });

    it("answers the API guide's curl example, which sends the base64 query without its name", async () => {
      // Prepare: what `curl --get --data-urlencode "$(echo \"tide turns\" | base64)"` puts on the wire.
      const encoded = Buffer.from('"tide turns"\n').toString('base64');
      const name = encoded.slice(0, encoded.indexOf('='));
      const rest = encoded.slice(name.length + 1);

      // Act
      const response = await api.get(`search?pageSize=1&${name}=${encodeURIComponent(rest)}`);

      // Assess
      expect(response.status).toBe(200);
      expect(response.json()).toMatchObject({ term: '"tide turns"', totalHits: 1 });
      expect(response.json().hits[0].id).toBe(assets.video!.uuid);
    });

    it('pages with pageSize and token, nextToken being totalHits on the last page', async () => {
      const first = (await search('harbour OR lighthouse OR tide', { pageSize: '2' })).json();
      const second = (
        await search('harbour OR lighthouse OR tide', { pageSize: '2', token: String(first.nextToken) })
      ).json();

      // The video, the image, the PDF and the MP3 ("Morning Tide").
      expect(first.totalHits).toBe(4);
      expect(first.nextToken).toBe(2);
      expect(second.nextToken).toBe(4);
      expect(new Set([...first.hits, ...second.hits].map((hit: { id: string }) => hit.id)).size).toBe(4);
    });
  });

  describe('analysis re-run and removal', () => {
    it('re-runs the analysis of an asset with POST /analysis/{uuid}, then drops it with DELETE', async () => {
      const { uuid } = assets.audio!;

      const rerun = await api.post(`analysis/${uuid}`, { input: { uuid } });
      let record: Record<string, unknown> = {};
      for (let i = 0; i < 600; i += 1) {
        record = (await api.get(`assets/${uuid}`)).json();
        const done = record.overallStatus === 'COMPLETED' || record.overallStatus === 'ERROR';
        if (record.executionArn === rerun.json().executionArn && done) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const reanalysed = await api.get(`analysis/${uuid}`);
      const dropped = await api.delete(`analysis/${uuid}`);
      const afterDrop = await api.get(`analysis/${uuid}`);

      expect(rerun.status).toBe(200);
      expect(rerun.json()).toMatchObject({
        uuid,
        status: 'STARTED',
        executionArn: expect.stringContaining(':execution:'),
      });
      expect(record).toMatchObject({
        executionArn: rerun.json().executionArn,
        overallStatus: 'COMPLETED',
        status: 'ANALYSIS_COMPLETED',
      });
      expect(reanalysed.json()).toEqual([expect.objectContaining({ type: 'audio', status: 'COMPLETED' })]);
      expect(dropped.status).toBe(200);
      expect(afterDrop.json()).toEqual([]);
      // Descriptive tags are the asset's own metadata, not AI results: dropping the analysis keeps them searchable.
      expect((await search('"Morning Tide"')).json().totalHits).toBe(1);
      expect((await api.get(`assets/${uuid}`)).status).toBe(200);
    });
  });

  describe('errors', () => {
    const expectError = (response: HttpResult, status: number, errorName: string) => {
      expect(response.status).toBe(status);
      expect(response.json()).toEqual({
        errorCode: status,
        errorName,
        errorMessage: expect.any(String),
      });
    };

    it('rejects unsafe keys, a uuid that is not v4 and a missing source with the original error body', async () => {
      const unsafe = await api.post('assets', { input: { key: 'shows/../etc/passwd' } });
      const badUuid = await api.post('assets', { input: { key: 'shows/harbour.mp4', uuid: 'not-a-uuid' } });
      const missing = await api.post('assets', { input: { key: 'nowhere/none.mp4' } });
      const otherKey = await api.post('assets', { input: { key: 'photos/lighthouse.jpg', uuid: assets.video!.uuid } });

      expect(unsafe.status).toBe(400);
      expect(unsafe.json().errorMessage).toMatch(/key/);
      expect(badUuid.status).toBe(400);
      expect(missing.status).toBe(404);
      expect(otherKey.status).toBe(409);
      for (const response of [unsafe, badUuid, missing, otherKey]) {
        expect(Object.keys(response.json()).sort()).toEqual(['errorCode', 'errorMessage', 'errorName']);
      }
    });

    it('answers unknown assets with 404, malformed input with 400, unsigned requests with 403', async () => {
      const unknown = await api.get('assets/00000000-0000-4000-8000-000000000000');
      const badToken = await api.get('assets?token=%%%not-base64');
      const badQuery = await api.get('search?query=%25%25%25');
      const malformed = await request(`${endpoint}/assets`, {
        method: 'POST',
        body: '{"input":',
        headers: { 'Content-Type': 'application/json' },
        credentials: env.local.credentials,
      });
      const unsigned = await request(`${endpoint}/assets`);

      expect(unknown.status).toBe(404);
      expect(Object.keys(unknown.json()).sort()).toEqual(['errorCode', 'errorMessage', 'errorName']);
      expect(badToken.status).toBe(400);
      expect(badQuery.status).toBe(400);
      expect(malformed.status).toBe(400);
      expect(unsigned.status).toBe(403);
      expect(unsigned.json()).toEqual({ message: 'Missing Authentication Token' });
    });

    it('answers an analysis request for an id that is not a uuid with 400 and the original error body', async () => {
      expectError(await api.get('analysis/not-a-uuid'), 400, 'M2CException');
    });
  });

  describe('listing', () => {
    it('pages through 50 assets newest first, by type and by status in either order of filters', async () => {
      // Prepare: 50 more ingest records, written as the pipeline writes them.
      const table = await ingestTableName();
      const dynamodb = new DynamoDBClient({
        region: env.local.outputs.Local?.Region,
        endpoint: env.local.outputs.Local?.DynamoDbEndpoint,
        credentials: env.local.credentials,
      });
      const seeded = Array.from({ length: 50 }, (_, i) => ({
        uuid: `aaaaaaaa-0000-4000-8000-${String(i).padStart(12, '0')}`,
        type: i % 2 === 0 ? 'video' : 'image',
        overallStatus: i % 5 === 0 ? 'ERROR' : 'COMPLETED',
        timestamp: 1_600_000_000_000 + i * 1000,
      }));
      for (let i = 0; i < seeded.length; i += 25) {
        await dynamodb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [table]: seeded.slice(i, i + 25).map((item) => ({
                PutRequest: {
                  Item: {
                    uuid: { S: item.uuid },
                    type: { S: item.type },
                    overallStatus: { S: item.overallStatus },
                    status: { S: item.overallStatus === 'ERROR' ? 'INGEST_ERROR' : 'ANALYSIS_COMPLETED' },
                    timestamp: { N: String(item.timestamp) },
                    schemaVersion: { N: '1' },
                    key: { S: `seeded/${item.uuid}.mp4` },
                  },
                },
              })),
            },
          }),
        );
      }
      dynamodb.destroy();

      // Act
      const all = async (query: string) => {
        const seen: Array<Record<string, unknown>> = [];
        let token: string | undefined;
        do {
          const page = await api.get(`assets?pageSize=7${query}${token ? `&token=${encodeURIComponent(token)}` : ''}`);
          expect(page.status).toBe(200);
          seen.push(...page.json().Items);
          token = page.json().NextToken;
        } while (token);
        return seen;
      };
      const everything = await all('');
      const videos = await all('&type=video');
      const errorsFirst = await all('&overallStatus=ERROR&type=video');
      const typeFirst = await all('&type=video&overallStatus=ERROR');

      // Assess
      const ids = (items: Array<Record<string, unknown>>) => items.map((item) => item.uuid);
      const seededIds = (filter: (item: (typeof seeded)[number]) => boolean) =>
        seeded
          .filter(filter)
          .sort((a, b) => b.timestamp - a.timestamp)
          .map((item) => item.uuid);
      expect(everything.length).toBe(50 + Object.keys(assets).length);
      expect(new Set(ids(everything)).size).toBe(everything.length);
      expect(everything[0]).toEqual({
        uuid: expect.any(String),
        schemaVersion: 1,
        type: expect.any(String),
        timestamp: expect.any(Number),
      });
      const timestamps = everything.map((item) => item.timestamp as number);
      expect(timestamps).toEqual([...timestamps].sort((a, b) => b - a));
      expect(ids(videos).filter((id) => String(id).startsWith('aaaaaaaa'))).toEqual(
        seededIds((item) => item.type === 'video'),
      );
      // overallStatus takes precedence over type, whatever the order of the parameters.
      expect(ids(errorsFirst)).toEqual(ids(typeFirst));
      expect(ids(errorsFirst).filter((id) => String(id).startsWith('aaaaaaaa'))).toEqual(
        seededIds((item) => item.overallStatus === 'ERROR'),
      );
    });
  });

  describe('removal', () => {
    it('removes the records, proxies and search document of an asset, never the original upload', async () => {
      const { uuid, key } = assets.video!;

      const removed = await api.delete(`assets/${uuid}`);
      let gone = false;
      for (let i = 0; i < 200 && !gone; i += 1) {
        gone = (await api.get(`assets/${uuid}`)).status === 404;
        if (!gone) await new Promise((resolve) => setTimeout(resolve, 100));
      }

      expect(removed.status).toBe(200);
      expect(removed.json()).toEqual({ uuid, status: 'REMOVED' });
      expect(gone).toBe(true);
      expect((await api.get(`analysis/${uuid}`)).status).toBe(404);
      expect(await proxyKeys(`${uuid}/`)).toEqual([]);
      expect((await search('"tide turns"')).json().totalHits).toBe(0);
      await expect(s3.send(new HeadObjectCommand({ Bucket: ingestBucket, Key: key }))).resolves.toBeDefined();
    });
  });

  /**
   * Broadcast-length media: a two-hour video (64×36 at 1 fps, silent stereo AAC, so it is made and transcoded in
   * seconds) is ingested as a short one made the same way, through the MediaConvert job the ingest state machine waits
   * for; no function holds the transcode, so nothing is bounded by Lambda's 15 minutes. Last in this suite, on its
   * local mode (one start instead of a suite of its own), so the listing tests above never see these two assets.
   */
  describe('a two-hour video', () => {
    const TWO_HOURS_S = 2 * 60 * 60;
    const long: Record<'long' | 'short', { uuid: string; record: Record<string, any> }> = {} as never;

    beforeAll(async () => {
      const files = {
        long: await makeLongLowResVideo(media, 'long', TWO_HOURS_S),
        short: await makeLongLowResVideo(media, 'short', 60),
      };
      await Promise.all(
        (['long', 'short'] as const).map(async (name) => {
          const key = `${name}/tide.mp4`;
          // Marked as the web portal marks its uploads, so only POST /assets starts the ingest.
          await upload(key, readFileSync(files[name]), { webupload: 'true' });
          const response = await api.post('assets', { input: { key } });
          if (response.status !== 200) throw new Error(`POST /assets ${key}: ${response.status} ${response.text}`);
          const uuid = response.json().uuid as string;
          long[name] = { uuid, record: await settled(uuid, 240_000) };
        }),
      );
    }, 300_000);

    /** The record with the asset's own values taken out: its fields, and its proxies by place, type and MIME type. */
    const shape = ({ uuid, record }: { uuid: string; record: Record<string, any> }) => ({
      fields: Object.keys(record).sort(),
      proxies: (record.proxies as Array<{ key: string; outputType: string; type: string; mime: string }>)
        .map(({ key, outputType, type, mime }) => ({ key: key.replace(/^[^/]+\/[^/]+\//, ''), outputType, type, mime }))
        .sort((a, b) => a.key.localeCompare(b.key)),
      startsWithUuid: (record.proxies as Array<{ key: string }>).every(({ key }) => key.startsWith(`${uuid}/`)),
    });

    it('ingests to COMPLETED with a record of the same shape as a one-minute video', () => {
      expect(long.long.record).toMatchObject({
        type: 'video',
        status: 'ANALYSIS_COMPLETED',
        overallStatus: 'COMPLETED',
      });
      expect(long.long.record.errorMessage).toBeUndefined();
      expect(long.long.record.duration).toBeGreaterThanOrEqual(TWO_HOURS_S * 1000);
      expect(long.long.record.duration).toBeLessThan((TWO_HOURS_S + 5) * 1000);
      expect(shape(long.long)).toEqual(shape(long.short));
      expect(shape(long.long).proxies.map(({ key }) => key)).toEqual([
        'transcode/aiml/tide.m4a',
        'transcode/aiml/tide.mp4',
        expect.stringMatching(/^transcode\/proxy\/tide\.\d{7}\.jpg$/),
      ]);
    });

    it('made its proxies in one MediaConvert job of the whole two hours', async () => {
      const client = new MediaConvertClient({
        region: env.local.outputs.Local?.Region,
        endpoint: env.local.outputs.Local?.MediaConvertEndpoint,
        credentials: env.local.credentials,
      });
      const { Jobs: jobs = [] } = await client.send(new ListJobsCommand({}));
      client.destroy();
      const job = jobs.find((each) => each.UserMetadata?.uuid === long.long.uuid);

      expect(job).toMatchObject({ Status: 'COMPLETE', JobPercentComplete: 100 });
      expect(job?.Settings?.Inputs?.[0]?.FileInput).toMatch(/\/long\/tide\.mp4$/);
      expect(job?.OutputGroupDetails?.[0]?.OutputDetails?.[0]?.DurationInMs).toBeGreaterThanOrEqual(TWO_HOURS_S * 1000);
    });
  });

  /** The table the API function was configured with, as a deployed function would read it. */
  async function ingestTableName(): Promise<string> {
    const fn = [...env.local.functions.values()].find((each) =>
      each.spec.functionName.startsWith('Media2Cloud-ApiHandler'),
    );
    const name = fn?.spec.environment.INGEST_TABLE_NAME;
    if (!name) throw new Error('no Media2Cloud API function in local mode');
    return name;
  }
});
