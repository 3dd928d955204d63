import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpCallbackSender, USER_AGENT } from '../../../lambdas/m2a-mediapackage/adapters/http-callbacks';
import {
  CallbackAllowList,
  forbiddenAddressReason,
  parseCallbackUrl,
} from '../../../lambdas/m2a-mediapackage/domain/callback-targets';
import type { PackagerRecord } from '../../../lambdas/m2a-mediapackage/domain/packagers';
import { verifySigV4 } from '../../../lib/local/apigateway/sigv4';
import { rawRequest, readBody } from '../../../lib/local/http-request';

describe('callback targets (SSRF guard)', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::a9fe:a9fe',
    '2002:7f00:1::',
  ])('refuses %s', (address) => {
    expect(forbiddenAddressReason(address)).toBeDefined();
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public %s', (address) => {
    expect(forbiddenAddressReason(address)).toBeUndefined();
  });

  it('checks URLs at create time: scheme, credentials, literal addresses and local names', () => {
    const none = new CallbackAllowList(undefined);
    expect(parseCallbackUrl('https://hooks.example.com/x?otp=1', 'state-callback-url', none)).toBe(
      'https://hooks.example.com/x?otp=1',
    );
    for (const url of [
      'http://2130706433/',
      'http://0x7f.1/',
      'http://metadata.google.internal/',
      'http://printer.local/',
      'gopher://example.com/',
      'http://a:b@example.com/',
      'not a url',
    ]) {
      expect(() => parseCallbackUrl(url, 'state-callback-url', none)).toThrow();
    }
  });

  it('allows exactly the allow-listed host (and port), nothing that resolves alike', () => {
    const list = new CallbackAllowList('127.0.0.1, receiver.test:8443, [::1]:9000');
    const allows = (url: string) => list.allows(new URL(url));

    expect(allows('http://127.0.0.1:1234/')).toBe(true);
    expect(allows('https://receiver.test:8443/')).toBe(true);
    expect(allows('https://receiver.test/')).toBe(false);
    expect(allows('http://[::1]:9000/')).toBe(true);
    expect(allows('http://localhost:1234/')).toBe(false);
    expect(allows('http://127.0.0.2/')).toBe(false);
  });
});

describe('callback sender', () => {
  let server: http.Server;
  let port: number;
  const received: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string; signed: boolean }> = [];
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      void readBody(req, 65536).then((body) => {
        const verdict = verifySigV4(rawRequest(req, body ?? Buffer.alloc(0)), {
          region: 'eu-west-1',
          service: 'execute-api',
          lookupSecret: (key) => (key === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
        });
        received.push({ url: req.url ?? '', headers: req.headers, body: String(body), signed: verdict.ok });
        if (req.url === '/redirect') {
          res.writeHead(302, { Location: 'http://169.254.169.254/' });
        } else {
          res.writeHead(200);
        }
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sender = (allowList: string | undefined, resolved: string[]) =>
    new HttpCallbackSender({
      allowList: new CallbackAllowList(allowList),
      credentials: async () => credentials,
      region: async () => 'eu-west-1',
      resolve: async () => resolved.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    });
  const packager = (urls: Partial<PackagerRecord>) => ({ id: 'p-1', ...urls }) as PackagerRecord;

  it('posts {id, state} with the original User-Agent, signing only the internal callback', async () => {
    received.length = 0;
    const deliveries = await sender('127.0.0.1', []).send(
      packager({
        stateCallbackUrl: `http://127.0.0.1:${port}/state?otp=1`,
        internalCallbackUrl: `http://127.0.0.1:${port}/internal`,
      }),
      'RUNNING',
    );

    expect(deliveries).toEqual([
      { target: 'state', status: 200 },
      { target: 'internal', status: 200 },
    ]);
    const byUrl = Object.fromEntries(received.map((entry) => [entry.url, entry]));
    expect(JSON.parse(byUrl['/state?otp=1']?.body ?? '')).toEqual({ id: 'p-1', state: 'RUNNING' });
    expect(byUrl['/state?otp=1']?.headers['user-agent']).toBe(USER_AGENT);
    expect(byUrl['/state?otp=1']?.signed).toBe(false);
    expect(byUrl['/internal']?.signed).toBe(true);
  });

  it('refuses a name that resolves to a refused address, even among public ones', async () => {
    received.length = 0;
    const deliveries = await sender(undefined, ['93.184.216.34', '127.0.0.1']).send(
      packager({ stateCallbackUrl: `http://hooks.example.com:${port}/state` }),
      'RUNNING',
    );

    expect(deliveries[0]?.error).toMatch(/refused address/);
    expect(received).toHaveLength(0);
  });

  it('does not follow redirects', async () => {
    received.length = 0;
    const deliveries = await sender('127.0.0.1', []).send(
      packager({ stateCallbackUrl: `http://127.0.0.1:${port}/redirect` }),
      'FAILED',
    );

    expect(deliveries).toEqual([{ target: 'state', status: 302 }]);
    expect(received).toHaveLength(1);
  });
});
