import type { LocalServiceModule } from '../service-module';

/**
 * IAM: roles and policies are named and given ARNs as CloudFormation gives them, so functions, state machines and
 * outputs read the values they would in AWS. Local mode does not evaluate IAM policies: every request signed with a
 * local key is allowed by IAM (backends that check callers themselves still do); see docs/compatibility.md.
 */
export const iamModule: LocalServiceModule = {
  name: 'iam',
  resourceTypes: {
    'AWS::IAM::Role': {
      physicalId: ({ explicit, generated }) => explicit('RoleName') ?? generated.slice(0, 64),
      arn: ({ name, accountId, property }) => `arn:aws:iam::${accountId}:role${rolePath(property('Path'))}${name}`,
      attributes: {
        // Role ids are `AROA` and 17 characters; derived from the name so a restart gives the same id.
        RoleId: ({ name }) =>
          `AROA${name
            .toUpperCase()
            .replace(/[^A-Z0-9]/g, '')
            .slice(0, 17)}`,
      },
    },
    'AWS::IAM::Policy': {},
    'AWS::IAM::ManagedPolicy': {
      // A managed policy's Ref is its ARN.
      physicalId: ({ explicit, generated, accountId }) =>
        `arn:aws:iam::${accountId}:policy/${explicit('ManagedPolicyName') ?? generated.slice(0, 128)}`,
    },
    'AWS::IAM::InstanceProfile': {
      physicalId: ({ explicit, generated }) => explicit('InstanceProfileName') ?? generated.slice(0, 128),
      arn: ({ name, accountId }) => `arn:aws:iam::${accountId}:instance-profile/${name}`,
    },
  },
};

function rolePath(path: unknown): string {
  return typeof path === 'string' && path.startsWith('/') ? path : '/';
}
