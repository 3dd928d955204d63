import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  ListUsersCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  type GroupType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PoolUser, UserDirectory } from '../domain/console-ports';
import { ServiceRefusal } from '../domain/errors';

/** Cognito's answers for one user that are the caller's business, not a fault of ours. */
const USER_ERRORS = new Set([
  'InvalidParameterException',
  'ResourceNotFoundException',
  'UserNotFoundException',
  'UsernameExistsException',
  'AliasExistsException',
  'InvalidPasswordException',
  'UnsupportedUserStateException',
  'CodeDeliveryFailureException',
]);

/** The deployment's Cognito user pool. */
export class CognitoUsers implements UserDirectory {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async list(): Promise<PoolUser[]> {
    const users: PoolUser[] = [];
    let paginationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListUsersCommand({ UserPoolId: this.userPoolId, Limit: 60, PaginationToken: paginationToken }),
      );
      const found = await Promise.all(
        (page.Users ?? []).map(async (user) => ({
          username: user.Username ?? '',
          email: attribute(user.Attributes, 'email'),
          status: user.UserStatus,
          enabled: user.Enabled,
          lastModified: user.UserLastModifiedDate,
          groups: await this.groupsOf(user.Username ?? ''),
        })),
      );
      users.push(...found);
      paginationToken = page.PaginationToken;
    } while (paginationToken);
    return users;
  }

  async addToGroup(user: { username: string; email: string; group: string }): Promise<PoolUser> {
    return userErrors(async () => {
      let created: PoolUser;
      try {
        const { User } = await this.client.send(
          new AdminCreateUserCommand({
            UserPoolId: this.userPoolId,
            Username: user.username,
            DesiredDeliveryMediums: ['EMAIL'],
            UserAttributes: [
              { Name: 'email', Value: user.email },
              { Name: 'email_verified', Value: 'true' },
            ],
          }),
        );
        created = {
          username: User?.Username ?? user.username,
          email: attribute(User?.Attributes, 'email'),
          status: User?.UserStatus,
          enabled: User?.Enabled,
          lastModified: User?.UserLastModifiedDate,
          groups: [],
        };
      } catch (error) {
        // As the original: a taken name means the user exists; it is added to the group as it is.
        if ((error as Error).name !== 'UsernameExistsException') throw error;
        const existing = await this.client.send(
          new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: user.username }),
        );
        created = {
          username: existing.Username ?? user.username,
          email: attribute(existing.UserAttributes, 'email'),
          status: existing.UserStatus,
          enabled: existing.Enabled,
          lastModified: existing.UserLastModifiedDate,
          groups: [],
        };
      }
      await this.client.send(
        new AdminAddUserToGroupCommand({
          UserPoolId: this.userPoolId,
          Username: created.username,
          GroupName: user.group,
        }),
      );
      return { ...created, groups: [user.group] };
    });
  }

  async remove(username: string): Promise<boolean> {
    try {
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: username }));
      return true;
    } catch (error) {
      if ((error as Error).name === 'UserNotFoundException') return false;
      throw error;
    }
  }

  private async groupsOf(username: string): Promise<string[]> {
    const groups: GroupType[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new AdminListGroupsForUserCommand({ UserPoolId: this.userPoolId, Username: username, NextToken: nextToken }),
      );
      groups.push(...(page.Groups ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return groups
      .sort((a, b) => (a.Precedence ?? Number.MAX_SAFE_INTEGER) - (b.Precedence ?? Number.MAX_SAFE_INTEGER))
      .map((group) => group.GroupName ?? '')
      .filter((name) => name !== '');
  }
}

function attribute(attributes: readonly AttributeType[] | undefined, name: string): string | undefined {
  return attributes?.find((entry) => entry.Name === name)?.Value;
}

async function userErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const { name, message } = error as Error;
    if (USER_ERRORS.has(name)) throw new ServiceRefusal(name, message, 400);
    throw error;
  }
}
