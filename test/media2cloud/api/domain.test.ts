import { loadConfig } from '../../../lambdas/media2cloud/api/config';
import { stackDefaultAiOptions } from '../../../lambdas/media2cloud/pipeline/domain/ai-options';
import { needsIngest } from '../../../lambdas/media2cloud/api/domain/analysis';
import { safeOutputPrefix } from '../../../lambdas/media2cloud/api/domain/assets';
import { decodePageToken, encodePageToken } from '../../../lambdas/media2cloud/api/domain/listing';
import { parseManifest } from '../../../lambdas/media2cloud/api/domain/manifest';
import { isManifestKey, mimeOf, typeOf } from '../../../lambdas/media2cloud/api/domain/mime';
import { isSafePath, isUuid } from '../../../lambdas/media2cloud/api/domain/validation';
import { INGEST_TABLE } from '../../../lambdas/media2cloud/tables/ingest';
import { MEDIA2CLOUD_ENV } from './support';

describe('safeOutputPrefix', () => {
  it.each([
    ['clip.mp4', 'u1/'],
    ['shows/2024/clip.mp4', 'u1/shows/2024/'],
    ['/leading/clip.mp4', 'u1/leading/'],
    ['my shows/clip.mp4', 'u1/my_shows/'],
    ["it's (live)/clip.mp4", "u1/it's_(live)/"],
  ])('puts the outputs of %s under %s, as the original does', (key, prefix) => {
    // Prepare: the key as given

    // Act
    const result = safeOutputPrefix('u1', key);

    // Assess
    expect(result).toBe(prefix);
  });
});

describe('isSafePath', () => {
  it.each([['vidéo/clip.mp4'], ['видео/клип.mp4'], ['it\u2019s (take 2).mov'], ['/absolute/key.mp4']])(
    'accepts %s',
    (key) => {
      // Prepare: the key as given

      // Act
      const accepted = isSafePath(key);

      // Assess
      expect(accepted).toBe(true);
    },
  );

  it.each([['a/../b.mp4'], ['a//b.mp4'], [' a.mp4'], ['a.mp4 '], ['a?.mp4'], ['a\nb.mp4'], [''], ['é'.repeat(513)]])(
    'refuses %j',
    (key) => {
      // Prepare: the key as given

      // Act
      const accepted = isSafePath(key);

      // Assess
      expect(accepted).toBe(false);
    },
  );
});

describe('isUuid', () => {
  it('accepts what the original accepts, up to 128 hex digits', () => {
    // Prepare
    const values = ['11111111-2222-4333-8444-555555555555', 'ABCDEF12-0000-1000-0000-000000000000', 'deadbeef'];

    // Act
    const results = values.map(isUuid);

    // Assess
    expect(results).toEqual([true, true, true]);
    expect(isUuid('a'.repeat(129))).toBe(false);
    expect(isUuid('deadbee')).toBe(false);
    expect(isUuid('11111111-2222-4333-8444-55555555555g')).toBe(false);
  });
});

describe('mimeOf and typeOf', () => {
  it.each([
    ['clip.MP4', 'video/mp4', 'video'],
    ['archive.mxf', 'application/mxf', 'video'],
    ['song.mp3', 'audio/mpeg', 'audio'],
    ['raw.NEF', 'image/x-nikon-nef', 'image'],
    ['scan.dcr', 'image/x-kodak-dcr', 'image'],
    ['camera/clip.mts', 'video/mp2t', 'video'],
    ['tape.dv', 'video/x-dv', 'video'],
    ['page.html', 'text/html', 'html'],
    ['paper.pdf', 'application/pdf', 'document'],
    ['batch.json', 'application/json', 'json'],
    ['notes.unknown', 'application/octet-stream', 'octet-stream'],
    ['no-extension', 'application/octet-stream', 'octet-stream'],
  ])('gives %s the mime %s and the type %s', (key, mime, type) => {
    // Prepare: the key as given

    // Act
    const found = mimeOf(key);

    // Assess
    expect(found).toBe(mime);
    expect(typeOf(found)).toBe(type);
    expect(isManifestKey(key)).toBe(type === 'json');
  });
});

