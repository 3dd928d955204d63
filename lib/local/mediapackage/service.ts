import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { isIPv4 } from 'node:net';
import * as path from 'node:path';

/** A MediaPackage error: its `x-amzn-ErrorType` name, HTTP status and message, as the v1 API defines them. */
export class MediaPackageError extends Error {
  constructor(
    readonly type:
      | 'ForbiddenException'
      | 'InternalServerErrorException'
      | 'NotFoundException'
      | 'ServiceUnavailableException'
      | 'TooManyRequestsException'
      | 'UnprocessableEntityException',
    message: string,
  ) {
    super(message);
    this.name = type;
  }

  get statusCode(): number {
    return STATUS[this.type];
  }

  /** The name the protocol front end serializes (`x-amzn-ErrorType`). */
  get code(): string {
    return this.type;
  }
}

const STATUS: Record<MediaPackageError['type'], number> = {
  ForbiddenException: 403,
  InternalServerErrorException: 500,
  NotFoundException: 404,
  ServiceUnavailableException: 503,
  TooManyRequestsException: 429,
  UnprocessableEntityException: 422,
};

/** Where a request runs: the signer's account and the region its signature is scoped to. */
export interface Scope {
  readonly accountId: string;
  readonly region: string;
}

export interface IngestEndpointRecord {
  readonly id: string;
  readonly username: string;
  readonly password: string;
}

export interface ChannelRecord {
  readonly id: string;
  readonly hash: string;
  readonly accountId: string;
  readonly region: string;
  readonly description?: string;
  readonly createdAt: string;
  readonly ingestEndpoints: readonly IngestEndpointRecord[];
}

export type PackageKind = 'hlsPackage' | 'dashPackage' | 'cmafPackage' | 'mssPackage';
export const PACKAGE_KINDS: readonly PackageKind[] = ['hlsPackage', 'dashPackage', 'cmafPackage', 'mssPackage'];

export interface OriginEndpointRecord {
  readonly id: string;
  readonly hash: string;
  readonly accountId: string;
  readonly region: string;
  readonly channelId: string;
  readonly createdAt: string;
  /** The request's members as MediaPackage keeps them (camelCase, defaults filled in). */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** A fault the service injects before handling a request, for tests of throttling and failure handling. */
export interface FaultRule {
  /** The operation it applies to (`CreateChannel`, …); every operation when absent. */
  readonly operation?: string;
  /** Answer this many calls (the next ones) with TooManyRequestsException. */
  readonly throttle?: number;
  /** Fail the Nth call from now (1 = the next one) with `error`. */
  readonly failOnCall?: number;
  /** @default 'UnprocessableEntityException' */
  readonly error?: MediaPackageError['type'];
}

interface FaultState extends FaultRule {
  calls: number;
  throttled: number;
}

interface State {
  channels: Record<string, ChannelRecord>;
  originEndpoints: Record<string, OriginEndpointRecord>;
  tags: Record<string, Record<string, string>>;
}

const ID = /^[A-Za-z0-9_-]{1,256}$/;
const MANIFEST_NAME = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * MediaPackage (v1) live resources, per account and region: channels with two HLS ingest endpoints each (user name
 * and password for digest authentication), origin endpoints with one package each, and tags on both. State is kept
 * in `<dataDir>/state.json`, so a restart finds every resource. URLs are built from the address the stand-in
 * listens on at the time they are read.
 */
export class LocalMediaPackage {
  private readonly stateFile: string;
  private state: State;
  private faults: FaultState[] = [];
  private publicBaseUrl = 'http://127.0.0.1';

  constructor(
    private readonly dataDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.stateFile = path.join(dataDir, 'state.json');
    this.state = fs.existsSync(this.stateFile)
      ? (JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as State)
      : { channels: {}, originEndpoints: {}, tags: {} };
  }

  /** The base of ingest and origin URLs (the stand-in's own address). */
  set baseUrl(url: string) {
    this.publicBaseUrl = url.replace(/\/$/, '');
  }

