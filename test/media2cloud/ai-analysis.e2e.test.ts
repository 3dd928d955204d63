import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateCollectionCommand, IndexFacesCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createCanvas } from '@napi-rs/canvas';
import { encodeSearchQuery } from '../../lambdas/media2cloud/search';
import { mediaTools } from '../../lambdas/shared/media/tools';
import { itNeeding, MISSING_EXTRAS } from '../support/extras';
import { apiClient, startTestLocalMode, type TestLocalMode } from '../support/local';
import { speak, SPOKEN_SENTENCES } from '../support/speech';
import { faceSample, makeVideo, renderText } from '../local/rekognition/support';

/** Every AI feature off: a request's aiOptions leave nothing for the stack default (v4.default) to fill in. */
const AI_OFF = {
  celeb: false,
  face: false,
  facematch: false,
  label: false,
  moderation: false,
  text: false,
  segment: false,
  person: false,
  transcribe: false,
  keyphrase: false,
  entity: false,
  sentiment: false,
  textract: false,
};
const SLIDE_WORD = 'LIGHTHOUSE';
/** The name a face is given through /faceindexer before the video showing it is ingested. */
const INDEXED_NAME = 'Harbour Master';

/** A page scanned to an image: a one-page PDF whose only content is a JPEG of the text. */
function scannedPdf(lines: readonly string[]): Buffer {
  // A small page (5 × 3.3 in): OCR time grows with the pixels pdf.js renders.
  const width = 720;
  const height = 480;
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#000000';
  context.font = '44px sans-serif';
  lines.forEach((line, i) => context.fillText(line, 60, 140 + i * 90));
  const jpeg = canvas.toBuffer('image/jpeg');
  const content = `q 360 0 0 240 0 0 cm /Scan Do Q`;
  const parts: Array<string | Buffer> = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (part: string | Buffer) => {
    parts.push(part);
    length += typeof part === 'string' ? Buffer.byteLength(part, 'latin1') : part.length;
  };
  const object = (n: number, body: string | Buffer[]) => {
    offsets[n] = length;
    push(`${n} 0 obj\n`);
    if (typeof body === 'string') push(body);
    else body.forEach(push);
    push('\nendobj\n');
  };
  push('%PDF-1.4\n');
  object(1, '<< /Type /Catalog /Pages 2 0 R >>');
  object(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  object(
    3,
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 360 240] /Resources << /XObject << /Scan 5 0 R >> >> /Contents 4 0 R >>',
  );
  object(4, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  object(5, [
    Buffer.from(
      `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB ` +
        `/BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`,
      'latin1',
    ),
    jpeg,
    Buffer.from('\nendstream', 'latin1'),
  ]);
  const xref = length;
  push(`xref\n0 6\n0000000000 65535 f \n`);
  for (let n = 1; n <= 5; n += 1) push(`${String(offsets[n]).padStart(10, '0')} 00000 n \n`);
  push(`trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : part)));
}

/**
 * A slide with a word on it, held while espeak-ng says the shorter test sentence (about three seconds): on-screen text
 * and speech. Five frames a second is plenty for a still slide; every captured frame costs OCR and label inference.
 */
async function slideWithSpeech(directory: string): Promise<Buffer> {
  const slide = path.join(directory, 'slide.png');
  const speech = path.join(directory, 'speech.wav');
  const video = path.join(directory, 'talk.mp4');
  writeFileSync(slide, renderText([SLIDE_WORD], 640, 360));
  await speak(SPOKEN_SENTENCES[1]!, speech);
  execFileSync(mediaTools().ffmpeg, [
    ...['-y', '-v', 'error', '-loop', '1', '-framerate', '5', '-i', slide, '-i', speech],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', video],
  ]);
  return readFileSync(video);
}

/** Two seconds of the indexed face at five frames a second (frames are captured one a second). */
function portraitVideo(directory: string): Buffer {
  const source = path.join(directory, 'portrait.img');
  writeFileSync(source, faceSample(2));
  const args = ['-loop', '1', '-framerate', '5', '-t', '2', '-i', source, '-vf', 'scale=640:-2'];
  return makeVideo(path.join(directory, 'portrait.mp4'), args);
}

/**
 * Media2Cloud's AI analysis end to end in local mode: ingest of a talk (speech and a slide), a photo with faces and a
 * scanned page, each with its own aiOptions; the analysis records and result files the original writes; search for
 * a spoken and a written word with their timecodes; a re-run with new aiOptions and the removal of the results.
 */
describe('Media2Cloud AI analysis through local mode', () => {
  let env: TestLocalMode;
  let api: ReturnType<typeof apiClient>;
  let s3: S3Client;
  let ingestBucket: string;
  let proxyBucket: string;
  let media: string;
  const uuids: Record<'talk' | 'photo' | 'scan' | 'visit', string> = { talk: '', photo: '', scan: '', visit: '' };
  let indexedFaceId = '';

  const settled = async (uuid: string, timeoutMs = 300_000): Promise<Record<string, any>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await api.get(`assets/${uuid}`);
      const body = response.status === 200 ? response.json() : undefined;
      if (body && ['COMPLETED', 'ERROR'].includes(body.overallStatus)) return body;
      if (Date.now() > deadline) {
        throw new Error(`asset ${uuid} did not settle: ${body?.status} ${body?.overallStatus} ${body?.key}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const search = async (query: string) =>
    (await api.get(`search?${new URLSearchParams({ query: encodeSearchQuery(query) }).toString()}`)).json();
  const proxyJson = async (key: string) =>
    JSON.parse(
      await (await s3.send(new GetObjectCommand({ Bucket: proxyBucket, Key: key }))).Body!.transformToString(),
    );
  const analysis = async (uuid: string, type: string) =>
    ((await api.get(`analysis/${uuid}`)).json() as Array<Record<string, any>>).find((record) => record.type === type);

  beforeAll(async () => {
    env = await startTestLocalMode();
    const outputs = env.local.outputs.Media2Cloud ?? {};
    ingestBucket = outputs.IngestBucket ?? '';
    proxyBucket = outputs.ProxyBucket ?? '';
    api = apiClient(`${outputs.ApiEndpoint}/`, env.local.credentials);
    s3 = new S3Client({
      region: env.local.outputs.Local?.Region,
      endpoint: env.local.outputs.Local?.S3Endpoint,
      forcePathStyle: true,
      credentials: env.local.credentials,
    });
    // A face collection that knows the photo's skipper, for facematch.
    const rekognition = new RekognitionClient({
      region: env.local.outputs.Local?.Region,
      endpoint: env.local.outputs.Local?.RekognitionEndpoint,
      credentials: env.local.credentials,
    });
    await rekognition.send(new CreateCollectionCommand({ CollectionId: 'crew' }));
    await rekognition.send(
      new IndexFacesCommand({
        CollectionId: 'crew',
        Image: { Bytes: faceSample(1) },
        ExternalImageId: 'Skipper',
        MaxFaces: 1,
      }),
    );
    rekognition.destroy();
    // A face named through the web app's face indexer, before any video shows it.
    const indexed = await api.post('faceindexer/index', {
      uuid: '0f1e2d3c-4b5a-4697-8877-665544332211',
      timestamp: 1000,
      collectionId: 'crew',
      celeb: INDEXED_NAME,
      blob: `data:image/jpeg;base64,${faceSample(2).toString('base64')}`,
    });
    if (indexed.status !== 200) throw new Error(`POST /faceindexer/index: ${indexed.status} ${indexed.text}`);
    indexedFaceId = indexed.json().faceId;
    media = mkdtempSync(path.join(tmpdir(), 'm2c-ai-'));
    const assets = [
      [
        'talk',
        'talks/harbour-talk.mp4',
        await slideWithSpeech(media),
        // Text and labels on captured frames (frame-based, one a second), shots by a video job, speech, key phrases.
        {
          framebased: true,
          frameCaptureMode: 1,
          text: true,
          label: true,
          segment: true,
          transcribe: true,
          keyphrase: true,
        },
      ],
      [
        'photo',
        'photos/crew.jpg',
        faceSample(1),
        { face: true, label: true, facematch: true, faceCollectionId: 'crew' },
      ],
      ['scan', 'scans/notice.pdf', scannedPdf(['Harbour notice', 'Pier closed at dusk']), { textract: true }],
      // Two seconds of the indexed face, matched on captured frames (one a second).
      [
        'visit',
        'visits/portrait.mp4',
        portraitVideo(media),
        { framebased: true, frameCaptureMode: 1, facematch: true, faceCollectionId: 'crew' },
      ],
    ] as const;
    for (const [name, key, body, options] of assets) {
      await s3.send(
        new PutObjectCommand({ Bucket: ingestBucket, Key: key, Body: body, Metadata: { webupload: 'true' } }),
      );
      const response = await api.post('assets', { input: { key, aiOptions: { ...AI_OFF, ...options } } });
      if (response.status !== 200) throw new Error(`POST /assets ${key}: ${response.status} ${response.text}`);
      uuids[name] = response.json().uuid;
    }
    await Promise.all(Object.values(uuids).map((uuid) => settled(uuid)));
  }, 360_000);

  afterAll(async () => {
    s3?.destroy();
    await env?.stop();
    if (media) rmSync(media, { recursive: true, force: true });
  });

  it('writes the video record with Rekognition features from frames and from a video job, with their files', async () => {
    const record = await settled(uuids.talk);
    const video = await analysis(uuids.talk, 'video');

    expect(record).toMatchObject({ overallStatus: 'COMPLETED', analysis: expect.arrayContaining(['video', 'audio']) });
    for (const feature of ['text', 'segment']) {
      expect(video?.rekognition?.[feature]).toMatchObject({
        output: expect.stringMatching(new RegExp(`^${uuids.talk}/talks/raw/\\d{8}T\\d{6}/rekognition/${feature}/`)),
        apiCount: expect.any(Number),
        numOutputs: expect.any(Number),
        startTime: expect.any(Number),
        endTime: expect.any(Number),
      });
    }
    expect(video?.rekognition.text).toMatchObject({
      metadata: `${uuids.talk}/talks/metadata/text/`,
      timeseries: `${uuids.talk}/talks/timeseries/text/`,
      vtt: `${uuids.talk}/talks/vtt/text/`,
    });
    const track = await proxyJson(`${uuids.talk}/talks/metadata/text/${SLIDE_WORD.toLowerCase()}.json`);
    expect(track[0]).toMatchObject({ name: SLIDE_WORD, begin: 0, end: expect.any(Number) });
    // The shot detection job's pages are kept as Rekognition answered them.
    expect(video?.rekognition.segment.jobId).toEqual(expect.any(String));
    expect(await proxyJson(video?.rekognition.segment.output)).toEqual(expect.any(Object));
  });

  itNeeding(MISSING_EXTRAS.recognition)(
    'writes the audio record with the transcript (language, vtt, conversations) and the key phrases of it',
    async () => {
      const audio = await analysis(uuids.talk, 'audio');

      expect(audio?.transcribe).toMatchObject({
        output: expect.stringMatching(/\/raw\/\d{8}T\d{6}\/transcribe\/.+\.json$/),
        jobId: expect.any(String),
        vtt: expect.stringMatching(/\.vtt$/),
        languageCode: 'en-US',
        conversations: expect.stringMatching(/\/conversations\.json$/),
      });
      expect(audio?.comprehend?.keyphrase).toMatchObject({
        output: expect.stringMatching(/\/raw\/\d{8}T\d{6}\/comprehend\/keyphrase\/output\.manifest$/),
        metadata: `${uuids.talk}/talks/metadata/keyphrase/output.json`,
        startTime: expect.any(Number),
        endTime: expect.any(Number),
      });
      const transcript = await proxyJson(audio!.transcribe.output);
      expect(transcript.results.items.length).toBeGreaterThan(0);
    },
  );

  itNeeding(MISSING_EXTRAS.recognition)('finds a spoken word and a written word with their timecodes', async () => {
    const audio = await analysis(uuids.talk, 'audio');
    const transcript = await proxyJson(audio!.transcribe.output);
    // PocketSphinx hears espeak-ng's voice roughly: search for the longest word it did hear.
    const heard: string[] = transcript.results.items
      .filter((item: { type: string }) => item.type === 'pronunciation')
      .map((item: { alternatives: Array<{ content: string }> }) => item.alternatives[0]!.content.toLowerCase());
    const spoken = [...heard].sort((a, b) => b.length - a.length)[0];
    expect(spoken).toEqual(expect.any(String));

    const said = await search(spoken!);
    const written = await search(SLIDE_WORD.toLowerCase());

    const saidHit = said.hits.find((hit: { id: string }) => hit.id === uuids.talk);
    expect(saidHit.fields.transcribe.hits[0].timecodes[0]).toEqual({
      begin: expect.any(Number),
      end: expect.any(Number),
    });
    const writtenHit = written.hits.find((hit: { id: string }) => hit.id === uuids.talk);
    expect(writtenHit.fields.text.hits[0]).toMatchObject({
      name: SLIDE_WORD,
      timecodes: [{ begin: 0, end: expect.any(Number) }],
    });
  });

  it('writes the image record from the Rekognition image APIs and indexes faces, labels and face matches', async () => {
    const image = await analysis(uuids.photo, 'image');
    const matched = await search('Skipper');

    expect(image?.rekognition.face).toMatchObject({
      output: expect.stringMatching(/rekognition\/face\/output\.json$/),
    });
    expect((await proxyJson(image!.rekognition.face.output)).Faces.length).toBeGreaterThan(0);
    const found = await search('Face');
    expect(found.hits.map((hit: { id: string }) => hit.id)).toContain(uuids.photo);
    expect(image?.rekognition.label.output).toMatch(/rekognition\/label\/output\.json$/);
    const hit = matched.hits.find((each: { id: string }) => each.id === uuids.photo);
    expect(hit.fields.facematch.hits).toEqual([{ name: 'Skipper', faceId: expect.any(String) }]);
  });

  it('names a face indexed through /faceindexer in a later video, finds it by that name, and follows a renaming', async () => {
    // Prepare
    const video = await analysis(uuids.visit, 'video');
    const found = await search(`"${INDEXED_NAME}"`);

    // Act
    const renamed = await api.post('faceindexer/update', [
      { action: 'tagging', faceId: indexedFaceId, celeb: 'Lighthouse Keeper' },
    ]);
    const byNewName = await search('"Lighthouse Keeper"');
    const byOldName = await search(`"${INDEXED_NAME}"`);

    // Assess
    expect(video?.rekognition.facematch).toMatchObject({ metadata: `${uuids.visit}/visits/metadata/facematch/` });
    const hit = found.hits.find((each: { id: string }) => each.id === uuids.visit);
    expect(hit.fields.facematch.hits).toEqual([
      { name: INDEXED_NAME, faceId: indexedFaceId, timecodes: [{ begin: 0, end: expect.any(Number) }] },
    ]);
    expect(renamed.json().updated).toEqual([
      expect.objectContaining({ faceId: indexedFaceId, celeb: 'Lighthouse Keeper' }),
    ]);
    const renamedHit = byNewName.hits.find((each: { id: string }) => each.id === uuids.visit);
    expect(renamedHit.fields.facematch.hits[0]).toMatchObject({ name: 'Lighthouse Keeper', faceId: indexedFaceId });
    expect(byOldName.hits.map((each: { id: string }) => each.id)).not.toContain(uuids.visit);
  });

  it('reads the scanned page with Textract and indexes its lines with the page', async () => {
    const document = await analysis(uuids.scan, 'document');
    const found = await search('dusk');

    expect(document?.textract).toMatchObject({
      output: expect.stringMatching(/\/raw\/\d{8}T\d{6}\/textract\/$/),
      numOutputs: 1,
    });
    const hit = found.hits.find((each: { id: string }) => each.id === uuids.scan);
    expect(hit.fields.textract.hits[0]).toMatchObject({ name: expect.stringMatching(/dusk/i) });
  });

  it('re-runs an analysis with new aiOptions, then drops the results and their search entries', async () => {
    const rerun = await api.post(`analysis/${uuids.photo}`, { input: { aiOptions: { ...AI_OFF, label: true } } });
    let record: Record<string, any> = {};
    for (let i = 0; i < 1200; i += 1) {
      record = (await api.get(`assets/${uuids.photo}`)).json();
      const done = record.overallStatus === 'COMPLETED' || record.overallStatus === 'ERROR';
      if (record.executionArn === rerun.json().executionArn && done) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const image = await analysis(uuids.photo, 'image');
    const facesFound = await search('Face');

    expect(record).toMatchObject({ overallStatus: 'COMPLETED', aiOptions: { face: false, label: true } });
    expect(Object.keys(image?.rekognition ?? {})).toEqual(['label']);
    expect(facesFound.hits.map((hit: { id: string }) => hit.id)).not.toContain(uuids.photo);

    const dropped = await api.delete(`analysis/${uuids.photo}`);
    const labels = (await proxyJson(image!.rekognition.label.output)).Labels as Array<{ name: string }>;
    const afterDrop = labels.length > 0 ? await search(`"${labels[0]!.name}"`) : { hits: [] };

    expect(dropped.status).toBe(200);
    expect(await analysis(uuids.photo, 'image')).toBeUndefined();
    expect(afterDrop.hits.map((hit: { id: string }) => hit.id)).not.toContain(uuids.photo);
  });
});
