import aws4 from 'aws4';
import { Principals } from '../../../lib/local/principals';
import { startAwsEndpoint, type RunningEndpoint } from '../../../lib/local/protocol/endpoint';
import { queryProtocol } from '../../../lib/local/protocol/query';
import { restRouter } from '../../../lib/local/protocol/rest';
import { AwsError, jsonResponse } from '../../../lib/local/protocol/wire';
import { TEST_CREDENTIALS } from '../../support/modules';

const ACCOUNT = '000000000000';

describe('AWS protocol front end', () => {
  const principals = new Principals([
    { ...TEST_CREDENTIALS, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/test`, userId: 'AIDATEST' },
  ]);
  let rest: RunningEndpoint;
  let query: RunningEndpoint;

  beforeAll(async () => {
    rest = await startAwsEndpoint(
      {
        protocol: 'rest-json',
        signingName: 'widgets',
        region: 'us-east-1',
        principals,
        handle: restRouter([
          {
            method: 'GET',
            path: '/widgets/{WidgetId}',
            handle: (request) =>
              request.params.WidgetId === 'missing'
                ? Promise.reject(new AwsError('NotFoundException', 'no such widget', 404))
                : jsonResponse(200, { id: request.params.WidgetId, caller: request.principal.arn }, request.requestId),
          },
        ]),
      },
      0,
    );
    query = await startAwsEndpoint(
      {
        protocol: 'query',
        xmlNamespace: 'https://widgets.amazonaws.com/doc/2011-06-15/',
        signingName: 'sts',
        region: 'us-east-1',
        principals,
        handle: queryProtocol({
          xmlNamespace: 'https://widgets.amazonaws.com/doc/2011-06-15/',
          operations: { WhoAmI: (_params, request) => `<Arn>${request.principal.arn}</Arn>` },
        }),
      },
      0,
    );
  });

  afterAll(async () => {
    await rest.close();
    await query.close();
  });

  function signed(
    endpoint: string,
    options: { method?: string; path: string; body?: string; service: string; headers?: Record<string, string> },
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | null = TEST_CREDENTIALS,
  ) {
    const url = new URL(endpoint);
    const request = {
      host: url.host,
      method: options.method ?? 'GET',
      path: options.path,
      service: options.service,
      region: 'us-east-1',
      headers: { ...options.headers },
      body: options.body,
    };
    const headers = credentials ? aws4.sign(request, credentials).headers : request.headers;
    return fetch(`${endpoint}${options.path}`, {
      method: request.method,
      headers: headers as Record<string, string>,
      body: options.body,
    });
  }

  it('routes a signed REST-JSON request and tells the handler who signed it', async () => {
    // Act
    const response = await signed(rest.endpoint, { path: '/widgets/w-1', service: 'widgets' });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'w-1', caller: `arn:aws:iam::${ACCOUNT}:user/test` });
  });

  it('answers REST-JSON errors with x-amzn-ErrorType and a message body', async () => {
    // Act
    const response = await signed(rest.endpoint, { path: '/widgets/missing', service: 'widgets' });

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('NotFoundException');
    expect(await response.json()).toEqual({ message: 'no such widget' });
  });

  it('refuses REST-JSON requests signed for another service or not at all with 403', async () => {
    // Act
    const otherService = await signed(rest.endpoint, { path: '/widgets/w-1', service: 'gadgets' });
    const unsigned = await signed(rest.endpoint, { path: '/widgets/w-1', service: 'widgets' }, null);

    // Assess
    expect(otherService.status).toBe(403);
    expect(otherService.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });

  it('accepts temporary credentials only with their session token, and not after they expire', async () => {
    // Prepare
    const session = principals.issueTemporary({
      accountId: ACCOUNT,
      roleName: 'packager',
      roleId: 'AROAEXAMPLEROLEID0001',
      sessionName: 'p-1',
      durationSeconds: 900,
    });
    const expired = principals.issueTemporary({
      accountId: ACCOUNT,
      roleName: 'packager',
      roleId: 'AROAEXAMPLEROLEID0001',
      sessionName: 'p-2',
      durationSeconds: 1,
      now: Date.now() - 10_000,
    });

    // Act
    const withToken = await signed(rest.endpoint, { path: '/widgets/w-2', service: 'widgets' }, session);
    const withoutToken = await signed(
      rest.endpoint,
      { path: '/widgets/w-2', service: 'widgets' },
      {
        accessKeyId: session.accessKeyId,
        secretAccessKey: session.secretAccessKey,
      },
    );
    const afterExpiry = await signed(rest.endpoint, { path: '/widgets/w-2', service: 'widgets' }, expired);

    // Assess
    expect(withToken.status).toBe(200);
    expect(((await withToken.json()) as { caller: string }).caller).toBe(
      `arn:aws:sts::${ACCOUNT}:assumed-role/packager/p-1`,
    );
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException');
    expect(afterExpiry.status).toBe(403);
  });

  it('answers the query protocol in XML, and its auth failures with the query error codes', async () => {
    // Act
    const ok = await signed(query.endpoint, {
      method: 'POST',
      path: '/',
      service: 'sts',
      body: 'Action=WhoAmI&Version=2011-06-15',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const wrongSecret = await signed(
      query.endpoint,
      {
        method: 'POST',
        path: '/',
        service: 'sts',
        body: 'Action=WhoAmI&Version=2011-06-15',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      },
      { ...TEST_CREDENTIALS, secretAccessKey: 'wrong' },
    );
    const unknownAction = await signed(query.endpoint, {
      method: 'POST',
      path: '/',
      service: 'sts',
      body: 'Action=Teleport&Version=2011-06-15',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });

    // Assess
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain(
      `<WhoAmIResponse xmlns="https://widgets.amazonaws.com/doc/2011-06-15/"><WhoAmIResult><Arn>arn:aws:iam::${ACCOUNT}:user/test</Arn></WhoAmIResult>`,
    );
    expect(wrongSecret.status).toBe(403);
    expect(await wrongSecret.text()).toMatch(/<Type>Sender<\/Type><Code>SignatureDoesNotMatch<\/Code>/);
    expect(unknownAction.status).toBe(400);
    expect(await unknownAction.text()).toMatch(/<Code>InvalidAction<\/Code>/);
  });
});
