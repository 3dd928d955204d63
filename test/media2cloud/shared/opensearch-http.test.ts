import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import * as net from 'node:net';
import { verifySigV4 } from '../../../lib/local/apigateway/sigv4';
import { rawRequest } from '../../../lib/local/http-request';
import { SignedOpenSearchClient } from '../../../lambdas/media2cloud/shared/opensearch-http';

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** `valid`, or the error type of the failed SigV4 check for the given service. */
  readonly signature: string;
}

/** Records each request, checks its signature for `service`, and answers `reply` (or stays silent). */
async function startEndpoint(
  service: string,
  reply: { status: number; body: string } | 'silent',
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const raw = rawRequest(request, body);
    const verified = verifySigV4(raw, {
      region: REGION,
      service,
      lookupSecret: (id) => (id === CREDENTIALS.accessKeyId ? CREDENTIALS.secretAccessKey : undefined),
    });
    received.push({
      method: request.method!,
      url: request.url!,
      headers: request.headers,
      body: body.toString('utf8'),
      signature: verified.ok ? 'valid' : verified.errorType,
    });
    if (reply === 'silent') return;
    response.writeHead(reply.status, { 'content-type': 'application/json' });
    response.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, received };
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('SignedOpenSearchClient', () => {
  it('sends a signed JSON request below the endpoint path, with the query, and reads the answer', async () => {
    // Prepare
    const endpoint = await startEndpoint('es', { status: 201, body: '{"result":"created"}' });
    const client = new SignedOpenSearchClient({
      endpoint: `${endpoint.url}/domain/`,
      region: async () => REGION,
      credentials: async () => ({ ...CREDENTIALS, sessionToken: 'session' }),
    });

    // Act
    const response = await client.request('PUT', '/content/_doc/a%2Fb', {
      query: { refresh: 'true' },
      body: { name: 'Café' },
    });
    await close(endpoint.server);

    // Assess
    expect(response.status).toBe(201);
    expect(response.text).toBe('{"result":"created"}');
    expect(response.json()).toEqual({ result: 'created' });
    const [sent] = endpoint.received;
    expect(sent).toMatchObject({
      method: 'PUT',
      url: '/domain/content/_doc/a%2Fb?refresh=true',
      body: '{"name":"Café"}',
      signature: 'valid',
    });
    expect(sent!.headers).toMatchObject({
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength('{"name":"Café"}')),
      'x-amz-security-token': 'session',
      'x-amz-content-sha256': createHash('sha256').update('{"name":"Café"}').digest('hex'),
    });
  });

  it('sends no body headers without a body, signed for the given service', async () => {
    // Prepare
    const endpoint = await startEndpoint('aoss', { status: 404, body: 'not json' });
    const client = new SignedOpenSearchClient({
      endpoint: endpoint.url,
      region: REGION,
      credentials: CREDENTIALS,
      service: 'aoss',
    });

    // Act
    const response = await client.request('GET', '/content/_doc/x');
    await close(endpoint.server);

    // Assess
    expect(response.status).toBe(404);
    expect(() => response.json()).toThrow(SyntaxError);
    const [sent] = endpoint.received;
    expect(sent).toMatchObject({ method: 'GET', url: '/content/_doc/x', body: '', signature: 'valid' });
    expect(sent!.headers['x-amz-content-sha256']).toBe(createHash('sha256').update('').digest('hex'));
    expect(sent!.headers).not.toHaveProperty('content-type');
    expect(sent!.headers).not.toHaveProperty('content-length');
  });

  it('assumes https for a bare host name', async () => {
    // Prepare: a TLS handshake starts with a handshake record (0x16) of TLS 1.x (0x03).
    const firstBytes: Buffer[] = [];
    const tls = net.createServer((socket) =>
      socket.once('data', (chunk: Buffer) => {
        firstBytes.push(chunk);
        socket.destroy();
      }),
    );
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const client = new SignedOpenSearchClient({
      endpoint: `127.0.0.1:${(tls.address() as net.AddressInfo).port}`,
      region: REGION,
      credentials: CREDENTIALS,
    });

    // Act
    const requesting = client.request('GET', '/content/_doc/x');
    await expect(requesting).rejects.toThrow();
    await close(tls);

    // Assess
    expect(firstBytes.map((bytes) => [bytes[0], bytes[1]])).toEqual([[0x16, 0x03]]);
  });

  it('fails a request that gets no answer within the timeout', async () => {
    // Prepare
    const endpoint = await startEndpoint('es', 'silent');
    const client = new SignedOpenSearchClient({
      endpoint: endpoint.url,
      region: REGION,
      credentials: CREDENTIALS,
      timeoutMs: 100,
    });

    // Act
    const requesting = client.request('POST', '/content/_search', { body: {} });

    // Assess
    await expect(requesting).rejects.toThrow('OpenSearch POST /content/_search did not answer within 100 ms');
    endpoint.server.closeAllConnections();
    await close(endpoint.server);
  });
});
