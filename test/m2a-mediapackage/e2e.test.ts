import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import {
  DescribeChannelCommand,
  ListChannelsCommand,
  ListOriginEndpointsCommand,
  type MediaPackageClient,
} from '@aws-sdk/client-mediapackage';
import { apiClient, request, startTestLocalMode, type TestLocalMode } from '../support/local';
import {
  JSON_API,
  TARGET_AWS_ACCOUNT,
  jsonApi,
  localMediaPackage,
  readOnlyCredentials,
  registerTargetAccount,
  startCallbackReceiver,
  targetAccountMediaPackage,
  templateDocument,
  waitFor,
} from './support';
import { mediaTools } from '../../lambdas/shared/media/tools';

const run = promisify(execFile);
const { ffmpeg: FFMPEG, ffprobe: FFPROBE } = mediaTools();

/** Six seconds of test pattern and tone, H.264 and AAC in 2 s HLS segments, PUT with digest auth as MediaPackage asks. */
async function pushTestStream(url: string): Promise<void> {
  await run(FFMPEG, [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '6'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
    ...['-f', 'hls', '-hls_time', '2', '-method', 'PUT', url],
  ]);
}

async function probeStreams(url: string): Promise<string[]> {
  const { stdout } = await run(FFPROBE, [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_type,codec_name',
    '-of',
    'json',
    url,
  ]);
  return (JSON.parse(stdout) as { streams: Array<{ codec_type: string; codec_name: string }> }).streams.map(
    (stream) => `${stream.codec_type}:${stream.codec_name}`,
  );
}

/**
 * M2A Mediapackage end to end through local mode: the synthesized stack, the API behind the API Gateway emulator
 * with SigV4, the orchestration state machine and worker, the local STS and MediaPackage, callbacks to a receiver
 * on 127.0.0.1 (allow-listed by the test synthesis).
 */
