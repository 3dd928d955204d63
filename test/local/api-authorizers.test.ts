import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { startLocalMode, type LocalMode } from '../../lib/local/local-mode';
import { authorizedApiStack } from '../support/authorized-api-stack';
import { request } from '../support/local';

/**
 * Lambda authorizers end to end: a CDK stack built with RestApiFromRoutes (a TOKEN authorizer given as a function,
 * a REQUEST authorizer construct, Pixop-style gateway responses) is synthesized and run in local mode, where the
 * authorizers are real local functions.
 */
describe('Lambda authorizers in local mode', () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-authorizers-'));
  let local: LocalMode;
  let endpoint: string;
  let defaultsEndpoint: string;

  beforeAll(async () => {
    const app = new App({ outdir: path.join(workDir, 'cdk.out') });
    authorizedApiStack(app);
    app.synth();
    local = await startLocalMode({
      port: 0,
      dataDir: path.join(workDir, 'data'),
      cloudAssemblyDir: app.outdir,
      log: () => {},
    });
    endpoint = local.outputs.AuthorizedApi?.ApiEndpoint ?? '';
    defaultsEndpoint = local.outputs.AuthorizedApi?.DefaultsApiEndpoint ?? '';
  });
  afterAll(async () => {
    await local?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

  it('serves the open route to anyone and the IAM route only to a SigV4 caller', async () => {
    const open = await request(`${endpoint}public`);
    const unsigned = await request(`${endpoint}signed`);
    const signed = await request(`${endpoint}signed`, { credentials: local.credentials });

    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/authorized-api\/v1\/$/);
    expect([open.status, unsigned.status, signed.status]).toEqual([200, 403, 200]);
    expect(open.json().authorizer).toBeNull();
    expect(unsigned.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('runs the TOKEN authorizer and hands its principal and context to the integration as strings', async () => {
    const response = await request(`${endpoint}jobs`, bearer('allow-alice'));

    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({
      resource: '/jobs',
      authorizer: {
        principalId: 'alice',
        admin: 'false',
        invocation: expect.stringMatching(/^[0-9a-f-]{36}$/),
        integrationLatency: expect.any(Number),
      },
    });
  });

  it('reuses the cached policy for the same token on another method, and asks again for another token', async () => {
    const first = await request(`${endpoint}jobs`, bearer('allow-carol'));
    const again = await request(`${endpoint}jobs/7`, { method: 'DELETE', ...bearer('allow-carol') });
    const other = await request(`${endpoint}jobs`, bearer('allow-dave'));

    expect([first.status, again.status, other.status]).toEqual([200, 200, 200]);
    expect(again.json().authorizer.invocation).toBe(first.json().authorizer.invocation);
    expect(again.json().pathParameters).toEqual({ id: '7' });
    expect(other.json().authorizer.invocation).not.toBe(first.json().authorizer.invocation);
  });

  it("answers a missing or rejected token with the API's own 401 body", async () => {
    const missing = await request(`${endpoint}jobs`);
    const expired = await request(`${endpoint}jobs`, bearer('expired'));

    for (const response of [missing, expired]) {
      expect(response.status).toBe(401);
      expect(response.json()).toEqual({ exception: 'Unauthorized', errorMessage: 'Unauthorized' });
      expect(response.headers['x-amzn-errortype']).toBe('UnauthorizedException');
    }
  });

  it("answers a Deny with the API's 403 body built from the authorizer's context", async () => {
    const response = await request(`${endpoint}jobs`, bearer('deny-bob'));

    expect(response.status).toBe(403);
    expect(response.json()).toEqual({ exception: 'Forbidden', errorMessage: 'bob may not' });
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['x-amzn-errortype']).toBe('AccessDeniedException');
  });

  it('answers 500 {"message": null} when the authorizer function fails', async () => {
    const log = jest.spyOn(console, 'error').mockImplementation(() => {});

    const response = await request(`${endpoint}jobs`, bearer('crash'));

    log.mockRestore();
    expect(response.status).toBe(500);
    expect(response.text).toBe('{"message":null}');
    expect(response.headers['x-amzn-errortype']).toBe('AuthorizerConfigurationException');
  });

  const tenant = (name: string) => ({ headers: { 'X-Tenant': name } });

  it('runs the REQUEST authorizer with the whole request and refuses a request missing an identity source', async () => {
    const allowed = await request(`${endpoint}tenants/acme?plan=pro`, tenant('acme'));
    const otherTenant = await request(`${endpoint}tenants/acme?plan=pro`, tenant('globex'));
    const noPlan = await request(`${endpoint}tenants/acme`, tenant('acme'));

    expect(allowed.status).toBe(200);
    expect(allowed.json().authorizer).toMatchObject({ principalId: 'tenant:acme', plan: 'pro' });
    expect(otherTenant.status).toBe(403);
    expect(noPlan.status).toBe(401);
    expect(noPlan.json()).toEqual({ exception: 'Unauthorized', errorMessage: 'Unauthorized' });
  });

  it('reuses the REQUEST authorizer result within its TTL for the same identity sources, and asks again for others', async () => {
    const first = await request(`${endpoint}tenants/initech?plan=pro`, tenant('initech'));
    const again = await request(`${endpoint}tenants/initech?plan=pro`, tenant('initech'));
    const otherPlan = await request(`${endpoint}tenants/initech?plan=free`, tenant('initech'));

    expect([first.status, again.status, otherPlan.status]).toEqual([200, 200, 403]);
    expect(again.json().authorizer.invocation).toBe(first.json().authorizer.invocation);
  });

  describe("on an API that keeps API Gateway's default answers", () => {
    it('serves a request both authorizers allow', async () => {
      const token = await request(`${defaultsEndpoint}jobs`, bearer('allow-frank'));
      const tenantRequest = await request(`${defaultsEndpoint}tenants/acme?plan=pro`, tenant('acme'));

      expect(defaultsEndpoint).toMatch(/\/authorized-defaults-api\/v1\/$/);
      expect([token.status, tenantRequest.status]).toEqual([200, 200]);
      expect(token.json().authorizer).toMatchObject({ principalId: 'frank' });
      expect(tenantRequest.json().authorizer).toMatchObject({ principalId: 'tenant:acme' });
    });

    it.each([
      ['the TOKEN authorizer', 'jobs', {}],
      ['the TOKEN authorizer (empty header)', 'jobs', { headers: { Authorization: '' } }],
      ['the REQUEST authorizer (no header)', 'tenants/acme?plan=pro', {}],
      ['the REQUEST authorizer (no query parameter)', 'tenants/acme', tenant('acme')],
    ])(
      'answers 401 {"message":"Unauthorized"} when an identity source of %s is missing',
      async (_name, route, init) => {
        const response = await request(`${defaultsEndpoint}${route}`, init);

        expect(response.status).toBe(401);
        expect(response.json()).toEqual({ message: 'Unauthorized' });
        expect(response.headers['x-amzn-errortype']).toBe('UnauthorizedException');
      },
    );

    it('answers a Deny with 403 and the explicit-deny message', async () => {
      const token = await request(`${defaultsEndpoint}jobs`, bearer('deny-grace'));
      const tenantRequest = await request(`${defaultsEndpoint}tenants/acme?plan=pro`, tenant('globex'));

      for (const response of [token, tenantRequest]) {
        expect(response.status).toBe(403);
        expect(response.json()).toEqual({
          Message: 'User is not authorized to access this resource with an explicit deny',
        });
        expect(response.headers['x-amzn-errortype']).toBe('AccessDeniedException');
      }
    });
  });

  it('authorizes a request whose URL has an empty segment after the stage', async () => {
    const response = await request(`${endpoint}/jobs`, bearer('allow-erin'));

    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ resource: '/jobs', path: '/jobs', authorizer: { principalId: 'erin' } });
  });
});
