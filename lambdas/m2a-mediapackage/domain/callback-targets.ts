import { BlockList, isIP } from 'node:net';
import { InvalidInputError } from './errors';

/**
 * Where packager callbacks may go. A callback URL is the caller's input and the request is made from inside the
 * deployment, so it must not reach what only the deployment can reach (SSRF): loopback, private networks, link-local
 * and the instance metadata service, carrier-grade NAT, multicast, reserved and IPv6 local ranges.
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, including the metadata service 169.254.169.254 and ECS's 169.254.170.2
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and broadcast
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local, including the metadata service's fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some stacks)
  ['ff00::', 8], // multicast
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

/** IPv6 forms that carry an IPv4 address, which is what is really reached. */
const EMBEDDED_V4 = [
  /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, // IPv4-mapped
  /^::(\d+\.\d+\.\d+\.\d+)$/i, // IPv4-compatible (deprecated)
  /^64:ff9b::(\d+\.\d+\.\d+\.\d+)$/i, // NAT64
];

/** Why `address` may not be called, or `undefined` when it may. */
export function forbiddenAddressReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  if (family === 4) return FORBIDDEN.check(address, 'ipv4') ? `${address} is in a non-public range` : undefined;
  const expanded = expandMappedHex(address);
  for (const pattern of EMBEDDED_V4) {
    const embedded = pattern.exec(expanded)?.[1];
    if (embedded) return forbiddenAddressReason(embedded);
  }
  // 6to4 (2002::/16) embeds an IPv4 address in bits 16–48.
  if (/^2002:/i.test(expanded)) {
    const v4 = sixToFourAddress(expanded);
    if (v4 && forbiddenAddressReason(v4)) return `${address} embeds the non-public ${v4}`;
  }
  return FORBIDDEN.check(address, 'ipv6') ? `${address} is in a non-public range` : undefined;
}

/** `::ffff:7f00:1` → `::ffff:127.0.0.1`, so the embedded-address patterns see dotted quads either way. */
function expandMappedHex(address: string): string {
  const match = /^(::ffff:|::|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!match) return address;
  const high = parseInt(match[2] as string, 16);
  const low = parseInt(match[3] as string, 16);
  return `${match[1]}${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

function sixToFourAddress(address: string): string | undefined {
  const groups = address.split(':');
  const high = parseInt(groups[1] ?? '', 16);
  const low = parseInt(groups[2] ?? '', 16);
  if (Number.isNaN(high) || Number.isNaN(low)) return undefined;
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * Hosts the deployer lets callbacks reach although the guard would refuse them (the `m2aCallbackAllowedHosts`
 * context: a comma list of `host` or `host:port`, e.g. a test receiver on `127.0.0.1`). An entry matches the URL's
 * host exactly as written, before any name resolution: allowing `127.0.0.1` does not allow `localhost`, `[::1]` or
 * `127.0.0.2`. An empty list — the default — allows nothing beyond the public internet.
 */
export class CallbackAllowList {
  private readonly entries: ReadonlyArray<{ host: string; port?: string }>;

  constructor(text: string | undefined) {
    this.entries = (text ?? '')
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => entry !== '')
      .map((entry) => {
        const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
        if (bracketed) return { host: bracketed[1] as string, port: bracketed[2] };
        const hostPort = /^([^:]+)(?::(\d+))?$/.exec(entry);
        if (hostPort) return { host: hostPort[1] as string, port: hostPort[2] };
        // A bare IPv6 address: the whole entry is the host.
        return { host: entry };
      });
  }

  allows(url: URL): boolean {
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return this.entries.some((entry) => entry.host === host && (entry.port === undefined || entry.port === port));
  }

  get size(): number {
    return this.entries.length;
  }
}

const LOCAL_NAMES = /(^|\.)(localhost|localdomain|local|internal|home\.arpa)$/i;

/**
 * A packager's callback URL as the API accepts it: absolute http(s), no user name or password in it (the original
 * refuses in-URL credentials), at most 2048 characters, and — unless allow-listed — a host that is not a non-public
 * address literal or a local-only name. Names that resolve to non-public addresses are refused when the callback is
 * sent, after resolution.
 */
export function parseCallbackUrl(value: unknown, field: string, allowList: CallbackAllowList): string {
  const source = { pointer: `/${field}` };
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) {
    throw new InvalidInputError(`${field} must be a URL of at most 2048 characters`, source);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInputError(`${field} is not a valid URL`, source);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidInputError(`${field} must be an http or https URL`, source);
  }
  if (url.username !== '' || url.password !== '') {
    throw new InvalidInputError(`${field} must not contain credentials`, source);
  }
  if (allowList.allows(url)) return value;
  const reason = refusedHostReason(url.hostname);
  if (reason) throw new InvalidInputError(`${field} is not allowed: ${reason}`, source);
  return value;
}

/** Why a URL's host (as written, before resolution) may not be called, or `undefined`. */
export function refusedHostReason(hostname: string): string | undefined {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return forbiddenAddressReason(host);
  if (LOCAL_NAMES.test(host.replace(/\.$/, ''))) return `${host} is a local name`;
  // Numeric forms the URL parser did not normalise (it turns 2130706433 and 0x7f.1 into dotted quads already).
  if (/^[0-9.]+$/.test(host)) return `${host} is not a host name`;
  return undefined;
}
