import { DATAPLANE_ROUTES } from '../../../lambdas/media-insights/dataplane/routes';
import { DATAPLANE_ENV } from './support';

describe('DATAPLANE_ROUTES', () => {
  it('lists each method and resource once', () => {
    // Prepare
    const keys = DATAPLANE_ROUTES.map((route) => `${route.method} ${route.path}`);

    // Act
    const distinct = new Set(keys);

    // Assess
    expect(distinct.size).toBe(keys.length);
  });

  it('serves only GET / without authentication, as the original does', () => {
    // Prepare
    const open = DATAPLANE_ROUTES.filter((route) => route.auth === 'none');

    // Act
    const keys = open.map((route) => `${route.method} ${route.path}`);

    // Assess
    expect(keys).toEqual(['GET /']);
  });

  it('has a handler for every listed route and no handler for an unlisted one', async () => {
    // Prepare: the handler module reads its configuration when it loads
    Object.assign(process.env, DATAPLANE_ENV, {
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    const { routes } = await import('../../../lambdas/media-insights/dataplane/handler');

    // Act
    const handled = Object.keys(routes).sort();

    // Assess
    expect(handled).toEqual(DATAPLANE_ROUTES.map((route) => `${route.method} ${route.path}`).sort());
  });
});
