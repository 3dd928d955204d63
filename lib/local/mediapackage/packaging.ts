import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import { BlockList, isIPv4 } from 'node:net';
import * as path from 'node:path';
import type { ChannelRecord, IngestEndpointRecord, LocalMediaPackage, OriginEndpointRecord } from './service';

const REALM = 'MediaPackage';
const NONCE_LIFETIME_MS = 5 * 60 * 1000;
const MAX_INGEST_BYTES = 64 * 1024 * 1024;
/** Segments older than the longest window any endpoint shows, plus this, are dropped from disk. */
const RETENTION_MARGIN_SECONDS = 120;

interface TimelineEntry {
  readonly sequence: number;
  readonly file: string;
  readonly duration: number;
}

interface Timeline {
  updatedAt: number;
  nextSequence: number;
  entries: TimelineEntry[];
  /** Ingested names already on the timeline, so a playlist repeating a segment does not add it twice. */
  seen: string[];
}

/**
 * What MediaPackage does with a live stream, on this machine: an encoder pushes HLS (playlists and segments, by PUT
 * or POST) to a channel's ingest URL with the ingest endpoint's user name and password (HTTP digest, as
 * MediaPackage asks), and every HLS origin endpoint of the channel serves it repackaged: its own master and media
 * playlists, a sliding window of `playlistWindowSeconds`, continuous media sequence numbers, segments under the
 * endpoint's names. Deleting the channel or endpoint makes its URLs answer 404.
 */
export class LivePackager {
  private readonly nonceKey = randomBytes(32);

  constructor(private readonly service: LocalMediaPackage) {}

  /** `Expect: 100-continue`: refuse an unauthenticated upload before its body is sent (ffmpeg asks this way). */
  preflight(request: http.IncomingMessage, response: http.ServerResponse): boolean {
    const ingest = this.ingestTarget(request);
    if (!ingest) return this.reply(response, 404, 'Not Found');
    if (!this.authorized(request, ingest.endpoint)) return this.challenge(response, request);
    return true;
  }

  /** Serves `/in/v2/…` (ingest) and `/out/v1/…` (origin); `false` for other paths. */
  handle(request: http.IncomingMessage, response: http.ServerResponse): boolean {
    const pathname = (request.url ?? '/').split('?')[0] ?? '/';
    if (pathname.startsWith('/in/v2/')) {
      void this.ingest(request, response);
      return true;
    }
    if (pathname.startsWith('/out/v1/')) {
      this.origin(request, response, pathname);
      return true;
    }
    return false;
  }

  private ingestTarget(request: http.IncomingMessage) {
    const [, , , channelHash = '', ingestId = '', ...file] = (request.url ?? '').split('?')[0]?.split('/') ?? [];
    const found = this.service.findIngest(channelHash, ingestId);
    const name = file.join('/');
    if (!found || file.length !== 1 || !/^[\w.-]{1,200}$/.test(name) || name.startsWith('.')) return undefined;
    return { ...found, name };
  }

