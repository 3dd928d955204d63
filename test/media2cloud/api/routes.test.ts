import { MEDIA2CLOUD_ROUTES } from '../../../lambdas/media2cloud/routes';
import { apiEvent } from '../../media-insights/dataplane/support';
import { MEDIA2CLOUD_ENV, expectError, startMedia2CloudTestbed, type Media2CloudTestbed } from './support';

describe('MEDIA2CLOUD_ROUTES', () => {
  it('lists each method and resource once', () => {
    // Prepare
    const keys = MEDIA2CLOUD_ROUTES.map((route) => `${route.method} ${route.path}`);

    // Act
    const distinct = new Set(keys);

    // Assess
    expect(distinct.size).toBe(keys.length);
  });

  it('protects every route with SigV4 and asks for CORS on each, as the original does', () => {
    // Prepare
    const routes = [...MEDIA2CLOUD_ROUTES];

    // Act
    const open = routes.filter((route) => route.auth !== 'iam' || !route.cors);

    // Assess
    expect(open).toEqual([]);
  });
});

describe('the Media2Cloud API handler module', () => {
  let bed: Media2CloudTestbed;

  beforeAll(async () => {
    // The testbed starts the engines and sets the environment the module reads when it loads.
    bed = await startMedia2CloudTestbed();
  });

  afterAll(async () => {
    await bed.stop();
  });

  it('has a handler for every listed route and none for an unlisted one', async () => {
    // Prepare
    const { routes } = await import('../../../lambdas/media2cloud/api/handler');

    // Act
    const handled = Object.keys(routes).sort();

    // Assess
    expect(handled).toEqual(MEDIA2CLOUD_ROUTES.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('serves requests on the clients it builds from the environment', async () => {
    // Prepare
    const { handler } = await import('../../../lambdas/media2cloud/api/handler');
    const uuid = 'cccccccc-0000-4000-8000-000000000001';
    await bed.putRecord({ uuid, key: 'a.mp4', bucket: MEDIA2CLOUD_ENV.INGEST_BUCKET });

    // Act
    const response = await handler(apiEvent({ resource: '/assets/{uuid}', pathParameters: { uuid } }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ uuid, key: 'a.mp4', bucket: MEDIA2CLOUD_ENV.INGEST_BUCKET });
  });

  it('answers an unlisted method on a listed resource with 405 and an unknown resource with 404', async () => {
    // Prepare
    const put = { resource: '/assets', method: 'PUT' };
    const unknown = { resource: '/no-such-operation' };

    // Act
    const notAllowed = await bed.api(put);
    const notFound = await bed.api(unknown);

    // Assess
    expectError(notAllowed, 405, 'MethodNotAllowedError', 'Method PUT is not allowed on /assets');
    expectError(notFound, 404, 'NotFoundError', 'No route for GET /no-such-operation');
  });

  it("sends the original's CORS headers with answers and errors alike", async () => {
    // Prepare
    const call = { resource: '/assets/{uuid}', pathParameters: { uuid: 'bad' } };

    // Act
    const response = await bed.api(call);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/json',
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'POST, GET, DELETE, OPTIONS',
    });
  });
});