  get baseUrl(): string {
    return this.publicBaseUrl;
  }

  /** Replaces the fault rules; an empty list turns faults off. */
  setFaults(rules: readonly FaultRule[]): void {
    this.faults = rules.map((rule) => ({ ...rule, calls: 0, throttled: 0 }));
  }

  /** Called once per API request, before anything else: a matching rule may answer instead of the service. */
  checkFaults(operation: string): void {
    for (const fault of this.faults) {
      if (fault.operation !== undefined && fault.operation !== operation) continue;
      fault.calls += 1;
      if (fault.throttle !== undefined && fault.throttled < fault.throttle) {
        fault.throttled += 1;
        throw new MediaPackageError('TooManyRequestsException', 'Too Many Requests');
      }
      if (fault.failOnCall !== undefined && fault.calls === fault.failOnCall) {
        throw new MediaPackageError(
          fault.error ?? 'UnprocessableEntityException',
          `Injected failure of ${operation} (call ${fault.calls})`,
        );
      }
    }
  }

  createChannel(scope: Scope, input: { id?: unknown; description?: unknown; tags?: unknown }): Record<string, unknown> {
    const id = requireId(input.id, 'id');
    if (input.description !== undefined && typeof input.description !== 'string') {
      throw unprocessable('description must be a string');
    }
    const tags = tagsOf(input.tags);
    const key = this.key(scope, id);
    if (this.state.channels[key]) throw unprocessable(`Channel already exists with id ${id}`);
    const channel: ChannelRecord = {
      id,
      hash: randomHex(16),
      accountId: scope.accountId,
      region: scope.region,
      ...(input.description !== undefined ? { description: input.description as string } : {}),
      createdAt: this.now().toISOString(),
      ingestEndpoints: [0, 1].map(() => ({
        id: randomHex(16),
        username: randomHex(16),
        password: randomHex(16),
      })),
    };
    this.state.channels[key] = channel;
    this.state.tags[this.channelArn(channel)] = tags;
    this.save();
    return this.channelShape(channel);
  }

  describeChannel(scope: Scope, id: string): Record<string, unknown> {
    return this.channelShape(this.channel(scope, id));
  }

  listChannels(scope: Scope, page: { maxResults?: number; nextToken?: string }): Record<string, unknown> {
    const channels = Object.values(this.state.channels).filter((channel) => inScope(channel, scope));
    const { items, nextToken } = paginate(channels, page);
    return { channels: items.map((channel) => this.channelShape(channel)), ...(nextToken ? { nextToken } : {}) };
  }

  deleteChannel(scope: Scope, id: string): void {
    const channel = this.channel(scope, id);
    if (
      Object.values(this.state.originEndpoints).some(
        (endpoint) => inScope(endpoint, scope) && endpoint.channelId === id,
      )
    ) {
      throw unprocessable(`Channel ${id} has origin endpoints; delete them first`);
    }
    delete this.state.channels[this.key(scope, id)];
    delete this.state.tags[this.channelArn(channel)];
    this.save();
    fs.rmSync(this.ingestDirectory(channel), { recursive: true, force: true });
  }

  createOriginEndpoint(scope: Scope, input: Record<string, unknown>): Record<string, unknown> {
    const id = requireId(input.id, 'id');
    const channelId = requireId(input.channelId, 'channelId');
    if (!this.state.channels[this.key(scope, channelId)]) throw unprocessable(`Channel ${channelId} does not exist`);
    if (this.state.originEndpoints[this.key(scope, id)])
      throw unprocessable(`Origin endpoint already exists with id ${id}`);
    const settings = originEndpointSettings(input);
    const tags = tagsOf(input.tags);
    const endpoint: OriginEndpointRecord = {
      id,
      hash: randomHex(16),
      accountId: scope.accountId,
      region: scope.region,
      channelId,
      createdAt: this.now().toISOString(),
      settings,
    };
    this.state.originEndpoints[this.key(scope, id)] = endpoint;
    this.state.tags[this.endpointArn(endpoint)] = tags;
    this.save();
    return this.endpointShape(endpoint);
  }

