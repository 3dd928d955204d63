import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Principal, Principals } from '../principals';

/** A role local STS lets principals assume, as `<dataDir>/roles.json` declares it (role ARN → definition). */
export interface RoleDefinition {
  /** The `sts:ExternalId` the role's trust policy requires; without it, none may be given. */
  readonly externalId?: string;
  /** @default 3600 */
  readonly maxSessionDuration?: number;
}

export interface AssumeRoleInput {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly externalId?: string;
  readonly durationSeconds?: number;
}

export interface AssumeRoleOutput {
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken: string;
    readonly expiration: Date;
  };
  readonly assumedRoleUser: { readonly assumedRoleId: string; readonly arn: string };
}

/** An STS error: the query protocol's `Code`, whether the sender or STS is at fault, and the HTTP status. */
export class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

interface StoredSession extends Principal {
  readonly expiresAt: number;
}

/**
 * A local STS: AssumeRole and GetCallerIdentity. Roles are declared in `<dataDir>/roles.json`
 * (`{"arn:aws:iam::111122223333:role/Name": {"externalId": "…"}}`, read at every call, so editing it needs no
 * restart); an undeclared role, a missing or wrong ExternalId, or an ExternalId the role does not ask for is
 * AccessDenied, as a trust policy would answer. Issued sessions are added to the local principals, so every
 * stand-in accepts them, and kept in `sessions.json` until they expire, so they survive a restart.
 */
export class LocalSts {
  private readonly rolesFile: string;
  private readonly sessionsFile: string;

  constructor(private readonly options: { dataDir: string; principals: Principals; now?: () => number }) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    this.rolesFile = path.join(options.dataDir, 'roles.json');
    this.sessionsFile = path.join(options.dataDir, 'sessions.json');
    for (const session of this.readSessions()) options.principals.add(session);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Declares (or replaces) a role that principals may assume. */
  defineRole(roleArn: string, definition: RoleDefinition = {}): void {
    if (!ROLE_ARN.test(roleArn)) throw new Error(`Not a role ARN: ${roleArn}`);
    const roles = this.roles();
    roles[roleArn] = definition;
    fs.writeFileSync(this.rolesFile, `${JSON.stringify(roles, null, 2)}\n`);
  }

  roles(): Record<string, RoleDefinition> {
    if (!fs.existsSync(this.rolesFile)) return {};
    const parsed: unknown = JSON.parse(fs.readFileSync(this.rolesFile, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, RoleDefinition>)
      : {};
  }

  assumeRole(caller: Principal, input: AssumeRoleInput): AssumeRoleOutput {
    const errors: string[] = [];
    if (input.roleArn.length < 20 || input.roleArn.length > 2048) {
      errors.push(
        `Value '${input.roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length between 20 and 2048`,
      );
    }
    if (!SESSION_NAME.test(input.roleSessionName)) {
      errors.push(
        `Value '${input.roleSessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    if (input.externalId !== undefined && !EXTERNAL_ID.test(input.externalId)) {
      errors.push(
        `Value '${input.externalId}' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*`,
      );
    }
    const duration = input.durationSeconds ?? 3600;
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
      errors.push(
        `Value '${String(input.durationSeconds)}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
      );
    }
    if (errors.length > 0) {
      throw new StsError(
        'ValidationError',
        `${errors.length} validation error${errors.length > 1 ? 's' : ''} detected: ${errors.join('; ')}`,
      );
    }
    const match = ROLE_ARN.exec(input.roleArn);
    const role = this.roles()[input.roleArn];
    const denied = () =>
      new StsError(
        'AccessDenied',
        `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.roleArn}`,
        403,
      );
    if (!match || !role) throw denied();
    if ((role.externalId ?? undefined) !== input.externalId) throw denied();
    if (duration > (role.maxSessionDuration ?? 3600)) {
      throw new StsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }

    const [, accountId, , roleName] = match as unknown as [string, string, string, string];
    const roleId = `AROA${createHash('sha256').update(input.roleArn).digest('hex').slice(0, 16).toUpperCase()}`;
    const session = this.options.principals.issueTemporary({
      accountId,
      roleName,
      roleId,
      sessionName: input.roleSessionName,
      durationSeconds: duration,
      now: Math.floor(this.now() / 1000) * 1000,
    }) as StoredSession;
    this.writeSessions([...this.readSessions(), session]);
    return {
      credentials: {
        accessKeyId: session.accessKeyId,
        secretAccessKey: session.secretAccessKey,
        sessionToken: session.sessionToken as string,
        expiration: new Date(session.expiresAt),
      },
      assumedRoleUser: { assumedRoleId: session.userId, arn: session.arn },
    };
  }

  getCallerIdentity(caller: Principal): { userId: string; account: string; arn: string } {
    return { userId: caller.userId, account: caller.accountId, arn: caller.arn };
  }

  private readSessions(): StoredSession[] {
    if (!fs.existsSync(this.sessionsFile)) return [];
    try {
      const sessions = JSON.parse(fs.readFileSync(this.sessionsFile, 'utf8')) as StoredSession[];
      return sessions.filter((session) => session.expiresAt > this.now());
    } catch {
      return [];
    }
  }

  private writeSessions(sessions: readonly StoredSession[]): void {
    fs.writeFileSync(this.sessionsFile, JSON.stringify(sessions), { mode: 0o600 });
  }
}
