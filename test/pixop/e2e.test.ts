import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { importPKCS8, SignJWT } from 'jose';
import { startTestLocalMode, type TestLocalMode } from '../support/local';
import { makeClip, probe } from './support';

const REPOSITORY = path.join(__dirname, '..', '..');

/**
 * Pixop's demo flow and every documented error, end to end through local mode: the synthesized Pixop stack, the
 * API behind the API Gateway emulator, uploads through the API and presigned S3 POSTs, ingestion and processing on
 * the local Step Functions service with real ffmpeg and ffprobe.
 */
describe('Pixop Video Processing API v1 through local mode', () => {
  let env: TestLocalMode;
  let api: string;
  let media: string;
  let demo: { email: string; password: string };
  let documents: DynamoDBDocumentClient;
  let usersTable: string;
  let token: string;
  let identity: { userId: string; teamId: string };

  const call = async (
    method: string,
    route: string,
    options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers };
    const bearer = options.token === undefined ? token : options.token;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let body: FormData | string | Uint8Array | undefined;
    if (options.body instanceof FormData || typeof options.body === 'string' || options.body instanceof Uint8Array) {
      body = options.body as FormData | string | Uint8Array;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${api}${route}`, { method, headers, body, redirect: 'manual' });
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString('utf8');
    return { status: response.status, headers: response.headers, bytes, json: () => JSON.parse(text) };
  };
  const basic = (email: string, password: string) => `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;
  /**
   * API Gateway marks the answers it makes itself with `x-amzn-ErrorType`; the function's never carry it. A request
   * refused by Pixop's authorizer is an AccessDeniedException (a Deny) or, without any Authorization header, an
   * UnauthorizedException, rendered in Pixop's own body by the stack's gateway responses.
   */
  const refusedAtGateway = (response: { headers: Headers }) => response.headers.get('x-amzn-errortype');

  const waitFor = async (route: string, pick: (body: any) => string, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < deadline) {
      const response = await call('GET', route);
      last = response.json();
      const status = pick(last);
      if (status === 'DONE' || status === 'FAILED') return last;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    throw new Error(`${route} did not finish: ${JSON.stringify(last)}`);
  };

  const uploadClip = async (file: string, light = false) => {
    const created = (await call('PUT', '/videos/v1/video', { body: { name: path.basename(file) } })).json();
    const form = new FormData();
    form.append('file', new Blob([readFileSync(file)], { type: 'video/mp4' }), path.basename(file));
    const uploaded = await call('POST', `/media/v1/upload/${light ? 'light/' : ''}${created.videoId}`, { body: form });
    expect(uploaded.status).toBe(200);
    const ingested = await waitFor(
      `/videos/v1/check-ingest-video-progress/${created.videoId}`,
      (body) => body.ingestionState.ingestionStatus,
    );
    expect(ingested.ingestionState.ingestionStatus).toBe('DONE');
    return created.videoId as string;
  };

  /** A token signed with the demo user's own key, with the claims a test needs. */
  const forge = async (
    claims: Record<string, unknown>,
    options: { kid?: string; exp?: number | null; nbf?: number } = {},
  ) => {
    const { Item } = await documents.send(new GetCommand({ TableName: usersTable, Key: { id: identity.userId } }));
    const key = await importPKCS8(Item!.signingKey.privateKeyPem, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? Item!.signingKey.kid })
      .setIssuedAt(now);
    if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now + 600);
    if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
    return jwt.sign(key);
  };

  /** `npm run pixop:admin`, asynchronously: local mode's engines run in this process and must keep answering it. */
  const admin = async (args: string[], password?: string) =>
    JSON.parse(
      (
        await promisify(execFile)(
          process.execPath,
          [
            require.resolve('tsx/cli'),
            path.join(REPOSITORY, 'bin', 'pixop-admin.ts'),
            ...args,
            '--outputs',
            path.join(env.dataDir, 'outputs.json'),
          ],
          { env: { ...process.env, PIXOP_PASSWORD: password ?? '' }, encoding: 'utf8' },
        )
      ).stdout,
    );

  beforeAll(async () => {
    env = await startTestLocalMode();
    const outputs = env.local.outputs.Pixop ?? {};
    api = outputs.ApiEndpoint ?? '';
    usersTable = outputs.UsersTableName ?? '';
    demo = JSON.parse(readFileSync(outputs.DemoUserFile ?? '', 'utf8'));
    documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: env.local.region,
        endpoint: env.local.outputs.Local?.DynamoDbEndpoint,
        credentials: env.local.credentials,
      }),
    );
    media = mkdtempSync(path.join(tmpdir(), 'pixop-e2e-'));
    const issued = await call('GET', '/accounts/v1/token', {
      token: null,
      headers: { authorization: basic(demo.email, demo.password) },
    });
    expect(issued.status).toBe(200);
    token = issued.json().jwtToken;
    identity = issued.json();
  }, 180_000);

  afterAll(async () => {
    documents?.destroy();
    await env?.stop();
    if (media) rmSync(media, { recursive: true, force: true });
  });

  describe('accounts', () => {
    it('writes the demo user to pixop-demo-user.json in the data directory, readable by its owner only', () => {
      const file = env.local.outputs.Pixop?.DemoUserFile ?? '';

      expect(file).toBe(path.join(env.dataDir, 'pixop-demo-user.json'));
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(Object.keys(demo).sort()).toEqual(['email', 'password']);
    });

    it('issues a 15-minute token for HTTP Basic credentials and names the user and team', async () => {
      const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));

      expect(identity).toEqual({ userId: expect.any(String), teamId: expect.any(String), jwtToken: token });
      expect(payload.exp - payload.iat).toBe(900);
      expect(payload).toMatchObject({ sub: identity.userId, tid: identity.teamId });
    });

    it('answers POST /v1/token with the user, team and other teams, never a secret key or hash', async () => {
      const response = await call('POST', '/accounts/v1/token');
      const body = response.json();

      expect(response.status).toBe(200);
      expect(body.user).toMatchObject({
        id: identity.userId,
        email: demo.email,
        authSignatureMethod: 'ES256',
        banned: false,
      });
      expect(body.user.authSignaturePublicKey).toContain('BEGIN PUBLIC KEY');
      expect(body.team.id).toBe(identity.teamId);
      expect(body.otherTeams).toEqual([]);
      expect(JSON.stringify(body)).not.toMatch(/PRIVATE KEY|scrypt\$|passwordHash/);
    });

    it.each([
      ['no Authorization header', async () => null, 'NoJWTTokenFoundException'],
      ['a corrupt token', async () => 'not.a.jwt', 'InvalidJWTTokenFoundException'],
      [
        'an unsigned token (alg none)',
        async () => `${b64({ alg: 'none' })}.${b64({ sub: identity.userId, tid: identity.teamId })}.`,
        'InvalidJWTTokenFoundException',
      ],
      [
        'a token of a key that is not the user’s',
        async () => forge({ sub: identity.userId, tid: identity.teamId }, { kid: 'someone-else' }),
        'InvalidJWTTokenFoundException',
      ],
      [
        'an expired token',
        async () => forge({ sub: identity.userId, tid: identity.teamId }, { exp: Math.floor(Date.now() / 1000) - 60 }),
        'ExpiredJWTTokenException',
      ],
      [
        'a token not valid yet',
        async () => forge({ sub: identity.userId, tid: identity.teamId }, { nbf: Math.floor(Date.now() / 1000) + 600 }),
        'PrematureJWTTokenException',
      ],
      [
        'a token without expiry',
        async () => forge({ sub: identity.userId, tid: identity.teamId }, { exp: null }),
        'EternalJWTTokenException',
      ],
      [
        'a token for a team the user is not in',
        async () => forge({ sub: identity.userId, tid: 'another-team' }),
        'InconsistentJWTClaimsException',
      ],
    ])('refuses %s at the gateway with 401 and its exception name', async (_case, makeToken, exception) => {
      const bearer = await makeToken();
      const response = await call('POST', '/accounts/v1/token', { token: bearer });
      const videos = await call('GET', '/videos/v1/projects', { token: bearer });

      expect(response.status).toBe(401);
      expect(response.json()).toEqual({ exception, errorMessage: expect.any(String) });
      expect(refusedAtGateway(response)).toBe(bearer ? 'AccessDeniedException' : 'UnauthorizedException');
      expect(videos.status).toBe(401);
      expect(videos.json()).toEqual(response.json());
    });

    it.each([
      ['an empty Authorization header', '', 'NoJWTTokenFoundException'],
      ['a scheme Pixop does not take', 'Digest username="ada"', 'NoJWTTokenFoundException'],
      ['Basic credentials on a route that takes only tokens', 'Basic YWRhOnNlY3JldA==', 'NoJWTTokenFoundException'],
      ['a bearer token that is not base64url JSON', 'Bearer ###.%%%.@@@', 'InvalidJWTTokenFoundException'],
    ])('refuses %s at the gateway in Pixop’s body', async (_case, authorization, exception) => {
      const response = await call('GET', '/videos/v1/projects', { token: null, headers: { authorization } });

      expect(response.status).toBe(401);
      expect(response.json()).toEqual({ exception, errorMessage: expect.any(String) });
      expect(refusedAtGateway(response)).toMatch(/^(AccessDenied|Unauthorized)Exception$/);
    });

    it('answers a path no route matches with 404 in Pixop’s body', async () => {
      const response = await call('GET', '/videos/v2/projects');

      expect(response.status).toBe(404);
      expect(response.json()).toEqual({ exception: 'NotFoundException', errorMessage: expect.any(String) });
    });

    it('refuses a banned user with UserBannedException', async () => {
      const { Item } = await documents.send(new GetCommand({ TableName: usersTable, Key: { id: identity.userId } }));
      const ban = (banned: boolean) =>
        documents.send(
          new UpdateCommand({
            TableName: usersTable,
            Key: { id: identity.userId },
            UpdateExpression: 'SET banned = :b',
            ExpressionAttributeValues: { ':b': banned },
          }),
        );
      await ban(true);
      try {
        const response = await call('GET', '/accounts/v1/account');

        expect(Item?.banned).toBe(false);
        expect(response.status).toBe(401);
        expect(response.json().exception).toBe('UserBannedException');
        expect(refusedAtGateway(response)).toBe('AccessDeniedException');
      } finally {
        await ban(false);
      }
    });

    it('refuses wrong Basic credentials without saying which half was wrong', async () => {
      const response = await call('GET', '/accounts/v1/token', {
        token: null,
        headers: { authorization: basic(demo.email, 'wrong-password') },
      });
      const unknown = await call('GET', '/accounts/v1/token', {
        token: null,
        headers: { authorization: basic('nobody@example.com', 'whatever1') },
      });

      expect(response.status).toBe(401);
      expect(response.json()).toEqual({ exception: 'InvalidCredentialsException', errorMessage: expect.any(String) });
      expect(response.json()).toEqual(unknown.json());
      expect(refusedAtGateway(response)).toBe('AccessDeniedException');
    });

    it('rotates the signing key with generate-auth-secret: older tokens stop working', async () => {
      const before = (await call('GET', '/accounts/v1/account')).json().user.authSignaturePublicKeyId;
      const rotated = await call('GET', '/accounts/v1/generate-auth-secret', {
        token: null,
        headers: { authorization: basic(demo.email, demo.password) },
      });
      const stale = await call('GET', '/accounts/v1/account');
      token = (
        await call('GET', '/accounts/v1/token', {
          token: null,
          headers: { authorization: basic(demo.email, demo.password) },
        })
      ).json().jwtToken;
      const fresh = await call('GET', '/accounts/v1/account');

      expect(rotated.json().user.authSignaturePublicKeyId).not.toBe(before);
      expect(stale.status).toBe(401);
      expect(stale.json().exception).toBe('InvalidJWTTokenFoundException');
      expect(refusedAtGateway(stale)).toBe('AccessDeniedException');
      expect(fresh.status).toBe(200);
    });

    it('changes the password with update-password (and the old one stops working)', async () => {
      const newPassword = 'a-new-password-123';
      const changed = await call('POST', '/accounts/v1/update-password', { body: { newPassword } });
      const old = await call('GET', '/accounts/v1/token', {
        token: null,
        headers: { authorization: basic(demo.email, demo.password) },
      });
      const now = await call('GET', '/accounts/v1/token', {
        token: null,
        headers: { authorization: basic(demo.email, newPassword) },
      });
      const tooShort = await call('POST', '/accounts/v1/update-password', { body: { newPassword: 'short' } });
      await call('POST', '/accounts/v1/update-password', { body: { newPassword: demo.password } });

      expect(changed.status).toBe(200);
      expect(JSON.stringify(changed.json())).not.toContain(newPassword);
      expect(old.status).toBe(401);
      expect(refusedAtGateway(old)).toBe('AccessDeniedException');
      expect(now.status).toBe(200);
      expect(tooShort.status).toBe(400);
      expect(tooShort.json().errorMessage).toMatch(/^newPassword/);
    });

    it('creates teams and users with the admin CLI; a token can be asked for another of the user’s teams', async () => {
      const team = await admin(['create-team', '--name', 'Archive']);
      const grace = await admin(['create-user', '--email', 'Grace@Example.com', '--team', team.id], 'hopper-1906');
      await admin(['add-to-team', '--email', demo.email, '--team', team.id]);
      const graceToken = await call('GET', '/accounts/v1/token', {
        token: null,
        headers: { authorization: basic('grace@example.com', 'hopper-1906') },
      });
      const switched = await call('GET', `/accounts/v1/token?team-id=${team.id}`);
      const demoIdentity = await call('POST', '/accounts/v1/token', { token: switched.json().jwtToken });

      expect(grace).toEqual({
        id: expect.any(String),
        email: 'grace@example.com',
        name: 'grace',
        teamIds: [team.id],
        banned: false,
      });
      expect(graceToken.json()).toMatchObject({ userId: grace.id, teamId: team.id });
      expect(switched.json().teamId).toBe(team.id);
      expect(demoIdentity.json().team.name).toBe('Archive');
      expect(demoIdentity.json().otherTeams.map((other: { id: string }) => other.id)).toEqual([identity.teamId]);
    });

    it('rotates the request signature secret', async () => {
      const before = (await call('GET', '/accounts/v1/account')).json().user.apiRequestSignatureSecret;
      const after = (await call('GET', '/accounts/v1/generate-signature-secret')).json().user;

      expect(after.apiRequestSignatureSecret).not.toBe(before);
      expect(after.apiRequestSignatureMethod).toBe('HmacSHA256');
    });
  });

  describe('projects', () => {
    it('creates, reads, renames, pages through and deletes projects', async () => {
      const names = ['P1', 'P2', 'P3'];
      const created = [];
      for (const name of names)
        created.push((await call('PUT', '/videos/v1/project', { body: { name } })).json().project);
      const renamed = await call('POST', `/videos/v1/project/${created[0].id}`, { body: { name: 'P1 renamed' } });
      const page1 = (await call('GET', '/videos/v1/projects?page=1&page-size=2')).json();
      const page2 = (await call('GET', '/videos/v1/projects?page=2&page-size=2')).json();
      const deleted = await Promise.all(created.map((project) => call('DELETE', `/videos/v1/project/${project.id}`)));
      const gone = await call('GET', `/videos/v1/project/${created[0].id}`);

      expect(renamed.json().project).toMatchObject({ id: created[0].id, name: 'P1 renamed', teamId: identity.teamId });
      expect(page1).toMatchObject({ pageSize: 2, page: 1, _embedded: { totalFound: page1._embedded.totalFound } });
      expect(page1._embedded.projects).toHaveLength(2);
      expect(page1._links.next.href).toContain('/videos/v1/projects?page=2&page-size=2');
      expect(page1._links.prev).toBeUndefined();
      expect(page2._links.prev.href).toContain('page=1');
      expect(page2._links.last.href).toBe(page2._links.self.href);
      expect(page2._links.next).toBeUndefined();
      expect(deleted.map((response) => response.status)).toEqual([200, 200, 200]);
      expect(gone.status).toBe(404);
      expect(gone.json().exception).toBe('NotFoundException');
    });

    it('answers bad input with 400 in its own format', async () => {
      const noName = await call('PUT', '/videos/v1/project', { body: {} });
      const notJson = await call('PUT', '/videos/v1/project', {
        body: '{oops',
        headers: { 'content-type': 'application/json' },
      });
      const badPage = await call('GET', '/videos/v1/projects?page=0');

      expect([noName.status, notJson.status, badPage.status]).toEqual([400, 400, 400]);
      expect(noName.json()).toEqual({ exception: 'BadRequestException', errorMessage: expect.stringMatching(/^name/) });
      expect(badPage.json().errorMessage).toMatch(/^page/);
    });
  });

  describe('the demo flow', () => {
    let clip: string;
    let sourceId: string;
    let processedId: string;

    beforeAll(async () => {
      // Interlaced (top field first), as archive footage often is: 50 fields a second woven into 25 frames.
      clip = makeClip(media, 'small.mp4', {
        width: 160,
        height: 96,
        rate: 50,
        seconds: 2,
        args: [
          '-vf',
          'interlace=scan=tff',
          '-c:v',
          'libx264',
          '-flags',
          '+ildct+ilme',
          '-x264-params',
          'interlaced=1:tff=1',
          '-pix_fmt',
          'yuv420p',
        ],
      });
      sourceId = await uploadClip(clip);
    }, 180_000);

    it('ingests an upload: ffprobe metadata and a quality assessment', async () => {
      const video = (await call('GET', `/videos/v1/video/${sourceId}`)).json().video;

      expect(video.upload).toMatchObject({
        hasFinishedUploading: true,
        fileName: 'small.mp4',
        fileSize: statSync(clip).size,
      });
      expect(video.ingestion.ingestionState).toMatchObject({
        ingestionStatus: 'DONE',
        videoMetadataAvailable: true,
        processingProgressPercent: 100,
      });
      expect(video.ingestion.metadata).toMatchObject({
        codecName: 'h264',
        frameWidth: 160,
        frameHeight: 96,
        averageFramerate: 25,
        durationInMillis: 2000,
        totalFrames: 50,
        pixelFormat: { name: 'yuv420p', chromaSubsampling: { yuv: '4:2:0', bits: 8 } },
        scanning: {
          // The MP4 states no field order (ffprobe finds none); the deep analysis sees the fields.
          metadata: { scanningType: 'unknown' },
          heuristics: { scanningType: 'interlaced', interlacedFieldOrder: 'top_field' },
        },
      });
      expect(video.ingestion.qualityAssessment.metrics.map((metric: { name: string }) => metric.name)).toEqual([
        'noise',
        'detail',
        'colorfulness',
      ]);
      expect(video.ingestion.qualityAssessment.overallSubjectiveScore).toBeGreaterThanOrEqual(1);
    });

    it('refuses an impossible request before any work, naming the field', async () => {
      const prores = await call('POST', `/videos/v1/process-video/${sourceId}`, {
        body: { mediaContainerCodec: { container: 'mxf', codec: 'prores' } },
      });
      const dnxhd = await call('POST', `/videos/v1/process-video/${sourceId}`, {
        body: { mediaContainerCodec: { container: 'mov', codec: 'dnxhd' }, dnxhdHrProfile: 'dnxhd_sq' },
      });
      const range = await call('POST', `/videos/v1/process-video/${sourceId}`, {
        body: { range: { startPositionMilliseconds: 0, endPositionMilliseconds: 9000 } },
      });
      const children = (await call('GET', `/videos/v1/videos?parent-id=${sourceId}`)).json();

      expect(prores.status).toBe(400);
      expect(prores.json().errorMessage).toMatch(/^mediaContainerCodec\.codec/);
      expect(dnxhd.json().errorMessage).toMatch(/^dnxhdHrProfile/);
      expect(range.json().errorMessage).toMatch(/^range\.endPositionMilliseconds/);
      expect(children._embedded.totalFound).toBe(0);
    });

    it.each([
      ['a body that is not JSON', '{"scaler":', 'application/json'],
      ['a JSON array', '[1, 2]', 'application/json'],
      ['a field of the wrong type', '{"bitrate":{"mbps":"fast"}}', 'application/json'],
      ['an unknown value', '{"scaler":"magic"}', 'application/json'],
      ['a bit rate out of range', '{"bitrate":{"mbps":5000}}', 'application/json'],
      [
        'width, height and aspect ratio together',
        '{"resolution":{"width":640,"height":360,"aspectRatioTag":"16:9"}}',
        'application/json',
      ],
    ])('answers process-video with %s with 400 in Pixop’s body, and starts nothing', async (_case, body, type) => {
      const response = await call('POST', `/videos/v1/process-video/${sourceId}`, {
        body,
        headers: { 'content-type': type },
      });
      const children = (await call('GET', `/videos/v1/videos?parent-id=${sourceId}`)).json();

      expect(response.status).toBe(400);
      expect(response.json()).toEqual({ exception: 'BadRequestException', errorMessage: expect.any(String) });
      expect(children._embedded.totalFound).toBe(0);
    });

    it('processes the video (segments in parallel, then joined) into a new video whose parent is the source', async () => {
      const response = await call('POST', `/videos/v1/process-video/${sourceId}`, {
        body: {
          mediaContainerCodec: { container: 'mov', codec: 'h264' },
          deinterlacer: 'yadif',
          scaler: 'pabsr1',
          resolution: { tag: '2x' },
          clarityBoost: 'medium',
        },
      });
      const answer = response.json();
      processedId = answer.processedVideoId;
      const done = await waitFor(
        `/videos/v1/check-process-video-progress/${processedId}`,
        (body) => body.processingState.processingStatus,
      );
      const video = (await call('GET', `/videos/v1/video/${processedId}`)).json().video;

      expect(response.status).toBe(200);
      expect(answer).toMatchObject({ sourceVideoId: sourceId, projectId: expect.any(String) });
      expect(answer.checkProgressUrl).toBe(`${api}/videos/v1/check-process-video-progress/${processedId}`);
      expect(answer.downloadMediaUrl).toBe(`${api}/media/v1/download/processed/${processedId}`);
      expect(done.processingState).toMatchObject({ processingStatus: 'DONE', processingProgressPercent: 100 });
      expect(video.parentId).toBe(sourceId);
      expect(video.processing.processingParameters.targetVideo).toMatchObject({
        frameWidth: 320,
        frameHeight: 192,
        codec: { name: 'h264' },
      });
      expect(video.ingestion.metadata).toMatchObject({
        codecName: 'h264',
        frameWidth: 320,
        frameHeight: 192,
        totalFrames: 50,
      });
    });

    it('downloads the processed media with its headers; ffprobe finds what was asked for', async () => {
      const response = await call('GET', `/media/v1/download/processed/${processedId}`);
      const file = path.join(media, 'small_processed.mov');
      writeFileSync(file, response.bytes);
      const facts = probe(file);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="small_processed.mov"');
      expect(Number(response.headers.get('content-length'))).toBe(response.bytes.length);
      expect(facts.streams.find((stream) => stream.codec_type === 'video')).toMatchObject({
        codec_name: 'h264',
        width: 320,
        height: 192,
        avg_frame_rate: '25/1',
        nb_read_frames: '50',
      });
      expect(['progressive', undefined]).toContain(
        facts.streams.find((stream) => stream.codec_type === 'video')?.field_order,
      );
      expect(facts.streams.some((stream) => stream.codec_type === 'audio')).toBe(true);
    });

    it('honours If-None-Match (304), Range (206, 416) and HEAD on downloads', async () => {
      const whole = await call('GET', `/media/v1/download/original/${sourceId}`);
      const etag = whole.headers.get('etag') ?? '';
      const notModified = await call('GET', `/media/v1/download/original/${sourceId}`, {
        headers: { 'if-none-match': etag },
      });
      const part = await call('GET', `/media/v1/download/original/${sourceId}`, { headers: { range: 'bytes=10-19' } });
      const beyond = await call('GET', `/media/v1/download/original/${sourceId}`, {
        headers: { range: `bytes=${whole.bytes.length + 5}-` },
      });
      const head = await call('HEAD', `/media/v1/download/original/${sourceId}`);

      expect(whole.bytes.equals(readFileSync(clip))).toBe(true);
      expect(etag).toMatch(/^"[0-9a-f]+"$/);
      expect(notModified.status).toBe(304);
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 10-19/${whole.bytes.length}`);
      expect(part.bytes.equals(whole.bytes.subarray(10, 20))).toBe(true);
      expect(beyond.status).toBe(416);
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(whole.bytes.length));
      expect(head.bytes.length).toBe(0);
    });

    it('lists the videos of a project and of a parent; refuses to delete a project that has videos', async () => {
      const source = (await call('GET', `/videos/v1/video/${sourceId}`)).json().video;
      const inProject = (await call('GET', `/videos/v1/videos?project-id=${source.projectId}`)).json();
      const children = (await call('GET', `/videos/v1/videos?parent-id=${sourceId}`)).json();
      const refused = await call('DELETE', `/videos/v1/project/${source.projectId}`);

      expect(inProject._embedded.videos.map((video: { id: string }) => video.id).sort()).toEqual(
        [sourceId, processedId].sort(),
      );
      expect(children._embedded.videos).toEqual([
        expect.objectContaining({ id: processedId, parentId: sourceId, filename: 'small_processed.mov' }),
      ]);
      expect(refused.status).toBe(409);
    });

    it('deletes an original together with its processed videos', async () => {
      const deleted = await call('DELETE', `/videos/v1/video/${sourceId}`);
      const gone = await call('GET', `/videos/v1/video/${processedId}`);

      expect(
        deleted
          .json()
          .deletedVideos.map((entry: { videoId: string }) => entry.videoId)
          .sort(),
      ).toEqual([sourceId, processedId].sort());
      expect(gone.status).toBe(404);
    });
  });

  describe('uploads', () => {
    it('takes any size through a presigned S3 POST and ingests it when it arrives (light: metadata only)', async () => {
      const clip = makeClip(media, 'presigned.mp4', { width: 128, height: 72, seconds: 1 });
      const created = (await call('PUT', '/videos/v1/video', { body: {} })).json();
      const presigned = (
        await call('POST', `/media/v1/upload/light/${created.videoId}`, { body: { fileName: 'presigned.mp4' } })
      ).json();
      const form = new FormData();
      for (const [name, value] of Object.entries(presigned.uploadFields as Record<string, string>))
        form.append(name, value);
      form.append('file', new Blob([readFileSync(clip)]), 'presigned.mp4');
      const stored = await fetch(presigned.uploadUrl, { method: 'POST', body: form });
      const ingested = await waitFor(
        `/videos/v1/check-ingest-video-progress/${created.videoId}`,
        (body) => body.ingestionState.ingestionStatus,
      );
      const video = (await call('GET', `/videos/v1/video/${created.videoId}`)).json().video;

      expect(stored.status).toBeLessThan(300);
      expect(ingested.ingestionState).toMatchObject({ ingestionStatus: 'DONE', videoMetadataAvailable: true });
      expect(video.ingestion.metadata.frameWidth).toBe(128);
      expect(video.ingestion.qualityAssessment).toBeUndefined();
    });

    it('refuses a second upload, an upload without a file and an unknown video', async () => {
      const clip = makeClip(media, 'twice.mp4', { width: 64, height: 64, seconds: 1, audio: false });
      const videoId = await uploadClip(clip, true);
      const form = () => {
        const data = new FormData();
        data.append('file', new Blob([readFileSync(clip)]), 'twice.mp4');
        return data;
      };
      const again = await call('POST', `/media/v1/upload/${videoId}`, { body: form() });
      const empty = new FormData();
      empty.append('note', 'no file here');
      const created = (await call('PUT', '/videos/v1/video', { body: {} })).json();
      const noFile = await call('POST', `/media/v1/upload/${created.videoId}`, { body: empty });
      const unknown = await call('POST', '/media/v1/upload/no-such-video', { body: form() });
      const truncated = await call('POST', `/media/v1/upload/${created.videoId}`, {
        body: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\nabc',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
      });
      const plainText = await call('POST', `/media/v1/upload/${created.videoId}`, {
        body: 'just text',
        headers: { 'content-type': 'text/plain' },
      });

      expect(again.status).toBe(409);
      expect(noFile.status).toBe(400);
      expect(truncated.status).toBe(400);
      expect(truncated.json().exception).toBe('BadRequestException');
      expect(plainText.status).toBe(415);
      expect(plainText.json()).toEqual({ exception: expect.any(String), errorMessage: expect.any(String) });
      expect(unknown.status).toBe(404);
      expect(unknown.json().exception).toBe('NotFoundException');
    });
  });

  describe('other teams, large media and cancelled processing', () => {
    let videoId: string;
    let projectId: string;
    let noisy: string;

    beforeAll(async () => {
      // Lossless noise: a 2 s clip larger than what a Lambda function can answer inline.
      noisy = makeClip(media, 'noisy.mp4', {
        width: 480,
        height: 270,
        seconds: 2,
        audio: false,
        args: ['-vf', 'noise=alls=100:allf=t+u', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0'],
      });
      const created = (await call('PUT', '/videos/v1/video', { body: { name: 'noisy' } })).json();
      videoId = created.videoId;
      projectId = created.projectId;
      const presigned = (
        await call('POST', `/media/v1/upload/light/${videoId}`, { body: { fileName: 'noisy.mp4' } })
      ).json();
      const form = new FormData();
      for (const [name, value] of Object.entries(presigned.uploadFields as Record<string, string>))
        form.append(name, value);
      form.append('file', new Blob([readFileSync(noisy)]), 'noisy.mp4');
      expect((await fetch(presigned.uploadUrl, { method: 'POST', body: form })).status).toBeLessThan(300);
      await waitFor(`/videos/v1/check-ingest-video-progress/${videoId}`, (body) => body.ingestionState.ingestionStatus);
    }, 180_000);

    it('answers another team’s ids as unknown (404), whatever the route', async () => {
      // Grace, whom the admin CLI made above, is only in the Archive team; these videos are in the demo user's first
      // team. (Reusing her spares two more CLI processes, ~1 CPU-s each.)
      const other = (
        await call('GET', '/accounts/v1/token', {
          token: null,
          headers: { authorization: basic('grace@example.com', 'hopper-1906') },
        })
      ).json().jwtToken;
      const attempts = await Promise.all([
        call('GET', `/videos/v1/video/${videoId}`, { token: other }),
        call('GET', `/videos/v1/project/${projectId}`, { token: other }),
        call('POST', `/videos/v1/project/${projectId}`, { token: other, body: { name: 'taken over' } }),
        call('GET', `/videos/v1/check-ingest-video-progress/${videoId}`, { token: other }),
        call('POST', `/videos/v1/process-video/${videoId}`, { token: other, body: {} }),
        call('HEAD', `/media/v1/download/original/${videoId}`, { token: other }),
        call('POST', `/media/v1/upload/${videoId}`, { token: other, body: { fileName: 'x.mp4' } }),
        call('DELETE', `/videos/v1/video/${videoId}`, { token: other }),
        call('DELETE', `/videos/v1/project/${projectId}`, { token: other }),
        call('GET', `/videos/v1/videos?project-id=${projectId}`, { token: other }),
      ]);
      const theirs = (await call('GET', '/videos/v1/videos', { token: other })).json();
      const ours = await call('GET', `/videos/v1/video/${videoId}`);

      expect(attempts.map((response) => response.status)).toEqual(attempts.map(() => 404));
      expect(attempts[0]?.json()).toEqual({ exception: 'NotFoundException', errorMessage: expect.any(String) });
      expect(theirs._embedded.totalFound).toBe(0);
      expect(ours.status).toBe(200);
      expect(ours.json().video.projectId).toBe(projectId);
    });

    it('refuses process-video for a video without media (409) and for an unknown video (404)', async () => {
      const empty = (await call('PUT', '/videos/v1/video', { body: {} })).json();
      const notIngested = await call('POST', `/videos/v1/process-video/${empty.videoId}`, { body: {} });
      const unknown = await call('POST', '/videos/v1/process-video/no-such-video', { body: {} });
      await call('DELETE', `/videos/v1/video/${empty.videoId}`);

      expect(notIngested.status).toBe(409);
      expect(notIngested.json()).toEqual({ exception: 'ConflictException', errorMessage: expect.any(String) });
      expect(unknown.status).toBe(404);
      expect(unknown.json().exception).toBe('NotFoundException');
    });

    it('redirects a download too large to answer inline to a presigned S3 URL; HEAD is answered directly', async () => {
      const response = await call('GET', `/media/v1/download/original/${videoId}`);
      const location = response.headers.get('location') ?? '';
      const fromS3 = await fetch(location);
      const bytes = Buffer.from(await fromS3.arrayBuffer());
      const head = await call('HEAD', `/media/v1/download/original/${videoId}`);

      expect(statSync(noisy).size).toBeGreaterThan(4 * 1024 * 1024);
      expect(response.status).toBe(302);
      expect(location).toMatch(/X-Amz-Signature=/);
      expect(fromS3.status).toBe(200);
      expect(fromS3.headers.get('content-disposition')).toBe('attachment; filename="noisy.mp4"');
      expect(bytes.equals(readFileSync(noisy))).toBe(true);
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(statSync(noisy).size));
      expect(head.headers.get('etag')).toMatch(/^"[0-9a-f-]+"$/);
    });

    it('stops the processing of a processed video that is deleted', async () => {
      const started = (
        await call('POST', `/videos/v1/process-video/${videoId}`, {
          body: { resolution: { tag: '4x' }, denoiser: 'hqdn3d' },
        })
      ).json();
      const deleted = await call('DELETE', `/videos/v1/video/${started.processedVideoId}`);
      const sfn = new SFNClient({
        region: env.local.region,
        endpoint: env.local.outputs.Local?.StepFunctionsEndpoint,
        credentials: env.local.credentials,
      });
      try {
        const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
        const machine = machines.find((each) => each.name?.startsWith('Pixop-ProcessStateMachine'));
        const executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine?.stateMachineArn })))
          .executions;
        const execution = executions?.find((each) => each.name === started.processedVideoId);
        const gone = await call('GET', `/videos/v1/check-process-video-progress/${started.processedVideoId}`);
        const children = (await call('GET', `/videos/v1/videos?parent-id=${videoId}`)).json();

        expect(deleted.json()).toEqual({ deletedVideos: [{ videoId: started.processedVideoId }] });
        expect(execution?.status).toBe('ABORTED');
        expect(gone.status).toBe(404);
        expect(children._embedded.totalFound).toBe(0);
      } finally {
        sfn.destroy();
      }
    });
  });

  describe('Pixop’s curl demo, as the README shows it', () => {
    it('runs as written with curl: token, project, video, upload, ingestion, 1080p, download, a refusal, deletes', async () => {
      const readme = readFileSync(path.join(REPOSITORY, 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('## Pixop Video Processing API v1'));
      const script = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
      // The README's paths are relative to the repository; here they lead to this run's data directory.
      const cwd = mkdtempSync(path.join(tmpdir(), 'pixop-readme-'));
      symlinkSync(env.dataDir, path.join(cwd, '.mediaplane'));
      symlinkSync(path.join(REPOSITORY, 'node_modules'), path.join(cwd, 'node_modules'));
      try {
        const { stdout } = await promisify(execFile)('bash', ['-e', '-c', script], {
          cwd,
          encoding: 'utf8',
          timeout: 300_000,
        });

        expect(script).toContain('curl -s -u "$DEMO" "$PIXOP/accounts/v1/token"');
        expect(stdout).toMatch(/"checkIngestProgressUrl":"http:[^"]+"/);
        // The API's answers end without a newline, so the next line printed follows on the same line.
        expect(stdout).toMatch(/^(\{.*\})?h264$/m);
        expect(stdout).toMatch(/Video: h264 .*, 1890x1080 /);
        expect(stdout).toContain(
          '{"exception":"InvalidJWTTokenFoundException","errorMessage":"The JWT token could not be parsed"}',
        );
        expect(stdout).toMatch(/\{"deletedVideos":\[\{"videoId":"[^"]+"\},\{"videoId":"[^"]+"\}\]\}/);
        expect(stdout).toMatch(/\{"project":\{"id":"[^"]+","name":"Demo project"/);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    }, 320_000);
  });
});

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
