import { invalid, notFound, ServiceRefusal } from './errors';
import type { PoolUser, UserDirectory } from './console-ports';

/**
 * `/users`: the people who may sign in to the web portal (the deployment's Cognito user pool), each in one group
 * (the original's `admin`, `creator`, `viewer`). Adding answers per user, as the original does: a user that cannot
 * be added is an entry with `status: "error"`, not a failed request.
 */

export interface UserEntry {
  readonly email: string;
  readonly group: string;
  readonly username: string;
  readonly status?: string;
  readonly enabled?: boolean;
  readonly lastModified?: number;
}

export interface UserError {
  readonly status: 'error';
  readonly error: string;
  readonly email: unknown;
  readonly group: unknown;
}

/** Ours: the original maps any length; a request adds at most this many users. */
const MAX_USERS_PER_REQUEST = 50;

// The original's `validateEmailAddress`, `validateUsername` and `validateGroupName` (a group must be named here).
const EMAIL =
  /^(([^<>()[\].,;:\s@"]+(\.[^<>()[\].,;:\s@"]+)*)|(".+"))@(([^<>()[\].,;:\s@"]+\.)+[^<>()[\].,;:\s@"]{2,})$/i;
const USERNAME = /^[a-zA-Z0-9._%+-]{1,128}$/;
const GROUP = /^[a-zA-Z0-9_-]{1,128}$/;

export class Users {
  constructor(private readonly directory: UserDirectory) {}

  /** Users with an email address and a group, each shown with the group of highest precedence. */
  async list(): Promise<UserEntry[]> {
    const users = await this.directory.list();
    return users.flatMap((user) => {
      const entry = toEntry(user);
      return entry === undefined ? [] : [entry];
    });
  }

  async add(body: unknown): Promise<Array<UserEntry | UserError>> {
    if (!Array.isArray(body) || body.length === 0) throw invalid('invalid users: expected a list of {email, group}');
    if (body.length > MAX_USERS_PER_REQUEST) throw invalid(`invalid users: at most ${MAX_USERS_PER_REQUEST} at once`);
    return Promise.all(body.map((user: unknown) => this.addOne(user)));
  }

  async remove(user: string | undefined): Promise<{ user: string; status: 'removed' }> {
    const username = decodedOnce(user);
    if (username === undefined || !USERNAME.test(username)) throw invalid('invalid user');
    if (!(await this.directory.remove(username))) throw notFound(`user ${username} not found`);
    return { user: username, status: 'removed' };
  }

  private async addOne(value: unknown): Promise<UserEntry | UserError> {
    const user = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    const { email, group } = user;
    const failed = (name: string, message: string): UserError => ({
      status: 'error',
      error: `${name} - ${message}`,
      email,
      group,
    });
    if (typeof email !== 'string' || !EMAIL.test(email)) return failed('M2CException', 'invalid email address');
    // The original names a user without a username after the local part of the address.
    const username =
      typeof user.username === 'string' && user.username.length > 0 ? user.username : email.split('@')[0];
    if (username === undefined || !USERNAME.test(username)) return failed('M2CException', 'invalid username');
    if (typeof group !== 'string' || !GROUP.test(group)) return failed('M2CException', 'invalid group');
    try {
      const added = await this.directory.addToGroup({ username, email, group });
      return {
        email,
        group,
        status: added.status,
        username: added.username,
        enabled: added.enabled,
        lastModified: added.lastModified?.getTime(),
      };
    } catch (error) {
      if (error instanceof ServiceRefusal) return failed(error.errorName, error.message);
      throw error;
    }
  }
}

function toEntry(user: PoolUser): UserEntry | undefined {
  const group = user.groups[0];
  if (group === undefined || user.email === undefined) return undefined;
  return {
    email: user.email,
    group,
    lastModified: user.lastModified?.getTime(),
    username: user.username,
    status: user.status,
    enabled: user.enabled,
  };
}

/** The original web app encodes query values once more than API Gateway decodes them. */
function decodedOnce(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalid('invalid user');
  }
}
