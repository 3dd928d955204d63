import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsError } from '../protocol/wire';

/**
 * Cognito user pools as the Media2Cloud API uses them: users (created by an administrator, never signing up),
 * groups with precedence, and membership. Kept in one JSON file under the module's directory, written atomically
 * after every change, so users survive restarts as they survive in AWS.
 */

interface Attribute {
  readonly Name: string;
  readonly Value: string;
}

interface UserRecord {
  readonly username: string;
  attributes: Attribute[];
  enabled: boolean;
  status: string;
  readonly created: number;
  modified: number;
  groups: string[];
}

interface GroupRecord {
  readonly name: string;
  description?: string;
  precedence?: number;
  readonly created: number;
  modified: number;
}

interface PoolRecord {
  readonly id: string;
  readonly arn: string;
  name: string;
  /** Cognito's `UsernameConfiguration.CaseSensitive`; pools without it compare usernames exactly. */
  caseSensitive: boolean;
  readonly created: number;
  readonly groups: Record<string, GroupRecord>;
  readonly users: Record<string, UserRecord>;
}

export interface PoolDefinition {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly caseSensitive: boolean;
}

export interface GroupDefinition {
  readonly userPoolId: string;
  readonly name: string;
  readonly description?: string;
  readonly precedence?: number;
}

type Input = Record<string, unknown>;

// Cognito's own patterns and limits (API reference, AdminCreateUser and ListUsers).
const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
const STANDARD_ATTRIBUTES = new Set([
  'address',
  'birthdate',
  'email',
  'email_verified',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'phone_number_verified',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
]);
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const MAX_LIST_USERS = 60;
const MAX_LIST_GROUPS = 60;

export class UserPools {
  private readonly file: string;
  private readonly pools: Record<string, PoolRecord>;

  constructor(directory: string) {
    this.file = path.join(directory, 'user-pools.json');
    this.pools = fs.existsSync(this.file)
      ? (JSON.parse(fs.readFileSync(this.file, 'utf8')) as Record<string, PoolRecord>)
      : {};
  }

  /** A deployed pool: created on first deployment, its users and groups kept on the next. */
  deployPool(definition: PoolDefinition): void {
    const existing = this.pools[definition.id];
    if (existing) {
      existing.name = definition.name;
      existing.caseSensitive = definition.caseSensitive;
    } else {
      this.pools[definition.id] = { ...definition, created: Date.now(), groups: {}, users: {} };
    }
    this.save();
  }

  deployGroup(definition: GroupDefinition): void {
    const pool = this.pool(definition.userPoolId);
    const now = Date.now();
    const existing = pool.groups[definition.name];
    pool.groups[definition.name] = {
      name: definition.name,
      description: definition.description,
      precedence: definition.precedence,
      created: existing?.created ?? now,
      modified: now,
    };
    this.save();
  }

  adminCreateUser(input: Input) {
    const pool = this.pool(input.UserPoolId);
    const username = this.username(input.Username);
    if (input.MessageAction !== undefined && input.MessageAction !== 'SUPPRESS' && input.MessageAction !== 'RESEND') {
      throw invalid('MessageAction must be SUPPRESS or RESEND');
    }
    const attributes = readAttributes(input.UserAttributes);
    const mediums = Array.isArray(input.DesiredDeliveryMediums) ? input.DesiredDeliveryMediums : [];
    if (mediums.includes('EMAIL') && !attributes.some((attribute) => attribute.Name === 'email')) {
      throw invalid('No email provided but desired delivery medium was Email');
    }
    const key = this.key(pool, username);
    if (input.MessageAction === 'RESEND') {
      const user = pool.users[key];
      if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.', 400);
      return { User: userType(user) };
    }
    if (pool.users[key]) throw new AwsError('UsernameExistsException', 'User account already exists', 400);
    const now = Date.now();
    const user: UserRecord = {
      username,
      attributes: [{ Name: 'sub', Value: randomUUID() }, ...attributes],
      enabled: true,
      // No message is delivered locally; the user would set a password at first sign-in, as in AWS.
      status: 'FORCE_CHANGE_PASSWORD',
      created: now,
      modified: now,
      groups: [],
    };
    pool.users[key] = user;
    this.save();
    return { User: userType(user) };
  }

  adminGetUser(input: Input) {
    const user = this.user(input);
    const { Attributes, ...rest } = userType(user);
    return { ...rest, UserAttributes: Attributes };
  }

  adminDeleteUser(input: Input) {
    const pool = this.pool(input.UserPoolId);
    const user = this.user(input);
    delete pool.users[this.key(pool, user.username)];
    this.save();
    return {};
  }

  adminAddUserToGroup(input: Input) {
    const pool = this.pool(input.UserPoolId);
    const group = this.group(pool, input.GroupName);
    const user = this.user(input);
    if (!user.groups.includes(group.name)) user.groups.push(group.name);
    this.save();
    return {};
  }

  adminRemoveUserFromGroup(input: Input) {
    const pool = this.pool(input.UserPoolId);
    const group = this.group(pool, input.GroupName);
    const user = this.user(input);
    user.groups = user.groups.filter((name) => name !== group.name);
    this.save();
    return {};
  }