describe('needsIngest', () => {
  it.each([
    [{}, {}, false],
    [{ framebased: false }, { framebased: true }, true],
    [{ customlabel: false }, { customlabel: true }, true],
    [{ framebased: true, frameCaptureMode: 1 }, { framebased: true, frameCaptureMode: 1 }, false],
    [{ framebased: true, frameCaptureMode: 1 }, { framebased: true, frameCaptureMode: 2 }, true],
    [{ frameCaptureMode: 1 }, { frameCaptureMode: 2 }, false],
  ])('from %j to %j: %s', (previous, requested, expected) => {
    // Prepare: the options as given

    // Act
    const result = needsIngest(previous, requested);

    // Assess
    expect(result).toBe(expected);
  });
});

describe('page tokens', () => {
  it("round-trip, and read the original's own tokens (base64 of the LastEvaluatedKey)", () => {
    // Prepare
    const index = INGEST_TABLE.indexes.schemaVersion;
    const original = Buffer.from('{"schemaVersion":1,"timestamp":1712450008235,"uuid":"u"}').toString('base64');

    // Act
    const decoded = decodePageToken(original, index, 1);
    const again = decodePageToken(encodePageToken(decoded), index, 1);

    // Assess
    expect(decoded).toEqual({ schemaVersion: 1, timestamp: 1712450008235, uuid: 'u' });
    expect(again).toEqual(decoded);
  });
});

describe('parseManifest', () => {
  it("reads the original's default manifest: files, locations and MD5 checksums", () => {
    // Prepare
    const text = JSON.stringify({
      collectionUuid: 'c1',
      files: [
        {
          uuid: 'u1',
          location: 'a.mp4',
          checksums: [
            { type: 'SHA1', value: 'x' },
            { type: 'md5', value: 'm' },
          ],
        },
        { location: 'b.mp4' },
        'not a file',
      ],
    });

    // Act
    const manifest = parseManifest(text);

    // Assess
    expect(manifest).toEqual({
      attributes: { collectionUuid: 'c1' },
      files: [{ uuid: 'u1', key: 'a.mp4', md5: 'm' }, { key: 'b.mp4' }, { key: undefined }],
    });
  });
});

describe('loadConfig', () => {
  it('reads every variable and parses DEFAULT_AI_OPTIONS', () => {
    // Prepare
    const env = { ...MEDIA2CLOUD_ENV };

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config).toMatchObject({
      ingestTableName: 'm2c-ingest',
      analysisTableName: 'm2c-aiml',
      searchEndpoint: MEDIA2CLOUD_ENV.SEARCH_ENDPOINT,
      defaultAiOptions: expect.objectContaining(JSON.parse(MEDIA2CLOUD_ENV.DEFAULT_AI_OPTIONS)),
    });
  });

  it("reads DEFAULT_AI_OPTIONS as the pipeline does: the stack parameter's preset, a feature list, or empty", () => {
    // Prepare
    const load = (value: string) => loadConfig({ ...MEDIA2CLOUD_ENV, DEFAULT_AI_OPTIONS: value }).defaultAiOptions;

    // Act
    const preset = load('v4.default');
    const list = load('celeb,label');

    // Assess
    expect(preset).toEqual(stackDefaultAiOptions('v4.default'));
    expect(list).toMatchObject({ celeb: true, label: true });
    expect(load('')).toEqual(preset);
  });

  it('fails at cold start on a missing variable or DEFAULT_AI_OPTIONS JSON that is not an object', () => {
    // Prepare
    const { SEARCH_ENDPOINT: _missing, ...withoutSearch } = MEDIA2CLOUD_ENV;

    // Act
    const load = (env: NodeJS.ProcessEnv) => () => loadConfig(env);

    // Assess
    expect(load(withoutSearch)).toThrow('Missing environment variables: SEARCH_ENDPOINT');
    expect(load({ ...MEDIA2CLOUD_ENV, DEFAULT_AI_OPTIONS: '{"celeb":' })).toThrow('DEFAULT_AI_OPTIONS is not valid');
    expect(load({ ...MEDIA2CLOUD_ENV, DEFAULT_AI_OPTIONS: '[true]' })).toThrow('must be a preset');
  });
});
