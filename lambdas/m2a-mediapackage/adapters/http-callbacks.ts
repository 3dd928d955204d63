import { logger } from '../shared/logger';
import { lookup } from 'node:dns/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { forbiddenAddressReason, refusedHostReason, type CallbackAllowList } from '../domain/callback-targets';
import type { PackagerRecord, PackagerState } from '../domain/packagers';
import type { CallbackDelivery, CallbackSender } from '../orchestration/ports';

export const USER_AGENT = 'm2a-mediapackage/v1';
const CONNECT_TIMEOUT_MS = 10_000;
const READ_TIMEOUT_MS = 10_000;

export interface CallbackSenderOptions {
  readonly allowList: CallbackAllowList;
  /** Signs internal callbacks (SigV4, `execute-api`). */
  readonly credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
  /** The region internal callbacks are signed for when the URL does not name one. */
  readonly region: () => Promise<string>;
  /** @default node:dns lookup */
  readonly resolve?: (hostname: string) => Promise<Array<{ address: string; family: number }>>;
}

/** Why a callback was not sent; logged, never retried. */
export class CallbackRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CallbackRefusedError';
  }
}

/**
 * Packager callbacks as the original sends them: `POST {id, state}` with `User-Agent: m2a-mediapackage/v1`, 10 s to
 * connect and 10 s between bytes of the answer, one attempt, redirects not followed. The internal callback is
 * SigV4-signed with the function's role. Against SSRF the host is resolved first and every address checked; the
 * connection then goes to the checked address (so a second resolution cannot swap it). Hosts on the deployer's
 * allow-list skip the address check and nothing else.
 */
export class HttpCallbackSender implements CallbackSender {
  private readonly resolve: (hostname: string) => Promise<Array<{ address: string; family: number }>>;

  constructor(private readonly options: CallbackSenderOptions) {
    this.resolve = options.resolve ?? ((hostname) => lookup(hostname, { all: true, verbatim: true }));
  }

  async send(packager: PackagerRecord, state: PackagerState): Promise<CallbackDelivery[]> {
    const body = JSON.stringify({ id: packager.id, state });
    const targets: Array<[CallbackDelivery['target'], string, boolean]> = [];
    if (packager.stateCallbackUrl) targets.push(['state', packager.stateCallbackUrl, false]);
    if (packager.internalCallbackUrl) targets.push(['internal', packager.internalCallbackUrl, true]);
    return Promise.all(
      targets.map(async ([target, url, signed]): Promise<CallbackDelivery> => {
        try {
          const status = await this.post(new URL(url), body, signed);
          logger.info('Callback sent', { packagerId: packager.id, state, target, status });
          return { target, status };
        } catch (error) {
          // URLs may carry one-time tokens: only the packager and the target kind are logged.
          const reason = (error as Error).message;
          logger.warn('Callback failed', { packagerId: packager.id, state, target, reason });
          return { target, error: reason };
        }
      }),
    );
  }

  /** Sends one callback; the answer's status, whatever it is (3xx included: redirects are not followed). */
  async post(url: URL, body: string, signed: boolean): Promise<number> {
    const address = await this.checkedAddress(url);
    const headers: Record<string, string> = {
      host: url.host,
      'user-agent': USER_AGENT,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    };
    const path = `${url.pathname}${url.search}`;
    const sent = signed ? await this.sign(url, headers, body) : headers;
    return request(url, address, path, sent, body);
  }

  private async checkedAddress(url: URL): Promise<{ address: string; family: number } | undefined> {
    if (this.options.allowList.allows(url)) return undefined;
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const refused = refusedHostReason(hostname);
    if (refused) throw new CallbackRefusedError(refused);
    const addresses = await this.resolve(hostname).catch((error: Error) => {
      throw new CallbackRefusedError(`${hostname} does not resolve (${error.message})`);
    });
    if (addresses.length === 0) throw new CallbackRefusedError(`${hostname} does not resolve`);
    for (const { address } of addresses) {
      const reason = forbiddenAddressReason(address);
      if (reason) throw new CallbackRefusedError(`${hostname} resolves to a refused address: ${reason}`);
    }
    return addresses[0];
  }

  private async sign(url: URL, headers: Record<string, string>, body: string): Promise<Record<string, string>> {
    const region =
      /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1] ?? (await this.options.region());
    const signer = new SignatureV4({
      service: 'execute-api',
      region,
      credentials: this.options.credentials,
      sha256: Hash.bind(null, 'sha256'),
    });
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of url.searchParams) {
      const existing = query[name];
      query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers,
      body,
    });
    return signed.headers;
  }
}

function request(
  url: URL,
  address: { address: string; family: number } | undefined,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<number> {
  const transport = url.protocol === 'https:' ? https : http;
  // Connect to the address that was checked, whatever the name resolves to by now; TLS still checks the name.
  const pinned: LookupFunction | undefined = address
    ? (_hostname, options, callback) => {
        if ((options as { all?: boolean }).all) {
          (callback as unknown as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, [
            address,
          ]);
        } else {
          callback(null, address.address, address.family);
        }
      }
    : undefined;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path,
        headers,
        ...(pinned ? { lookup: pinned } : {}),
        agent: false,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    const connectTimer = setTimeout(
      () => req.destroy(new Error(`no connection within ${CONNECT_TIMEOUT_MS / 1000} s`)),
      CONNECT_TIMEOUT_MS,
    );
    req.on('socket', (socket) => {
      const connected = () => {
        clearTimeout(connectTimer);
        // From here on, 10 s without a byte of the answer ends the attempt.
        socket.setTimeout(READ_TIMEOUT_MS, () =>
          req.destroy(new Error(`no answer within ${READ_TIMEOUT_MS / 1000} s`)),
        );
      };
      if (url.protocol === 'https:') socket.once('secureConnect', connected);
      else socket.once('connect', connected);
    });
    req.on('error', (error) => {
      clearTimeout(connectTimer);
      reject(error);
    });
    req.on('close', () => clearTimeout(connectTimer));
    req.end(body);
  });
}