  adminListGroupsForUser(input: Input) {
    const pool = this.pool(input.UserPoolId);
    const user = this.user(input);
    const groups = user.groups.map((name) => pool.groups[name]).filter((group) => group !== undefined);
    const page = paginate(groups, input.Limit, input.NextToken, MAX_LIST_GROUPS);
    return { Groups: page.items.map((group) => groupType(pool, group)), ...tokenField('NextToken', page.next) };
  }

  listGroups(input: Input) {
    const pool = this.pool(input.UserPoolId);
    const groups = Object.values(pool.groups).sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(groups, input.Limit, input.NextToken, MAX_LIST_GROUPS);
    return { Groups: page.items.map((group) => groupType(pool, group)), ...tokenField('NextToken', page.next) };
  }

  /** Users in creation order. `Filter` is not supported locally: refused, never ignored. */
  listUsers(input: Input) {
    const pool = this.pool(input.UserPoolId);
    if (input.Filter !== undefined && input.Filter !== '') {
      throw invalid('ListUsers Filter is not supported by the local Cognito stand-in');
    }
    const wanted = Array.isArray(input.AttributesToGet) ? new Set(input.AttributesToGet as string[]) : undefined;
    const users = Object.values(pool.users).sort(
      (a, b) => a.created - b.created || a.username.localeCompare(b.username),
    );
    const page = paginate(users, input.Limit, input.PaginationToken, MAX_LIST_USERS);
    return {
      Users: page.items.map((user) => {
        const type = userType(user);
        return wanted ? { ...type, Attributes: type.Attributes.filter((a) => wanted.has(a.Name)) } : type;
      }),
      ...tokenField('PaginationToken', page.next),
    };
  }

  private pool(id: unknown): PoolRecord {
    if (typeof id !== 'string' || id === '') throw invalid('1 validation error detected: UserPoolId must not be null');
    const pool = this.pools[id];
    if (!pool) throw new AwsError('ResourceNotFoundException', `User pool ${id} does not exist.`, 400);
    return pool;
  }

  private group(pool: PoolRecord, name: unknown): GroupRecord {
    if (typeof name !== 'string' || name === '')
      throw invalid('1 validation error detected: GroupName must not be null');
    const group = pool.groups[name];
    if (!group) throw new AwsError('ResourceNotFoundException', 'Group not found.', 400);
    return group;
  }

  private user(input: Input): UserRecord {
    const pool = this.pool(input.UserPoolId);
    const username = this.username(input.Username);
    const user = pool.users[this.key(pool, username)];
    if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.', 400);
    return user;
  }

  private username(value: unknown): string {
    if (typeof value !== 'string' || !USERNAME.test(value)) {
      throw invalid("1 validation error detected: Value at 'username' failed to satisfy constraint");
    }
    return value;
  }

  private key(pool: PoolRecord, username: string): string {
    return pool.caseSensitive ? username : username.toLowerCase();
  }

  private save(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(this.pools), { mode: 0o600 });
    fs.renameSync(temporary, this.file);
  }
}

function readAttributes(value: unknown): Attribute[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid('UserAttributes must be a list');
  return value.map((entry: unknown) => {
    const { Name, Value } = (entry ?? {}) as Record<string, unknown>;
    if (typeof Name !== 'string' || typeof Value !== 'string') throw invalid('An attribute needs a Name and a Value');
    if (!STANDARD_ATTRIBUTES.has(Name) && !Name.startsWith('custom:')) {
      throw invalid(`Attributes did not conform to the schema: ${Name}: Attribute does not exist in the schema.`);
    }
    if (Name === 'email' && !EMAIL.test(Value)) throw invalid('Invalid email address format.');
    return { Name, Value };
  });
}

function userType(user: UserRecord) {
  return {
    Username: user.username,
    Attributes: user.attributes,
    UserCreateDate: user.created / 1000,
    UserLastModifiedDate: user.modified / 1000,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

function groupType(pool: PoolRecord, group: GroupRecord) {
  return {
    GroupName: group.name,
    UserPoolId: pool.id,
    ...(group.description === undefined ? {} : { Description: group.description }),
    ...(group.precedence === undefined ? {} : { Precedence: group.precedence }),
    CreationDate: group.created / 1000,
    LastModifiedDate: group.modified / 1000,
  };
}

/** Page tokens are the offset of the next item, opaque to clients as Cognito's are. */
function paginate<T>(items: readonly T[], limit: unknown, token: unknown, max: number): { items: T[]; next?: string } {
  const size = limit === undefined ? max : Number(limit);
  if (!Number.isInteger(size) || size < 0 || size > max) {
    throw invalid(
      `1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  }
  let start = 0;
  if (token !== undefined) {
    const decoded = typeof token === 'string' ? Buffer.from(token, 'base64url').toString('utf8') : '';
    if (!/^\d+$/.test(decoded)) throw invalid('Pagination token is invalid');
    start = Number(decoded);
  }
  const end = start + (size === 0 ? max : size);
  return {
    items: items.slice(start, end),
    ...(end < items.length ? { next: Buffer.from(String(end)).toString('base64url') } : {}),
  };
}

function tokenField(name: string, token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { [name]: token };
}

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterException', message, 400);
}
