import {
  SERVICE_PROXY_ROUTES,
  WORKFLOW_API_ROUTES,
  WORKFLOW_ROUTES,
} from '../../../../lambdas/media-insights/workflow/routes';
import { createServiceProxyRoutes, createWorkflowRoutes } from '../../../../lambdas/media-insights/workflow/api/app';
import type { ServiceProxy } from '../../../../lambdas/media-insights/workflow/api/service-proxy';
import type { WorkflowControlPlane } from '../../../../lambdas/media-insights/workflow/api/control-plane';

describe('WORKFLOW_ROUTES', () => {
  it('declares each method and resource once', () => {
    // Act
    const keys = WORKFLOW_ROUTES.map((route) => `${route.method} ${route.path}`);

    // Assess
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('has a handler for exactly the declared routes', () => {
    // Prepare: building the table calls nothing on the control plane
    const routes = createWorkflowRoutes({} as WorkflowControlPlane);

    // Act
    const handled = Object.keys(routes).sort();

    // Assess
    expect(handled).toEqual(WORKFLOW_ROUTES.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('leaves only GET / open and without CORS, as the original', () => {
    // Act
    const open = WORKFLOW_ROUTES.filter((route) => route.auth !== 'iam' || !route.cors);

    // Assess
    expect(open).toEqual([{ method: 'GET', path: '/', auth: 'none', cors: false }]);
  });

  it("uses the original's lower-case path parameter names", () => {
    // Act
    const parameters = new Set(WORKFLOW_ROUTES.flatMap((route) => route.path.match(/\{[^}]+\}/g) ?? []));

    // Assess
    expect([...parameters].sort()).toEqual([
      '{asset_id}',
      '{id}',
      '{name}',
      '{operator_name}',
      '{stage_name}',
      '{status}',
    ]);
  });

  it("serves the original's 17 Transcribe and Translate proxies, signed, listings as GET and the rest as POST", () => {
    // Prepare: building the table calls nothing on the proxy
    const routes = createServiceProxyRoutes({} as ServiceProxy);

    // Act
    const handled = Object.keys(routes).sort();
    const keys = WORKFLOW_API_ROUTES.map((route) => `${route.method} ${route.path}`);

    // Assess
    expect(handled).toEqual(SERVICE_PROXY_ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    expect(handled).toHaveLength(17);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of SERVICE_PROXY_ROUTES) {
      expect(route).toMatchObject({ auth: 'iam', cors: true });
      expect(route.method).toBe(/\/list_/.test(route.path) ? 'GET' : 'POST');
    }
  });
});
