import {
  signLikeBotocore,
  signLikeRequestsAws4Auth,
  signPathAsSent,
  signWithAws4,
  signWithSdk,
  type Signer,
} from '../support/signers';
import { request, startTestLocalMode, type TestLocalMode } from '../support/local';

/**
 * URLs built the way the originals' own clients build them: the Media Insights integration tests append '/create'
 * to an endpoint that ends in '/api/', so the request goes to '/api//create'. API Gateway serves the route; so must
 * local mode, whoever signed the request.
 */
describe('API Gateway paths with empty segments, through local mode', () => {
  let env: TestLocalMode;

  beforeAll(async () => {
    env = await startTestLocalMode();
  });
  afterAll(async () => {
    await env.stop();
  });

  /** Sends `url` exactly as given, signed by `signer`. */
  async function send(signer: Signer, method: string, url: string, body?: object) {
    const target = new URL(url);
    const rawPath = url.slice(target.origin.length).split('?')[0] ?? '/';
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers = await signer({
      method,
      host: target.host,
      path: rawPath,
      body: text,
      headers: text === undefined ? {} : { 'content-type': 'application/json' },
      credentials: env.local.credentials,
    });
    return request(url, { method, body: text, headers });
  }

  describe.each([
    ['aws4', signWithAws4],
    ['the AWS SDK v3 signer', signWithSdk],
    ["Python's requests_aws4auth (reproduced)", signLikeRequestsAws4Auth],
    ['botocore (reproduced; the AWS CLI and boto3)', signLikeBotocore],
    ['a signer that signs the path as sent', signPathAsSent],
  ])('signed by %s', (_name, signer) => {
    it("creates a Media Insights asset at endpoint + '/create' (…/api//create)", async () => {
      const endpoint = env.local.outputs.MediaInsights?.DataplaneApiEndpoint ?? '';

      const response = await send(signer, 'POST', `${endpoint}/create`, {
        Input: { MediaType: 'Video', S3Bucket: 'media', S3Key: 'slashes.mp4' },
      });

      expect(endpoint).toMatch(/\/api\/$/);
      expect(response.status).toBe(200);
      expect(response.json().AssetId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("lists Media Insights operators at endpoint + '/workflow/operation' (…/api//workflow/operation)", async () => {
      const endpoint = env.local.outputs.MediaInsights?.WorkflowApiEndpoint ?? '';

      const response = await send(signer, 'GET', `${endpoint}/workflow/operation`);

      expect(response.status).toBe(200);
      expect(Array.isArray(response.json())).toBe(true);
    });

    it('lists Media2Cloud assets at …/demo//assets', async () => {
      const endpoint = env.local.outputs.Media2Cloud?.ApiEndpoint ?? '';

      const response = await send(signer, 'GET', `${endpoint}//assets`);

      expect(endpoint).toMatch(/\/demo$/);
      expect(response.status).toBe(200);
      expect(response.json()).toHaveProperty('Items');
    });
  });

  it('still refuses an unsigned request to …/api//create', async () => {
    const endpoint = env.local.outputs.MediaInsights?.DataplaneApiEndpoint ?? '';

    const response = await request(`${endpoint}/create`, { method: 'POST', body: {} });

    expect(response.status).toBe(403);
    expect(response.json()).toEqual({ message: 'Missing Authentication Token' });
  });
});