  private async ingest(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const target = this.ingestTarget(request);
    const method = (request.method ?? 'GET').toUpperCase();
    if (!target) return void this.drain(request, () => this.reply(response, 404, 'Not Found'));
    if (!this.authorized(request, target.endpoint))
      return void this.drain(request, () => this.challenge(response, request));
    const directory = path.join(this.service.ingestDirectory(target.channel), target.endpoint.id);
    const file = path.join(directory, 'segments', target.name);
    if (method === 'DELETE') {
      // Encoders delete segments that left their playlist; the origin keeps its own window, so this is a no-op.
      return void this.reply(response, 204, '');
    }
    if (method !== 'PUT' && method !== 'POST') return void this.reply(response, 405, 'Method Not Allowed');
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_INGEST_BYTES) chunks.push(chunk);
    });
    request.on('error', () => response.destroy());
    request.on('end', () => {
      if (size > MAX_INGEST_BYTES) return void this.reply(response, 413, 'Payload Too Large');
      const body = Buffer.concat(chunks);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, body);
      if (body.subarray(0, 7).toString('latin1') === '#EXTM3U')
        this.addPlaylist(target.channel, directory, body.toString('utf8'));
      this.reply(response, 201, '');
    });
  }

  /** Adds the segments a media playlist lists (and that have arrived) to the ingest endpoint's timeline. */
  private addPlaylist(channel: ChannelRecord, directory: string, text: string): void {
    if (text.includes('#EXT-X-STREAM-INF')) return; // a master playlist: its variants arrive on their own
    const timeline = readTimeline(directory);
    let duration: number | undefined;
    for (const line of text.split(/\r?\n/).map((entry) => entry.trim())) {
      const extinf = /^#EXTINF:([\d.]+)/.exec(line);
      if (extinf) {
        duration = Number(extinf[1]);
        continue;
      }
      if (line === '' || line.startsWith('#') || duration === undefined) continue;
      const name = path.basename(line.split('?')[0] ?? line);
      if (!timeline.seen.includes(name) && fs.existsSync(path.join(directory, 'segments', name))) {
        timeline.entries.push({ sequence: timeline.nextSequence, file: name, duration });
        timeline.nextSequence += 1;
        timeline.seen.push(name);
      }
      duration = undefined;
    }
    timeline.updatedAt = Date.now();
    this.prune(channel, directory, timeline);
    fs.writeFileSync(path.join(directory, 'timeline.json'), JSON.stringify(timeline));
  }

  private prune(channel: ChannelRecord, directory: string, timeline: Timeline): void {
    const keepSeconds = RETENTION_MARGIN_SECONDS + this.longestWindow(channel);
    let total = 0;
    const kept: TimelineEntry[] = [];
    for (const entry of [...timeline.entries].reverse()) {
      total += entry.duration;
      if (total <= keepSeconds || kept.length === 0) kept.unshift(entry);
      else fs.rmSync(path.join(directory, 'segments', entry.file), { force: true });
    }
    timeline.entries = kept;
    timeline.seen = timeline.seen.slice(-1000);
  }

  private longestWindow(channel: ChannelRecord): number {
    const { originEndpoints } = this.service.listOriginEndpoints(
      { accountId: channel.accountId, region: channel.region },
      { channelId: channel.id, maxResults: 1000 },
    ) as { originEndpoints: Array<Record<string, unknown>> };
    return Math.max(
      60,
      ...originEndpoints.map((endpoint) => windowOf(endpoint) + Number(endpoint.startoverWindowSeconds ?? 0)),
    );
  }

  private origin(request: http.IncomingMessage, response: http.ServerResponse, pathname: string): void {
    const [, , , hash = '', ...rest] = pathname.split('/');
    const found = this.service.findOrigin(hash);
    const method = (request.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return void this.reply(response, 405, 'Method Not Allowed');
    if (!found || rest.length !== 1) return void this.reply(response, 404, 'Not Found');
    const { endpoint, channel } = found;
    if (!this.originAllowed(endpoint, request)) return void this.reply(response, 403, 'Forbidden');
    const hls = endpoint.settings.hlsPackage as Record<string, unknown> | undefined;
    if (!hls) return void this.reply(response, 404, 'This local MediaPackage packages HLS origin endpoints only');
    const manifest = String(endpoint.settings.manifestName);
    const live = this.liveTimeline(channel);
    const file = rest[0] as string;
    if (!live || live.timeline.entries.length === 0) return void this.reply(response, 404, 'Not Found');
    const { timeline, directory } = live;
    const window = windowEntries(timeline.entries, Number(hls.playlistWindowSeconds ?? 60));

    if (file === `${manifest}.m3u8`) {
      const bytes = window.reduce((sum, entry) => sum + fileSize(path.join(directory, 'segments', entry.file)), 0);
      const seconds = window.reduce((sum, entry) => sum + entry.duration, 0) || 1;
      const bandwidth = Math.max(1, Math.round((bytes * 8) / seconds));
      return void this.send(
        response,
        method,
        'application/x-mpegURL',
        `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth}\n${manifest}_1.m3u8\n`,
      );
    }
    if (file === `${manifest}_1.m3u8`) {
      const target = Math.max(1, ...window.map((entry) => Math.ceil(entry.duration)));
      const lines = [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        `#EXT-X-TARGETDURATION:${target}`,
        `#EXT-X-MEDIA-SEQUENCE:${window[0]?.sequence ?? 0}`,
        ...window.flatMap((entry) => [`#EXTINF:${entry.duration.toFixed(3)},`, `${manifest}_1_${entry.sequence}.ts`]),
      ];
      return void this.send(response, method, 'application/x-mpegURL', `${lines.join('\n')}\n`);
    }
    const segment = new RegExp(`^${escapeRegExp(manifest)}_1_(\\d+)\\.ts$`).exec(file);
    const entry = segment ? timeline.entries.find((candidate) => candidate.sequence === Number(segment[1])) : undefined;
    const segmentFile = entry ? path.join(directory, 'segments', entry.file) : undefined;
    if (!segmentFile || !fs.existsSync(segmentFile)) return void this.reply(response, 404, 'Not Found');
    const body = fs.readFileSync(segmentFile);
    response.writeHead(200, { 'Content-Type': 'video/MP2T', 'Content-Length': String(body.length) });
    response.end(method === 'HEAD' ? undefined : body);
  }

  /** The ingest endpoint that received the stream last: an encoder may switch between the two. */
  private liveTimeline(channel: ChannelRecord): { timeline: Timeline; directory: string } | undefined {
    let best: { timeline: Timeline; directory: string } | undefined;
    for (const endpoint of channel.ingestEndpoints) {
      const directory = path.join(this.service.ingestDirectory(channel), endpoint.id);
      if (!fs.existsSync(path.join(directory, 'timeline.json'))) continue;
      const timeline = readTimeline(directory);
      if (!best || timeline.updatedAt > best.timeline.updatedAt) best = { timeline, directory };
    }
    return best;
  }

  private originAllowed(endpoint: OriginEndpointRecord, request: http.IncomingMessage): boolean {
    if (endpoint.settings.origination === 'DENY') return false;
    const whitelist = (endpoint.settings.whitelist ?? []) as string[];
    if (whitelist.length === 0) return true;
    const address = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (!isIPv4(address)) return false;
    const list = new BlockList();
    for (const cidr of whitelist) {
      const [network, prefix] = cidr.split('/');
      list.addSubnet(network as string, prefix === undefined ? 32 : Number(prefix), 'ipv4');
    }
    return list.check(address, 'ipv4');
  }

  /** RFC 7616 digest (MD5, qop=auth), with stateless nonces that expire after five minutes. */
  private authorized(request: http.IncomingMessage, endpoint: IngestEndpointRecord): boolean {
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Digest ')) return false;
    const fields = new Map<string, string>();
    for (const match of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) {
      fields.set((match[1] as string).toLowerCase(), match[2] ?? match[3] ?? '');
    }
    const nonce = fields.get('nonce') ?? '';
    if (fields.get('username') !== endpoint.username || fields.get('realm') !== REALM || !this.validNonce(nonce)) {
      return false;
    }
    if (fields.get('uri') !== request.url) return false;
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    const ha1 = md5(`${endpoint.username}:${REALM}:${endpoint.password}`);
    const ha2 = md5(`${(request.method ?? 'GET').toUpperCase()}:${fields.get('uri')}`);
    const qop = fields.get('qop');
    const expected =
      qop === 'auth'
        ? md5(`${ha1}:${nonce}:${fields.get('nc') ?? ''}:${fields.get('cnonce') ?? ''}:auth:${ha2}`)
        : md5(`${ha1}:${nonce}:${ha2}`);
    const given = Buffer.from(fields.get('response') ?? '', 'utf8');
    return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected, 'utf8'));
  }

  private newNonce(): string {
    const stamp = Date.now().toString(36);
    return `${stamp}.${createHmac('sha256', this.nonceKey).update(stamp).digest('hex').slice(0, 32)}`;
  }

  private validNonce(nonce: string): boolean {
    const [stamp = '', mac = ''] = nonce.split('.');
    const expected = createHmac('sha256', this.nonceKey).update(stamp).digest('hex').slice(0, 32);
    return mac === expected && Date.now() - parseInt(stamp, 36) < NONCE_LIFETIME_MS;
  }

  private challenge(response: http.ServerResponse, _request: http.IncomingMessage): false {
    response.writeHead(401, {
      'WWW-Authenticate': `Digest realm="${REALM}", qop="auth", algorithm=MD5, nonce="${this.newNonce()}"`,
      'Content-Type': 'text/plain',
      Connection: 'close',
    });
    response.end('Unauthorized');
    return false;
  }

  private drain(request: http.IncomingMessage, then: () => void): void {
    request.resume();
    request.on('end', then);
  }

  private send(response: http.ServerResponse, method: string, type: string, text: string): void {
    response.writeHead(200, {
      'Content-Type': type,
      'Content-Length': String(Buffer.byteLength(text)),
      'Cache-Control': 'max-age=1',
    });
    response.end(method === 'HEAD' ? undefined : text);
  }

  private reply(response: http.ServerResponse, status: number, text: string): false {
    response.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': String(Buffer.byteLength(text)) });
    response.end(text);
    return false;
  }
}

function windowOf(endpoint: Record<string, unknown>): number {
  const pkg = (endpoint.hlsPackage ?? endpoint.dashPackage ?? endpoint.mssPackage ?? {}) as Record<string, unknown>;
  return Number(pkg.playlistWindowSeconds ?? pkg.manifestWindowSeconds ?? 60);
}

function windowEntries(entries: readonly TimelineEntry[], seconds: number): TimelineEntry[] {
  const window: TimelineEntry[] = [];
  let total = 0;
  for (const entry of [...entries].reverse()) {
    if (window.length > 0 && total + entry.duration > seconds) break;
    window.unshift(entry);
    total += entry.duration;
  }
  return window;
}

function readTimeline(directory: string): Timeline {
  const file = path.join(directory, 'timeline.json');
  if (!fs.existsSync(file)) return { updatedAt: 0, nextSequence: 1, entries: [], seen: [] };
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Timeline;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
