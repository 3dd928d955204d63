import { createHash } from 'node:crypto';
import { startAwsEndpoint } from '../protocol/endpoint';
import { jsonRpc } from '../protocol/json-rpc';
import type { LocalService, LocalServiceModule } from '../service-module';
import { UserPools } from './user-pools';

const JSON_1_1 = 'application/x-amz-json-1.1';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A user pool id as Cognito spells it (`<region>_<9 letters and digits>`), derived from the stack and logical id so
 * that the same template gets the same pool, and its users, after a restart.
 */
function userPoolId(region: string, stackName: string, logicalId: string): string {
  const digest = createHash('sha256').update(`${stackName}/${logicalId}`).digest();
  let suffix = '';
  for (let index = 0; index < 9; index++) suffix += ALPHANUMERIC[digest[index]! % ALPHANUMERIC.length];
  return `${region}_${suffix}`;
}

/**
 * Amazon Cognito user pools (`cognito-idp`, JSON 1.1): the pools and groups of the templates, and the user
 * administration calls an application makes — create, get, list and delete users, their groups. No message is sent:
 * an invited user's temporary password would go by email, which local mode does not deliver.
 */
export const cognitoModule: LocalServiceModule = {
  name: 'cognito',
  listens: true,
  endpointVariable: 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
  outputKey: 'CognitoIdentityProviderEndpoint',
  resourceTypes: {
    'AWS::Cognito::UserPool': {
      physicalId: ({ region, stackName, logicalId }) => userPoolId(region, stackName, logicalId),
      arn: ({ name, region, accountId }) => `arn:aws:cognito-idp:${region}:${accountId}:userpool/${name}`,
      attributes: {
        UserPoolId: ({ name }) => name,
        ProviderName: ({ name, region }) => `cognito-idp.${region}.amazonaws.com/${name}`,
        ProviderURL: ({ name, region }) => `https://cognito-idp.${region}.amazonaws.com/${name}`,
      },
    },
    'AWS::Cognito::UserPoolGroup': {
      physicalId: ({ explicit, generated }) => explicit('GroupName') ?? generated.slice(0, 128),
    },
  },
  async start({ cloud, directory, port }): Promise<LocalService> {
    const pools = new UserPools(directory);
    const running = await startAwsEndpoint(
      {
        protocol: 'json',
        jsonContentType: JSON_1_1,
        signingName: 'cognito-idp',
        region: cloud.region,
        principals: cloud.principals,
        handle: jsonRpc({
          targetPrefix: 'AWSCognitoIdentityProviderService',
          contentType: JSON_1_1,
          operations: {
            AdminCreateUser: (input) => pools.adminCreateUser(input),
            AdminGetUser: (input) => pools.adminGetUser(input),
            AdminDeleteUser: (input) => pools.adminDeleteUser(input),
            AdminAddUserToGroup: (input) => pools.adminAddUserToGroup(input),
            AdminRemoveUserFromGroup: (input) => pools.adminRemoveUserFromGroup(input),
            AdminListGroupsForUser: (input) => pools.adminListGroupsForUser(input),
            ListGroups: (input) => pools.listGroups(input),
            ListUsers: (input) => pools.listUsers(input),
          },
        }),
      },
      port,
    );
    return {
      endpoint: running.endpoint,
      deploy({ resolver, logicalId, resource }) {
        const props = (resolver.resolve(resource.Properties ?? {}) ?? {}) as Record<string, unknown>;
        if (resource.Type === 'AWS::Cognito::UserPool') {
          const id = resolver.physicalId(logicalId);
          const usernames = (props.UsernameConfiguration ?? {}) as Record<string, unknown>;
          pools.deployPool({
            id,
            arn: resolver.arn(logicalId),
            name: typeof props.UserPoolName === 'string' ? props.UserPoolName : logicalId,
            // CloudFormation's default for a pool without UsernameConfiguration: case sensitive.
            caseSensitive: usernames.CaseSensitive !== false && usernames.CaseSensitive !== 'false',
          });
          return;
        }
        pools.deployGroup({
          userPoolId: String(props.UserPoolId),
          name: resolver.physicalId(logicalId),
          description: typeof props.Description === 'string' ? props.Description : undefined,
          precedence: props.Precedence === undefined ? undefined : Number(props.Precedence),
        });
      },
      close: () => running.close(),
    };
  },
};
