import { parseTemplateCreate } from '../../../lambdas/m2a-mediapackage/domain/templates';

describe('template documents', () => {
  const owner = '04a490e5-0f84-41d5-8cee-ace0ba7bfb85';

  it('takes a template without a description or config', () => {
    const draft = parseTemplateCreate({
      data: { type: 'template', attributes: { resource_name: 'Plain', metadata: { owner }, mediapackage: {} } },
    });

    expect(draft).toEqual({
      owner,
      resourceName: 'Plain',
      description: null,
      mediapackage: { config: [] },
      labels: {},
    });
  });

  it('refuses names with surrounding spaces, duplicate config names and unknown config types', () => {
    const document = (attributes: Record<string, unknown>) => ({
      data: {
        type: 'template',
        attributes: { resource_name: 'T', metadata: { owner }, mediapackage: {}, ...attributes },
      },
    });

    expect(() => parseTemplateCreate(document({ resource_name: ' T' }))).toThrow(/surrounding spaces/);
    expect(() => parseTemplateCreate(document({ mediapackage: { config: [{ name: 'a' }, { name: 'a' }] } }))).toThrow(
      /declared twice/,
    );
    expect(() => parseTemplateCreate(document({ mediapackage: { config: [{ name: 'a', type: 'date' }] } }))).toThrow(
      /config type/,
    );
    expect(() => parseTemplateCreate(document({ metadata: {} }))).toThrow(/owner is required/);
  });
});