  describeOriginEndpoint(scope: Scope, id: string): Record<string, unknown> {
    return this.endpointShape(this.endpoint(scope, id));
  }

  listOriginEndpoints(
    scope: Scope,
    page: { channelId?: string; maxResults?: number; nextToken?: string },
  ): Record<string, unknown> {
    const endpoints = Object.values(this.state.originEndpoints).filter(
      (endpoint) => inScope(endpoint, scope) && (page.channelId === undefined || endpoint.channelId === page.channelId),
    );
    const { items, nextToken } = paginate(endpoints, page);
    return {
      originEndpoints: items.map((endpoint) => this.endpointShape(endpoint)),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  deleteOriginEndpoint(scope: Scope, id: string): void {
    const endpoint = this.endpoint(scope, id);
    delete this.state.originEndpoints[this.key(scope, id)];
    delete this.state.tags[this.endpointArn(endpoint)];
    this.save();
  }

  listTags(scope: Scope, arn: string): Record<string, string> {
    return { ...this.taggable(scope, arn) };
  }

  tagResource(scope: Scope, arn: string, tags: unknown): void {
    const current = this.taggable(scope, arn);
    this.state.tags[arn] = { ...current, ...tagsOf(tags) };
    this.save();
  }

  untagResource(scope: Scope, arn: string, keys: readonly string[]): void {
    const current = { ...this.taggable(scope, arn) };
    for (const key of keys) delete current[key];
    this.state.tags[arn] = current;
    this.save();
  }

  /** The channel (and ingest endpoint) an ingest path names, for the ingest listener. */
  findIngest(
    channelHash: string,
    ingestId: string,
  ): { channel: ChannelRecord; endpoint: IngestEndpointRecord } | undefined {
    const channel = Object.values(this.state.channels).find((candidate) => candidate.hash === channelHash);
    const endpoint = channel?.ingestEndpoints.find((candidate) => candidate.id === ingestId);
    return channel && endpoint ? { channel, endpoint } : undefined;
  }

  /** The origin endpoint an origin path names, and its channel, for the origin listener. */
  findOrigin(hash: string): { endpoint: OriginEndpointRecord; channel: ChannelRecord } | undefined {
    const endpoint = Object.values(this.state.originEndpoints).find((candidate) => candidate.hash === hash);
    if (!endpoint) return undefined;
    const channel = this.state.channels[`${endpoint.accountId}/${endpoint.region}/${endpoint.channelId}`];
    return channel ? { endpoint, channel } : undefined;
  }

  ingestDirectory(channel: ChannelRecord): string {
    return path.join(this.dataDir, 'ingest', channel.hash);
  }

  private taggable(scope: Scope, arn: string): Record<string, string> {
    const tags = this.state.tags[arn];
    const [, , service, region, account] = arn.split(':');
    if (tags === undefined || service !== 'mediapackage' || region !== scope.region || account !== scope.accountId) {
      throw new MediaPackageError('NotFoundException', `Resource ${arn} not found`);
    }
    return tags;
  }

  private channel(scope: Scope, id: string): ChannelRecord {
    const channel = this.state.channels[this.key(scope, id)];
    if (!channel) throw new MediaPackageError('NotFoundException', `Channel ${id} not found`);
    return channel;
  }

  private endpoint(scope: Scope, id: string): OriginEndpointRecord {
    const endpoint = this.state.originEndpoints[this.key(scope, id)];
    if (!endpoint) throw new MediaPackageError('NotFoundException', `Origin endpoint ${id} not found`);
    return endpoint;
  }

  private key(scope: Scope, id: string): string {
    return `${scope.accountId}/${scope.region}/${id}`;
  }

  channelArn(channel: ChannelRecord): string {
    return `arn:aws:mediapackage:${channel.region}:${channel.accountId}:channels/${channel.hash}`;
  }

  endpointArn(endpoint: OriginEndpointRecord): string {
    return `arn:aws:mediapackage:${endpoint.region}:${endpoint.accountId}:origin_endpoints/${endpoint.hash}`;
  }

  private channelShape(channel: ChannelRecord): Record<string, unknown> {
    return {
      arn: this.channelArn(channel),
      createdAt: channel.createdAt,
      ...(channel.description !== undefined ? { description: channel.description } : {}),
      egressAccessLogs: {},
      hlsIngest: {
        ingestEndpoints: channel.ingestEndpoints.map((endpoint) => ({
          id: endpoint.id,
          password: endpoint.password,
          url: `${this.publicBaseUrl}/in/v2/${channel.hash}/${endpoint.id}/channel`,
          username: endpoint.username,
        })),
      },
      id: channel.id,
      ingressAccessLogs: {},
      tags: this.state.tags[this.channelArn(channel)] ?? {},
    };
  }

  /** The origin URL of an endpoint: a playlist for HLS and CMAF, an MPD for DASH, a Smooth manifest for MSS. */
  originUrl(endpoint: OriginEndpointRecord): string {
    const base = `${this.publicBaseUrl}/out/v1/${endpoint.hash}/${String(endpoint.settings.manifestName)}`;
    if (endpoint.settings.dashPackage) return `${base}.mpd`;
    if (endpoint.settings.mssPackage) return `${base}.ism/Manifest`;
    return `${base}.m3u8`;
  }

  private endpointShape(endpoint: OriginEndpointRecord): Record<string, unknown> {
    return {
      ...endpoint.settings,
      arn: this.endpointArn(endpoint),
      channelId: endpoint.channelId,
      createdAt: endpoint.createdAt,
      id: endpoint.id,
      tags: this.state.tags[this.endpointArn(endpoint)] ?? {},
      url: this.originUrl(endpoint),
    };
  }

  private save(): void {
    const temporary = `${this.stateFile}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(this.state));
    fs.renameSync(temporary, this.stateFile);
  }
}

const HLS_DEFAULTS = {
  adMarkers: 'NONE',
  adsOnDeliveryRestrictions: 'RESTRICTED',
  includeDvbSubtitles: false,
  includeIframeOnlyStream: false,
  playlistType: 'NONE',
  playlistWindowSeconds: 60,
  programDateTimeIntervalSeconds: 0,
  segmentDurationSeconds: 6,
  streamSelection: { streamOrder: 'ORIGINAL' },
  useAudioRenditionGroup: false,
};
const DASH_DEFAULTS = {
  adsOnDeliveryRestrictions: 'RESTRICTED',
  manifestLayout: 'FULL',
  manifestWindowSeconds: 60,
  minBufferTimeSeconds: 30,
  minUpdatePeriodSeconds: 15,
  profile: 'NONE',
  segmentDurationSeconds: 2,
  segmentTemplateFormat: 'NUMBER_WITH_TIMELINE',
  streamSelection: { streamOrder: 'ORIGINAL' },
  suggestedPresentationDelaySeconds: 25,
};
const CMAF_DEFAULTS = { segmentDurationSeconds: 6, streamSelection: { streamOrder: 'ORIGINAL' } };
const MSS_DEFAULTS = {
  manifestWindowSeconds: 60,
  segmentDurationSeconds: 2,
  streamSelection: { streamOrder: 'ORIGINAL' },
};
const DEFAULTS: Record<PackageKind, Record<string, unknown>> = {
  hlsPackage: HLS_DEFAULTS,
  dashPackage: DASH_DEFAULTS,
  cmafPackage: CMAF_DEFAULTS,
  mssPackage: MSS_DEFAULTS,
};

/** The endpoint's members as MediaPackage stores them, after its own validation (422 for what it refuses). */
function originEndpointSettings(input: Record<string, unknown>): Record<string, unknown> {
  const kinds = PACKAGE_KINDS.filter((kind) => input[kind] !== undefined && input[kind] !== null);
  if (kinds.length !== 1)
    throw unprocessable('An origin endpoint needs exactly one of hlsPackage, dashPackage, cmafPackage, mssPackage');
  const kind = kinds[0] as PackageKind;
  const pkg = input[kind];
  if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg)) throw unprocessable(`${kind} must be an object`);
  const settings: Record<string, unknown> = { ...DEFAULTS[kind], ...(pkg as Record<string, unknown>) };
  for (const field of ['segmentDurationSeconds', 'playlistWindowSeconds', 'manifestWindowSeconds']) {
    const value = settings[field];
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < 1)) {
      throw unprocessable(`${kind}.${field} must be a positive integer`);
    }
  }
  const manifestName = input.manifestName ?? 'index';
  if (typeof manifestName !== 'string' || !MANIFEST_NAME.test(manifestName)) {
    throw unprocessable('manifestName may hold letters, digits, "_" and "-" only');
  }
  const startover = input.startoverWindowSeconds ?? 0;
  const delay = input.timeDelaySeconds ?? 0;
  if (!Number.isInteger(startover) || (startover as number) < 0 || (startover as number) > 1_209_600) {
    throw unprocessable('startoverWindowSeconds must be between 0 and 1209600');
  }
  if (!Number.isInteger(delay) || (delay as number) < 0 || (delay as number) > 86_400) {
    throw unprocessable('timeDelaySeconds must be between 0 and 86400');
  }
  const origination = input.origination ?? 'ALLOW';
  if (origination !== 'ALLOW' && origination !== 'DENY') throw unprocessable('origination must be ALLOW or DENY');
  const whitelist = input.whitelist ?? [];
  if (!Array.isArray(whitelist) || !whitelist.every((entry) => typeof entry === 'string' && isCidr(entry))) {
    throw unprocessable('whitelist must be a list of IPv4 CIDR blocks');
  }
  if (input.description !== undefined && typeof input.description !== 'string') {
    throw unprocessable('description must be a string');
  }
  return {
    ...(input.authorization !== undefined ? { authorization: input.authorization } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    [kind]: settings,
    manifestName,
    origination,
    startoverWindowSeconds: startover,
    timeDelaySeconds: delay,
    whitelist,
  };
}

function isCidr(entry: string): boolean {
  const [address, prefix] = entry.split('/');
  return isIPv4(address ?? '') && (prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= 32));
}

function requireId(value: unknown, name: string): string {
  if (typeof value !== 'string' || !ID.test(value)) {
    throw unprocessable(`${name} must hold 1 to 256 letters, digits, "_" or "-"`);
  }
  return value;
}

function tagsOf(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw unprocessable('tags must be a map of strings');
  for (const [key, tag] of Object.entries(value)) {
    if (typeof tag !== 'string' || key.length === 0 || key.length > 128 || tag.length > 256 || key.startsWith('aws:')) {
      throw unprocessable(`Invalid tag ${key}`);
    }
  }
  return { ...(value as Record<string, string>) };
}

function inScope(resource: { accountId: string; region: string }, scope: Scope): boolean {
  return resource.accountId === scope.accountId && resource.region === scope.region;
}

function paginate<T>(items: readonly T[], page: { maxResults?: number; nextToken?: string }) {
  const start = page.nextToken ? Number(Buffer.from(page.nextToken, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw unprocessable('Invalid nextToken');
  const size = page.maxResults ?? 50;
  if (!Number.isInteger(size) || size < 1 || size > 1000) throw unprocessable('maxResults must be between 1 and 1000');
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
  return { items: slice, nextToken: next };
}

function unprocessable(message: string): MediaPackageError {
  return new MediaPackageError('UnprocessableEntityException', message);
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
