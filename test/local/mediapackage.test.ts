import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  CreateChannelCommand,
  CreateOriginEndpointCommand,
  DeleteChannelCommand,
  DeleteOriginEndpointCommand,
  DescribeChannelCommand,
  DescribeOriginEndpointCommand,
  ListChannelsCommand,
  ListOriginEndpointsCommand,
  ListTagsForResourceCommand,
  MediaPackageClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-mediapackage';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { loadOrCreateProfiles, profilePrincipal, type LocalProfile } from '../../lib/local/credentials';
import { mediaPackageModule, type MediaPackageService } from '../../lib/local/mediapackage';
import { Principals } from '../../lib/local/principals';
import type { LocalCloud, LocalServiceModule } from '../../lib/local/service-module';
import { stsModule, type StsService } from '../../lib/local/sts';
import { request } from '../support/local';
import { mediaTools } from '../../lambdas/shared/media/tools';

const run = promisify(execFile);
const { ffmpeg: FFMPEG, ffprobe: FFPROBE } = mediaTools();
const ROLE = 'arn:aws:iam::111122223333:role/M2aMediapackageAccess';

/** The STS and MediaPackage stand-ins driven by the real SDK clients, default configuration plus an endpoint. */
describe('local STS and MediaPackage stand-ins', () => {
  let dataDir: string;
  let sts: StsService;
  let mediapackage: MediaPackageService & { endpoint: string };
  let profiles: { full: LocalProfile };
  let client: MediaPackageClient;

  const stsClient = (credentials: { accessKeyId: string; secretAccessKey: string } = profiles.full) =>
    new STSClient({ region: 'us-east-1', endpoint: sts.endpoint as string, credentials });
  const assume = async (externalId = 'ext-1') => {
    const { Credentials, AssumedRoleUser } = await stsClient().send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'packager-1', ExternalId: externalId }),
    );
    return {
      user: AssumedRoleUser,
      credentials: {
        accessKeyId: Credentials?.AccessKeyId as string,
        secretAccessKey: Credentials?.SecretAccessKey as string,
        sessionToken: Credentials?.SessionToken as string,
      },
    };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'local-mediapackage-'));
    const [full] = loadOrCreateProfiles(dataDir) as [LocalProfile];
    profiles = { full };
    const principals = new Principals([profilePrincipal(full)]);
    const cloud = {
      region: 'us-east-1',
      accountId: '000000000000',
      dataDir,
      principals,
      log: () => {},
    } as unknown as LocalCloud;
    const start = async <T>(module: LocalServiceModule) =>
      (await module.start?.({ cloud, directory: path.join(dataDir, module.name), port: 0 })) as T;
    sts = await start<StsService>(stsModule);
    sts.sts.defineRole(ROLE, { externalId: 'ext-1' });
    mediapackage = await start<MediaPackageService & { endpoint: string }>(mediaPackageModule);
    const { credentials } = await assume();
    client = new MediaPackageClient({ region: 'eu-west-1', endpoint: mediapackage.endpoint, credentials });
  });

  afterAll(async () => {
    client?.destroy();
    await mediapackage?.close();
    await sts?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('assumes a role only with the ExternalId its trust asks for, and names the session', async () => {
    const { user, credentials } = await assume();
    const identity = await stsClient(credentials).send(new GetCallerIdentityCommand({}));

    expect(user?.Arn).toBe('arn:aws:sts::111122223333:assumed-role/M2aMediapackageAccess/packager-1');
    expect(identity).toMatchObject({ Account: '111122223333', Arn: user?.Arn });
    await expect(assume('wrong')).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(
      stsClient().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'x' })),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(
      stsClient({ accessKeyId: profiles.full.accessKeyId, secretAccessKey: 'wrong' }).send(
        new GetCallerIdentityCommand({}),
      ),
    ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  });

  it('accepts session credentials only with their session token', async () => {
    const { credentials } = await assume();
    const forged = new MediaPackageClient({
      region: 'eu-west-1',
      endpoint: mediapackage.endpoint,
      credentials: { ...credentials, sessionToken: 'forged' },
    });

    await expect(forged.send(new ListChannelsCommand({}))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    forged.destroy();
  });

  it("creates, describes, lists, tags and deletes channels and origin endpoints in the signer's account and region", async () => {
    const channel = await client.send(new CreateChannelCommand({ Id: 'ch-1', Description: 'one', Tags: { a: '1' } }));
    expect(channel.Arn).toMatch(/^arn:aws:mediapackage:eu-west-1:111122223333:channels\/[0-9a-f]{32}$/);
    expect(channel.HlsIngest?.IngestEndpoints).toHaveLength(2);
    expect(channel.HlsIngest?.IngestEndpoints?.[0]).toMatchObject({
      Url: expect.stringMatching(/\/in\/v2\/[0-9a-f]+\/[0-9a-f]+\/channel$/),
      Username: expect.any(String),
      Password: expect.any(String),
    });
    await expect(client.send(new CreateChannelCommand({ Id: 'ch-1' }))).rejects.toMatchObject({
      name: 'UnprocessableEntityException',
    });

    const endpoint = await client.send(
      new CreateOriginEndpointCommand({ ChannelId: 'ch-1', Id: 'ep-1', HlsPackage: { SegmentDurationSeconds: 2 } }),
    );
    expect(endpoint).toMatchObject({ ChannelId: 'ch-1', ManifestName: 'index', Origination: 'ALLOW' });
    expect(endpoint.HlsPackage).toMatchObject({ SegmentDurationSeconds: 2, PlaylistWindowSeconds: 60 });
    expect(endpoint.Url).toMatch(/\/out\/v1\/[0-9a-f]+\/index\.m3u8$/);
    await expect(client.send(new CreateOriginEndpointCommand({ ChannelId: 'ch-1', Id: 'ep-2' }))).rejects.toMatchObject(
      { name: 'UnprocessableEntityException' },
    );
    expect((await client.send(new DescribeOriginEndpointCommand({ Id: 'ep-1' }))).Id).toBe('ep-1');
    expect((await client.send(new ListOriginEndpointsCommand({ ChannelId: 'ch-1' }))).OriginEndpoints).toHaveLength(1);

    await client.send(new TagResourceCommand({ ResourceArn: channel.Arn, Tags: { b: '2' } }));
    await client.send(new UntagResourceCommand({ ResourceArn: channel.Arn, TagKeys: ['a'] }));
    expect((await client.send(new ListTagsForResourceCommand({ ResourceArn: channel.Arn }))).Tags).toEqual({ b: '2' });

    // Another region of the same account sees nothing; a channel with endpoints cannot be deleted.
    const elsewhere = new MediaPackageClient({
      region: 'us-west-2',
      endpoint: mediapackage.endpoint,
      credentials: await client.config.credentials(),
    });
    expect((await elsewhere.send(new ListChannelsCommand({}))).Channels).toEqual([]);
    elsewhere.destroy();
    await expect(client.send(new DeleteChannelCommand({ Id: 'ch-1' }))).rejects.toMatchObject({
      name: 'UnprocessableEntityException',
    });
    await client.send(new DeleteOriginEndpointCommand({ Id: 'ep-1' }));
    await client.send(new DeleteChannelCommand({ Id: 'ch-1' }));
    await expect(client.send(new DescribeChannelCommand({ Id: 'ch-1' }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });

  it('throttles and fails calls on request, for tests of the callers', async () => {
    mediapackage.mediaPackage.setFaults([
      { operation: 'ListChannels', throttle: 1 },
      { operation: 'DescribeChannel', failOnCall: 2, error: 'InternalServerErrorException' },
    ]);
    const noRetries = new MediaPackageClient({
      region: 'eu-west-1',
      endpoint: mediapackage.endpoint,
      credentials: await client.config.credentials(),
      maxAttempts: 1,
    });
    try {
      await expect(noRetries.send(new ListChannelsCommand({}))).rejects.toMatchObject({
        name: 'TooManyRequestsException',
      });
      expect((await noRetries.send(new ListChannelsCommand({}))).Channels).toBeDefined();
      await expect(noRetries.send(new DescribeChannelCommand({ Id: 'none' }))).rejects.toMatchObject({
        name: 'NotFoundException',
      });
      await expect(noRetries.send(new DescribeChannelCommand({ Id: 'none' }))).rejects.toMatchObject({
        name: 'InternalServerErrorException',
      });
    } finally {
      mediapackage.mediaPackage.setFaults([]);
      noRetries.destroy();
    }
  });

  it('packages what an encoder pushes over HLS with digest auth, and serves nothing once deleted', async () => {
    const channel = await client.send(new CreateChannelCommand({ Id: 'live' }));
    const endpoint = await client.send(
      new CreateOriginEndpointCommand({ ChannelId: 'live', Id: 'live-hls', HlsPackage: { PlaylistWindowSeconds: 30 } }),
    );
    const ingest = channel.HlsIngest?.IngestEndpoints?.[0];
    const url = new URL(ingest?.Url as string);
    url.username = ingest?.Username as string;
    url.password = ingest?.Password as string;

    expect((await request(endpoint.Url as string)).status).toBe(404);
    const unauthenticated = await request(`${ingest?.Url}.m3u8`, { method: 'PUT', body: '#EXTM3U\n' });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers['www-authenticate']).toMatch(/^Digest /);

    await run(FFMPEG, [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x240:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000',
      '-t',
      '6',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '25',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-f',
      'hls',
      '-hls_time',
      '2',
      '-method',
      'PUT',
      `${url.toString()}.m3u8`,
    ]);

    const master = await request(endpoint.Url as string);
    expect(master.status).toBe(200);
    expect(master.text).toMatch(/#EXT-X-STREAM-INF:BANDWIDTH=\d+\nindex_1\.m3u8/);
    const { stdout } = await run(FFPROBE, [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_type,codec_name:format=duration',
      '-of',
      'json',
      endpoint.Url as string,
    ]);
    const probe = JSON.parse(stdout) as { streams: Array<{ codec_type: string; codec_name: string }> };
    expect(probe.streams.map((stream) => `${stream.codec_type}:${stream.codec_name}`).sort()).toEqual([
      'audio:aac',
      'video:h264',
    ]);
    const media = await request(endpoint.Url?.replace(/index\.m3u8$/, 'index_1.m3u8') as string);
    const segment = media.text.split('\n').find((line) => line.endsWith('.ts')) as string;
    expect((await request(endpoint.Url?.replace(/index\.m3u8$/, segment) as string)).status).toBe(200);

    await client.send(new DeleteOriginEndpointCommand({ Id: 'live-hls' }));
    await client.send(new DeleteChannelCommand({ Id: 'live' }));
    expect((await request(endpoint.Url as string)).status).toBe(404);
    expect((await request(endpoint.Url?.replace(/index\.m3u8$/, segment) as string)).status).toBe(404);
    expect((await request(`${ingest?.Url}.m3u8`, { method: 'PUT', body: '#EXTM3U\n' })).status).toBe(404);
  });
});