describe('M2A Mediapackage v1 through local mode', () => {
  let env: TestLocalMode;
  let base: string;
  let api: ReturnType<typeof apiClient>;
  let readOnly: ReturnType<typeof apiClient>;
  let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;
  let mediapackage: MediaPackageClient;
  const owner = randomUUID();
  const organisation = randomUUID();
  let roleArn: string;

  const createTemplate = async (name: string, target = owner) => {
    const created = await jsonApi(base, env.local.credentials, 'POST', 'templates', templateDocument(target, name));
    expect(created.status).toBe(201);
    return created.json().data.id as string;
  };
  const packagerBody = (template: string, overrides: Record<string, unknown> = {}) => ({
    'target-account-id': owner,
    metadata: { 'organisation-id': organisation, labels: { show: 'news' } },
    configuration: {
      template,
      config: [
        { name: 'event-name', value: 'Final' },
        { name: 'window', value: 30 },
      ],
    },
    region: 'eu-west-1',
    'state-callback-url': `${receiver.base}/state?otp=123`,
    'internal-callback-url': `${receiver.base}/internal`,
    ...overrides,
  });
  const state = async (id: string) => (await api.get(`packagers/${id}`)).json().state as string;
  const settle = (id: string, states: string[]) =>
    waitFor(
      () => state(id),
      (current) => states.includes(current),
    );

  beforeAll(async () => {
    env = await startTestLocalMode();
    base = `${env.local.outputs.M2aMediapackage?.ApiEndpoint}/`;
    api = apiClient(base, env.local.credentials);
    readOnly = apiClient(base, readOnlyCredentials(env));
    receiver = await startCallbackReceiver(env);
    ({ roleArn } = await registerTargetAccount(env, owner));
    mediapackage = await targetAccountMediaPackage(env, roleArn, owner, 'eu-west-1');
    await createTemplate('Live HLS');
  });

  afterAll(async () => {
    mediapackage?.destroy();
    await receiver?.close();
    await env?.stop();
  });

  describe('packager lifecycle', () => {
    it('creates, starts, runs and stops a packager, with MediaPackage resources and callbacks at every step', async () => {
      const created = await api.post('packagers', packagerBody('Live HLS'));
      expect(created.status).toBe(201);
      const packager = created.json();
      expect(packager).toMatchObject({
        'target-account-id': owner,
        state: 'INITIAL',
        region: 'eu-west-1',
        configuration: { template: 'Live HLS' },
        metadata: { 'organisation-id': organisation, labels: { show: 'news' } },
      });
      expect((await api.get(`packagers/${packager.id}`)).json()).toEqual(packager);

      const started = await api.post(`packagers/${packager.id}/actions`, { action: 'START' });
      expect(started.status).toBe(202);
      expect(started.json()).toMatchObject({ action: 'START', packager: { id: packager.id, state: 'STARTING' } });
      expect(await settle(packager.id, ['RUNNING', 'FAILED'])).toBe('RUNNING');

      const running = (await api.get(`packagers/${packager.id}`)).json();
      expect(running.mediapackage.channel).toEqual({
        arn: expect.stringMatching(/^arn:aws:mediapackage:eu-west-1:111122223333:channels\//),
        id: packager.id,
      });
      expect(running.mediapackage['origin-endpoints']).toEqual([
        {
          arn: expect.any(String),
          id: `${packager.id}-0-hls`,
          url: expect.stringMatching(/\/out\/v1\/[0-9a-f]+\/index\.m3u8$/),
        },
      ]);
      const channel = await mediapackage.send(new DescribeChannelCommand({ Id: packager.id }));
      expect(channel.Description).toBe(`Event Final for ${organisation}`);
      expect(channel.Tags).toMatchObject({
        event: 'Final',
        account: TARGET_AWS_ACCOUNT,
        'm2a:packager-id': packager.id,
      });
      const endpoints = await mediapackage.send(new ListOriginEndpointsCommand({ ChannelId: packager.id }));
      expect(endpoints.OriginEndpoints?.[0]?.HlsPackage).toMatchObject({
        PlaylistWindowSeconds: 30,
        SegmentDurationSeconds: 2,
      });
      // Ingest credentials stay in MediaPackage: not in the packager, not in callbacks.
      const password = channel.HlsIngest?.IngestEndpoints?.[0]?.Password as string;
      expect(JSON.stringify(running)).not.toContain(password);

      // An encoder pushes HLS to the channel's ingest URL; the packager's origin endpoint serves it.
      const ingest = channel.HlsIngest?.IngestEndpoints?.[0];
      const ingestUrl = new URL(`${ingest?.Url}.m3u8`);
      ingestUrl.username = ingest?.Username as string;
      ingestUrl.password = password;
      await pushTestStream(ingestUrl.toString());
      const originUrl = running.mediapackage['origin-endpoints'][0].url as string;
      const probe = await probeStreams(originUrl);
      expect(probe.sort()).toEqual(['audio:aac', 'video:h264']);
      const media = await request(originUrl.replace(/index\.m3u8$/, 'index_1.m3u8'));
      const segmentUrl = originUrl.replace(
        /index\.m3u8$/,
        media.text.split('\n').find((line) => line.endsWith('.ts')) as string,
      );
      expect((await request(segmentUrl)).status).toBe(200);

      const stopped = await api.post(`packagers/${packager.id}/actions`, { action: 'STOP' });
      expect(stopped.status).toBe(202);
      expect(await settle(packager.id, ['STOPPED', 'FAILED'])).toBe('STOPPED');
      await expect(mediapackage.send(new DescribeChannelCommand({ Id: packager.id }))).rejects.toMatchObject({
        name: 'NotFoundException',
      });
      expect((await request(originUrl)).status).toBe(404);
      expect((await request(segmentUrl)).status).toBe(404);
      expect((await api.get(`packagers/${packager.id}`)).json().mediapackage).toBeUndefined();

      const expected = ['INITIAL', 'STARTING', 'RUNNING', 'STOPPING', 'STOPPED'];
      await waitFor(
        async () => receiver.states(packager.id, '/internal'),
        (states) => states.length >= expected.length,
      );
      // The original guarantees no order (the creation callback is queued apart from the orchestration's).
      expect(receiver.states(packager.id, '/state?otp=123').sort()).toEqual([...expected].sort());
      expect(receiver.states(packager.id, '/internal').sort()).toEqual([...expected].sort());
      const calls = receiver.received.filter((callback) => callback.body.id === packager.id);
      expect(calls.every((callback) => callback.headers['user-agent'] === 'm2a-mediapackage/v1')).toBe(true);
      expect(calls.filter((callback) => callback.path === '/internal').every((callback) => callback.signed)).toBe(true);
      expect(calls.filter((callback) => callback.path !== '/internal').some((callback) => callback.signed)).toBe(false);
      expect(JSON.stringify(calls.map((callback) => callback.body))).not.toContain(password);
    });

    it('answers 409 for every action or update the state does not allow', async () => {
      const id = (await api.post('packagers', packagerBody('Live HLS'))).json().id as string;
      expect((await api.post(`packagers/${id}/actions`, { action: 'STOP' })).status).toBe(409);
      expect((await api.put(`packagers/${id}`, { metadata: { labels: { show: 'sport' } } })).status).toBe(200);

      expect((await api.post(`packagers/${id}/actions`, { action: 'START' })).status).toBe(202);
      // STARTING: no second START, no STOP, no update.
      const whileStarting = await Promise.all([
        api.post(`packagers/${id}/actions`, { action: 'START' }),
        api.put(`packagers/${id}`, { region: 'us-east-1' }),
      ]);
      if ((await state(id)) === 'STARTING') expect(whileStarting.map((result) => result.status)).toEqual([409, 409]);
      await settle(id, ['RUNNING']);
      const conflict = await api.post(`packagers/${id}/actions`, { action: 'START' });
      expect(conflict.status).toBe(409);
      expect(conflict.json().errors[0]).toMatchObject({ status: '409', title: 'Conflict' });
      expect((await api.put(`packagers/${id}`, { region: 'us-east-1' })).status).toBe(409);

      await api.post(`packagers/${id}/actions`, { action: 'STOP' });
      await settle(id, ['STOPPED']);
      // STOPPED is terminal: no action; updates are allowed again.
      expect((await api.post(`packagers/${id}/actions`, { action: 'START' })).status).toBe(409);
      expect((await api.post(`packagers/${id}/actions`, { action: 'STOP' })).status).toBe(409);
      expect((await api.put(`packagers/${id}`, { region: 'us-east-1' })).json()).toMatchObject({ region: 'us-east-1' });
    });

    it('lets exactly one of many concurrent STARTs win', async () => {
      const id = (await api.post('packagers', packagerBody('Live HLS'))).json().id as string;

      const results = await Promise.all(
        Array.from({ length: 6 }, () => api.post(`packagers/${id}/actions`, { action: 'START' })),
      );

      expect(results.map((result) => result.status).sort()).toEqual([202, 409, 409, 409, 409, 409]);
      expect(await settle(id, ['RUNNING', 'FAILED'])).toBe('RUNNING');
      const channels = await mediapackage.send(new ListChannelsCommand({}));
      expect(channels.Channels?.filter((channel) => channel.Id === id)).toHaveLength(1);
      await api.post(`packagers/${id}/actions`, { action: 'STOP' });
      await settle(id, ['STOPPED']);
    });

    it('rides out MediaPackage throttling beyond the SDK retries', async () => {
      localMediaPackage(env).setFaults([{ operation: 'CreateChannel', throttle: 4 }]);
      try {
        const id = (await api.post('packagers', packagerBody('Live HLS'))).json().id as string;
        await api.post(`packagers/${id}/actions`, { action: 'START' });

        expect(await settle(id, ['RUNNING', 'FAILED'])).toBe('RUNNING');
      } finally {
        localMediaPackage(env).setFaults([]);
      }
    });

    it('deletes what it made when START fails midway, so no channel is left behind', async () => {
      localMediaPackage(env).setFaults([{ operation: 'CreateOriginEndpoint', failOnCall: 1 }]);
      let id = '';
      try {
        id = (await api.post('packagers', packagerBody('Live HLS'))).json().id as string;
        await api.post(`packagers/${id}/actions`, { action: 'START' });
        expect(await settle(id, ['RUNNING', 'FAILED'])).toBe('FAILED');
      } finally {
        localMediaPackage(env).setFaults([]);
      }

      const channels = await mediapackage.send(new ListChannelsCommand({}));
      expect(channels.Channels?.some((channel) => channel.Id === id)).toBe(false);
      await waitFor(
        async () => receiver.states(id, '/internal'),
        (states) => states.includes('FAILED'),
      );
      expect(receiver.states(id, '/state?otp=123').sort()).toEqual(['FAILED', 'INITIAL', 'STARTING']);
      // FAILED is terminal.
      expect((await api.post(`packagers/${id}/actions`, { action: 'START' })).status).toBe(409);
    });

    it('fails without creating anything when the target role refuses the ExternalId', async () => {
      const account = randomUUID();
      await registerTargetAccount(env, account, { roleExternalId: 'something-else' });
      await createTemplate('Live HLS', account);
      const id = (await api.post('packagers', packagerBody('Live HLS', { 'target-account-id': account }))).json().id;

      await api.post(`packagers/${id}/actions`, { action: 'START' });

      expect(await settle(id, ['RUNNING', 'FAILED'])).toBe('FAILED');
      const channels = await mediapackage.send(new ListChannelsCommand({}));
      expect(channels.Channels?.some((channel) => channel.Id === id)).toBe(false);
    });
  });

  describe('packager input', () => {
    it.each([
      ['an undeclared config value', { config: [{ name: 'colour', value: 'red' }] }, '/configuration/config/0/name'],
      [
        'a config value of the wrong type',
        {
          config: [
            { name: 'window', value: '30' },
            { name: 'event-name', value: 'x' },
          ],
        },
        '/configuration/config/0/value',
      ],
      [
        'a missing config value the template needs',
        { config: [{ name: 'event-name', value: 'x' }] },
        '/configuration/config',
      ],
    ])('refuses %s at create with a clear 400', async (_name, configuration, pointer) => {
      const result = await api.post(
        'packagers',
        packagerBody('Live HLS', { configuration: { template: 'Live HLS', ...configuration } }),
      );

      expect(result.status).toBe(400);
      expect(result.json().errors[0].source).toEqual({ pointer });
    });

    it('refuses an unknown template, target account or a region not enabled for it', async () => {
      expect((await api.post('packagers', packagerBody('Nope'))).status).toBe(400);
      expect(
        (await api.post('packagers', packagerBody('Live HLS', { 'target-account-id': randomUUID() }))).status,
      ).toBe(400);
      const region = await api.post('packagers', packagerBody('Live HLS', { region: 'ap-south-1' }));
      expect(region.status).toBe(400);
      expect(region.json().errors[0].detail).toMatch(/not enabled/);
      expect((await api.post('packagers', packagerBody('Live HLS', { region: 'EU_WEST' }))).status).toBe(400);
    });

    it('accepts the deprecated string configuration as a template with no config values', async () => {
      const name = `Plain ${randomUUID()}`;
      const document = templateDocument(owner, name);
      document.data.attributes.mediapackage = {
        channel: { Description: 'plain' },
        origin_endpoints: [{ HlsPackage: {} }],
      } as never;
      expect((await jsonApi(base, env.local.credentials, 'POST', 'templates', document)).status).toBe(201);

      const created = await api.post('packagers', packagerBody(name, { configuration: name }));

      expect(created.status).toBe(201);
      expect(created.json().configuration).toEqual({ template: name, config: [] });
    });

    it('checks the template again at START: a config the template has come to need is a 400 and the packager stays INITIAL', async () => {
      const name = `Changing ${randomUUID()}`;
      const templateId = await createTemplate(name);
      const id = (await api.post('packagers', packagerBody(name))).json().id;
      const changed = templateDocument(owner, name);
      changed.data.attributes.mediapackage.channel.Description = '{{config:extra}}';
      changed.data.attributes.mediapackage.config.push({ name: 'extra', description: 'new', type: 'string' });
      const patched = await jsonApi(base, env.local.credentials, 'PATCH', `templates/${templateId}`, {
        data: { type: 'template', id: templateId, attributes: { mediapackage: changed.data.attributes.mediapackage } },
      });
      expect(patched.status).toBe(200);

      const started = await api.post(`packagers/${id}/actions`, { action: 'START' });

      expect(started.status).toBe(400);
      expect(started.json().errors[0].detail).toMatch(/config "extra" is required/);
      expect(await state(id)).toBe('INITIAL');
    });

    it.each([
      ['the metadata service', 'http://169.254.169.254/latest/meta-data/'],
      ['a private network', 'http://10.1.2.3/hook'],
      ['carrier-grade NAT', 'http://100.64.0.1/hook'],
      ['loopback by name', 'http://localhost:8080/hook'],
      ['IPv6 loopback', 'http://[::1]/hook'],
      ['an IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/hook'],
      ['a loopback address not on the allow-list', 'http://127.0.0.2/hook'],
      ['credentials in the URL', 'https://user:pass@example.com/hook'],
      ['another scheme', 'ftp://example.com/hook'],
    ])('refuses a callback URL pointing at %s', async (_name, url) => {
      const result = await api.post('packagers', packagerBody('Live HLS', { 'state-callback-url': url }));

      expect(result.status).toBe(400);
      expect(result.json().errors[0].source).toEqual({ pointer: '/state-callback-url' });
    });

    it('refuses unknown members, bad ids and non-JSON bodies with 400, and unknown packagers with 404', async () => {
      expect((await api.post('packagers', { ...packagerBody('Live HLS'), state: 'RUNNING' })).status).toBe(400);
      expect((await api.post('packagers', '{', { 'Content-Type': 'application/json' })).status).toBe(400);
      expect((await api.post('packagers', 'x=1', { 'Content-Type': 'text/plain' })).status).toBe(415);
      expect((await api.get('packagers/not-a-uuid')).status).toBe(400);
      expect((await api.get(`packagers/${randomUUID()}`)).status).toBe(404);
      expect((await api.post(`packagers/${randomUUID()}/actions`, { action: 'PAUSE' })).status).toBe(400);
    });
  });

  describe('templates (JSON:API)', () => {
    const t = (method: string, route: string, body?: unknown, headers?: Record<string, string>) =>
      jsonApi(base, env.local.credentials, method, route, body, headers);

    it('creates, reads, updates and soft-deletes a template, freeing its name', async () => {
      const templateOwner = randomUUID();
      const created = await t('POST', 'templates', templateDocument(templateOwner, 'WSC PAL'));
      expect(created.status).toBe(201);
      expect(created.headers['content-type']).toBe(JSON_API);
      const id = created.json().data.id as string;
      expect(created.headers.location).toBe(created.json().data.links.self);
      expect(created.json().data).toMatchObject({
        type: 'template',
        attributes: { resource_name: 'WSC PAL', state: 'ACTIVE', metadata: { owner: templateOwner } },
      });

      expect((await t('POST', 'templates', templateDocument(templateOwner, 'WSC PAL'))).status).toBe(409);
      expect((await t('POST', 'templates', templateDocument(randomUUID(), 'WSC PAL'))).status).toBe(201);

      const patched = await t('PATCH', `templates/${id}`, {
        data: { type: 'template', id, attributes: { description: 'Renamed', resource_name: 'WSC PAL 2' } },
      });
      expect(patched.status).toBe(200);
      expect(patched.json().data.attributes).toMatchObject({ description: 'Renamed', resource_name: 'WSC PAL 2' });
      // Attributes not sent are kept whole.
      expect(patched.json().data.attributes.mediapackage).toEqual(created.json().data.attributes.mediapackage);
      // The old name is free again after the rename.
      const reused = await t('POST', 'templates', templateDocument(templateOwner, 'WSC PAL'));
      expect(reused.status).toBe(201);

      const deleted = await t('DELETE', `templates/${id}`);
      expect(deleted.status).toBe(200);
      expect(deleted.json().data.attributes.state).toBe('DELETED');
      expect((await t('GET', `templates/${id}`)).json().data.attributes.state).toBe('DELETED');
      expect((await t('POST', 'templates', templateDocument(templateOwner, 'WSC PAL 2'))).status).toBe(201);
      expect(
        (await t('PATCH', `templates/${id}`, { data: { type: 'template', id, attributes: { description: 'x' } } }))
          .status,
      ).toBe(409);
      // Not usable by new packagers.
      const packager = await api.post('packagers', {
        ...packagerBody('WSC PAL 2'),
        'target-account-id': templateOwner,
      });
      expect(packager.status).toBe(400);
    });

    it("lists an owner's templates by state and name, page by page through links.next, with sparse fieldsets", async () => {
      const listOwner = randomUUID();
      const names = ['A', 'B', 'C', 'D', 'E'];
      const ids: string[] = [];
      for (const name of names)
        ids.push((await t('POST', 'templates', templateDocument(listOwner, name))).json().data.id);
      await t('DELETE', `templates/${ids[1]}`);

      const seen: string[] = [];
      let next: string | undefined =
        `${base}templates?filter[template][owner]=${listOwner}&page[size]=2&filter[template]=resource_name`;
      let pages = 0;
      while (next) {
        const page = await request(next, { credentials: env.local.credentials, headers: { Accept: JSON_API } });
        expect(page.status).toBe(200);
        for (const item of page.json().data) {
          expect(Object.keys(item.attributes)).toEqual(['resource_name']);
          seen.push(item.attributes.resource_name);
        }
        next = page.json().links.next;
        pages += 1;
      }
      expect(seen).toEqual(['A', 'C', 'D', 'E']);
      expect(pages).toBe(2);

      const deleted = await t('GET', `templates?filter[template][owner]=${listOwner}&filter[template][state]=DELETED`);
      expect(deleted.json().data.map((item: { id: string }) => item.id)).toEqual([ids[1]]);
      const both = await t(
        'GET',
        `templates?filter[template][owner]=${listOwner}&filter[template][state]=ACTIVE,DELETED`,
      );
      expect(both.json().data).toHaveLength(5);
      const byName = await t('GET', `templates?filter[template][owner]=${listOwner}&filter[template][resource_name]=D`);
      expect(byName.json().data.map((item: { id: string }) => item.id)).toEqual([ids[3]]);
      const fields = await t('GET', `templates/${ids[0]}?fields[template]=state,description`);
      expect(Object.keys(fields.json().data.attributes).sort()).toEqual(['description', 'state']);
      expect(
        (await t('GET', `templates?filter[template][owner]=${listOwner}&page[cursor]=${randomUUID()}`)).status,
      ).toBe(404);
    });

    it.each([
      ['no owner', 'templates', 'filter[template][owner]'],
      ['a malformed owner', 'templates?filter[template][owner]=abc', 'filter[template][owner]'],
      ['a page size of 0', `templates?filter[template][owner]=${randomUUID()}&page[size]=0`, 'page[size]'],
      ['a page size of 11', `templates?filter[template][owner]=${randomUUID()}&page[size]=11`, 'page[size]'],
      [
        'an unknown state',
        `templates?filter[template][owner]=${randomUUID()}&filter[template][state]=GONE`,
        'filter[template][state]',
      ],
      [
        'an unknown field',
        `templates?filter[template][owner]=${randomUUID()}&filter[template]=colour`,
        'filter[template]',
      ],
      ['an unknown parameter', `templates?filter[template][owner]=${randomUUID()}&sort=name`, 'sort'],
      ['include', `templates/${randomUUID()}?include=owner`, 'include'],
    ])('answers 400 naming the parameter for %s', async (_name, route, parameter) => {
      const result = await t('GET', route);

      expect(result.status).toBe(400);
      expect(result.json().errors[0]).toMatchObject({ status: '400', source: { parameter } });
    });

    it('applies JSON:API media type rules: 415 for other or parameterised content types, 406 for Accept', async () => {
      const document = templateDocument(randomUUID(), 'Media types');
      expect((await t('POST', 'templates', document, { 'Content-Type': 'application/json' })).status).toBe(415);
      expect((await t('POST', 'templates', document, { 'Content-Type': `${JSON_API}; charset=utf-8` })).status).toBe(
        415,
      );
      const refused = await t('GET', `templates/${randomUUID()}`, undefined, { Accept: `${JSON_API}; charset=utf-8` });
      expect(refused.status).toBe(406);
      expect(refused.headers['content-type']).toBe(JSON_API);
      expect((await t('GET', `templates/${randomUUID()}`, undefined, { Accept: 'text/html' })).status).toBe(406);
      expect((await t('GET', `templates/${randomUUID()}`, undefined, { Accept: '*/*' })).status).toBe(404);
    });

    it('refuses wrong types (409), client ids (403), undeclared placeholders and bad blocks (400)', async () => {
      const document = templateDocument(randomUUID(), 'Checks');
      expect((await t('POST', 'templates', { data: { ...document.data, type: 'packager' } })).status).toBe(409);
      expect((await t('POST', 'templates', { data: { ...document.data, id: randomUUID() } })).status).toBe(403);
      const undeclared = templateDocument(randomUUID(), 'Undeclared');
      undeclared.data.attributes.mediapackage.channel.Description = '{{config:nope}}';
      const result = await t('POST', 'templates', undeclared);
      expect(result.status).toBe(400);
      expect(result.json().errors[0].source).toEqual({ pointer: '/data/attributes/mediapackage/channel/Description' });
      const macro = templateDocument(randomUUID(), 'Macro');
      macro.data.attributes.mediapackage.channel.Description = '{{m2a:secret}}';
      expect((await t('POST', 'templates', macro)).status).toBe(400);
      const twoPackages = templateDocument(randomUUID(), 'Two');
      (twoPackages.data.attributes.mediapackage.origin_endpoints[0] as Record<string, unknown>).DashPackage = {};
      expect((await t('POST', 'templates', twoPackages)).status).toBe(400);
      expect((await t('POST', 'templates', '{"data":')).status).toBe(400);
      expect((await t('GET', 'templates/not-a-uuid')).status).toBe(400);
    });
  });

  describe('permissions', () => {
    it('lets the read-only profile read but refuses it every write', async () => {
      const id = (await api.post('packagers', packagerBody('Live HLS'))).json().id as string;

      expect((await readOnly.get(`packagers/${id}`)).status).toBe(200);
      const writes = await Promise.all([
        readOnly.post('packagers', packagerBody('Live HLS')),
        readOnly.put(`packagers/${id}`, { region: 'us-east-1' }),
        readOnly.post(`packagers/${id}/actions`, { action: 'START' }),
        jsonApi(base, readOnlyCredentials(env), 'POST', 'templates', templateDocument(owner, 'Read only')),
      ]);
      expect(writes.map((result) => result.status)).toEqual([403, 403, 403, 403]);
      expect(writes[0]?.json().errors[0]).toMatchObject({ status: '403', title: 'Forbidden' });
      expect(await state(id)).toBe('INITIAL');
      const list = await jsonApi(base, readOnlyCredentials(env), 'GET', `templates?filter[template][owner]=${owner}`);
      expect(list.status).toBe(200);
    });

    it('refuses unsigned requests at the gateway', async () => {
      expect((await api.unsigned('GET', `packagers/${randomUUID()}`)).status).toBe(403);
    });
  });
});
