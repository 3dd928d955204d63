import {
  Permissions,
  parsePrincipalGrants,
  principalMatches,
  principalNames,
} from '../../../lambdas/m2a-mediapackage/domain/permissions';

describe('permissions', () => {
  const account = '04a490e5-0f84-41d5-8cee-ace0ba7bfb85';

  it('grants per permission, resource type and conditions on the resource', () => {
    const permissions = new Permissions([
      { permission: 'read', resourceType: 'packager' },
      { permission: 'write', resourceType: 'packager', conditions: { 'target-account-id': [account] } },
    ]);

    expect(permissions.allows('read', 'packager', { 'target-account-id': 'other' })).toBe(true);
    expect(permissions.allows('write', 'packager', { 'target-account-id': account })).toBe(true);
    expect(permissions.allows('write', 'packager', { 'target-account-id': 'other' })).toBe(false);
    expect(permissions.allows('write', 'template', { 'target-account-id': account })).toBe(false);
    expect(() => permissions.require('write', 'packager', {})).toThrow(/lacks the 'write' permission/);
  });

  it('matches principals as IAM does, and a role session by its role', () => {
    expect(principalMatches('arn:aws:iam::123456789012:role/Ops*', 'arn:aws:iam::123456789012:role/OpsTeam')).toBe(
      true,
    );
    expect(principalMatches('arn:aws:iam::123456789012:role/Ops', 'arn:aws:iam::123456789012:role/OpsTeam')).toBe(
      false,
    );
    expect(principalMatches('arn:aws:iam::12345678901?:user/a', 'arn:aws:iam::123456789012:user/a')).toBe(true);
    expect(principalNames('arn:aws:sts::123456789012:assumed-role/Ops/alice')).toEqual([
      'arn:aws:sts::123456789012:assumed-role/Ops/alice',
      'arn:aws:iam::123456789012:role/Ops',
    ]);
  });

  it('reads the deploy-time shape and refuses a malformed one loudly', () => {
    expect(
      parsePrincipalGrants(
        '{"arn:aws:iam::1:user/a":[{"permission":"read","resource-type":"template","conditions":{"region":["eu-west-1"]}}]}',
      ),
    ).toEqual([
      {
        principal: 'arn:aws:iam::1:user/a',
        grants: [{ permission: 'read', resourceType: 'template', conditions: { region: ['eu-west-1'] } }],
      },
    ]);
    expect(parsePrincipalGrants(undefined)).toEqual([]);
    expect(() => parsePrincipalGrants('{"a":[{"permission":"admin","resource-type":"packager"}]}')).toThrow(
      /read or write/,
    );
    expect(() =>
      parsePrincipalGrants('{"a":[{"permission":"read","resource-type":"packager","conditions":{"colour":["x"]}}]}'),
    ).toThrow(/unknown condition/);
  });
});
