import { PermissionDeniedError } from './errors';
import { isPlainObject } from './validation';

export type PermissionName = 'read' | 'write';
export type ResourceType = 'packager' | 'template';

/**
 * One permission on one resource type. `conditions` narrow it to resources whose attributes hold one of the listed
 * values (e.g. `{"target-account-id": ["…"]}`); all conditions must hold. No conditions: every resource of the type.
 */
export interface Grant {
  readonly permission: PermissionName;
  readonly resourceType: ResourceType;
  readonly conditions?: Readonly<Record<string, readonly string[]>>;
}

/** The grants of one principal, or of every principal an ARN pattern (with `*` and `?`, as IAM) matches. */
export interface PrincipalGrants {
  readonly principal: string;
  readonly grants: readonly Grant[];
}

/** The attributes conditions test: a packager's target account, organisation and region; a template's owner. */
export type ResourceAttributes = Readonly<Record<string, string>>;

const CONDITION_KEYS = ['target-account-id', 'organisation-id', 'region'] as const;

/**
 * Reads grants as deployers write them (the `m2aPermissions` context, the permissions table):
 * `{"permission": "read"|"write", "resource-type": "packager"|"template", "conditions": {...}}`.
 * Anything else is a configuration error reported at cold start, not a silent denial.
 */
export function parseGrants(value: unknown, where: string): Grant[] {
  if (!Array.isArray(value)) throw new Error(`${where}: grants must be a list`);
  return value.map((item: unknown, index) => {
    const at = `${where}[${index}]`;
    if (!isPlainObject(item)) throw new Error(`${at}: a grant must be an object`);
    const permission = item.permission;
    const resourceType = item['resource-type'];
    if (permission !== 'read' && permission !== 'write') throw new Error(`${at}: permission must be read or write`);
    if (resourceType !== 'packager' && resourceType !== 'template') {
      throw new Error(`${at}: resource-type must be packager or template`);
    }
    const conditions = item.conditions;
    if (conditions === undefined) return { permission, resourceType };
    if (!isPlainObject(conditions)) throw new Error(`${at}: conditions must be an object`);
    for (const [key, values] of Object.entries(conditions)) {
      if (!(CONDITION_KEYS as readonly string[]).includes(key)) {
        throw new Error(`${at}: unknown condition ${key} (known: ${CONDITION_KEYS.join(', ')})`);
      }
      if (!Array.isArray(values) || !values.every((entry) => typeof entry === 'string')) {
        throw new Error(`${at}: condition ${key} must be a list of strings`);
      }
    }
    return { permission, resourceType, conditions: conditions as Record<string, string[]> };
  });
}

/** `{"<principal ARN pattern>": [grants]}`, the shape of the `m2aPermissions` context. */
export function parsePrincipalGrants(text: string | undefined): PrincipalGrants[] {
  if (text === undefined || text.trim() === '') return [];
  const value: unknown = JSON.parse(text);
  if (!isPlainObject(value)) throw new Error('m2aPermissions must be an object of principal ARN → grants');
  return Object.entries(value).map(([principal, grants]) => ({
    principal,
    grants: parseGrants(grants, `m2aPermissions["${principal}"]`),
  }));
}

/** IAM-style ARN matching: `*` any run of characters, `?` one character. */
export function principalMatches(pattern: string, arn: string): boolean {
  const expression = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${expression}$`).test(arn);
}

/**
 * The ARNs a caller is known by: the caller's own, and for an assumed-role session also its role, so grants can
 * name a role (`arn:aws:iam::123456789012:role/Operators`) rather than each session.
 */
export function principalNames(callerArn: string): string[] {
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/(.+)\/[^/]+$/.exec(callerArn);
  if (!session) return [callerArn];
  const [, partition, account, role] = session as unknown as [string, string, string, string];
  return [callerArn, `arn:${partition}:iam::${account}:role/${role}`];
}

export class Permissions {
  constructor(private readonly grants: readonly Grant[]) {}

  allows(permission: PermissionName, resourceType: ResourceType, resource: ResourceAttributes): boolean {
    return this.grants.some(
      (grant) =>
        grant.permission === permission &&
        grant.resourceType === resourceType &&
        Object.entries(grant.conditions ?? {}).every(([key, values]) => {
          const actual = resource[key];
          return actual !== undefined && values.includes(actual);
        }),
    );
  }

  /** A 403 unless the caller holds `permission` on this resource. */
  require(permission: PermissionName, resourceType: ResourceType, resource: ResourceAttributes): void {
    if (!this.allows(permission, resourceType, resource)) {
      throw new PermissionDeniedError(`The caller lacks the '${permission}' permission on this ${resourceType}`);
    }
  }
}
