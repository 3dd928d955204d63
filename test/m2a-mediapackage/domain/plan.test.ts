import { planResources } from '../../../lambdas/m2a-mediapackage/domain/plan';
import { parseMediapackageBlock, type TemplateRecord } from '../../../lambdas/m2a-mediapackage/domain/templates';

const packager = {
  id: '46106fd4-f16f-4f0f-a8a0-9c34e78b9ada',
  targetAccountId: '04a490e5-0f84-41d5-8cee-ace0ba7bfb85',
  organisationId: '00000000-0000-0000-0000-00000000000a',
  configuration: { template: 'T', config: [{ name: 'window', value: 30 }] },
};
const template = (mediapackage: unknown): TemplateRecord => ({
  id: 't-1',
  owner: packager.targetAccountId,
  resourceName: 'T',
  description: null,
  mediapackage: parseMediapackageBlock(mediapackage),
  labels: {},
  state: 'ACTIVE',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 1,
});
const WINDOW = [{ name: 'window', type: 'integer' }];
const plan = (mediapackage: unknown) =>
  planResources({ packager, template: template(mediapackage), awsAccountId: '123456789012', cloudEnv: 'prod' });

describe('MediaPackage plan', () => {
  it("derives ids from the packager, ties endpoints to the channel and puts the m2a tags over the template's", () => {
    const result = plan({
      channel: { Id: 'mine', Tags: { 'm2a:packager-id': 'spoofed', team: 'live' } },
      origin_endpoints: [
        { Id: 'x', ChannelId: 'y', HlsPackage: { PlaylistWindowSeconds: '{{config:window}}' } },
        { DashPackage: {}, Tags: { kind: 'dash' } },
      ],
      config: [{ name: 'window', type: 'integer' }],
    });

    expect(result.channel.Id).toBe(packager.id);
    expect(result.channel.Tags).toMatchObject({
      'm2a:packager-id': packager.id,
      team: 'live',
      'm2a:cloud-env': 'prod',
    });
    expect(result.originEndpoints.map((endpoint) => [endpoint.Id, endpoint.ChannelId])).toEqual([
      [`${packager.id}-0-hls`, packager.id],
      [`${packager.id}-1-dash`, packager.id],
    ]);
    expect(result.originEndpoints[0]?.HlsPackage).toEqual({ PlaylistWindowSeconds: 30 });
    expect(result.originEndpoints[1]?.Tags).toMatchObject({ kind: 'dash', 'm2a:template': 'T' });
  });

  it('refuses rendered members of the wrong type, members MediaPackage does not have, and non-string tags', () => {
    expect(() =>
      plan({ origin_endpoints: [{ HlsPackage: { SegmentDurationSeconds: '{{m2a:cloud_env}}' } }], config: WINDOW }),
    ).toThrow(/SegmentDurationSeconds must be an integer/);
    expect(() => plan({ origin_endpoints: [{ HlsPackage: { Segments: 2 } }], config: WINDOW })).toThrow(
      /not a MediaPackage member/,
    );
    expect(() => plan({ channel: { Tags: { n: '{{config:window}}' } }, config: WINDOW })).toThrow(
      /Tag "n" must be a string/,
    );
    expect(() => plan({ origin_endpoints: [{ HlsPackage: {}, Origination: 'MAYBE' }], config: WINDOW })).toThrow(
      /ALLOW or DENY/,
    );
  });
});
