import { randomUUID } from 'node:crypto';
import type { Principal } from './auth';
import { badRequest, conflict, InvalidField, notFound } from './errors';
import { hashPassword, passwordProblem } from './passwords';
import type { TeamStore, UserStore } from './ports';
import type { TeamRecord, UserRecord } from './records';
import { pixopTime } from './time';
import { issueToken, newRequestSignatureSecret, newSigningKey } from './tokens';

export const REQUEST_SIGNATURE_METHOD = 'HmacSHA256';

/** The `user` object of the accounts service. The password hash and the private key are never part of it. */
export function userView(user: UserRecord) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    emailConfirmed: user.emailConfirmed,
    authSignatureMethod: user.signingKey.alg,
    authSignaturePublicKey: user.signingKey.publicKeyPem,
    authSignaturePublicKeyId: user.signingKey.kid,
    banned: user.banned,
    ...(user.bannedReason ? { bannedReason: user.bannedReason } : {}),
    ...(user.bannedDate ? { bannedDate: user.bannedDate } : {}),
    apiRequestSignatureSecret: user.apiRequestSignatureSecret,
    apiRequestSignatureMethod: user.apiRequestSignatureMethod,
    dateCreated: user.dateCreated,
    timeLastUpdated: user.timeLastUpdated,
  };
}

export function teamView(team: TeamRecord) {
  return { id: team.id, name: team.name, dateCreated: team.dateCreated, timeLastUpdated: team.timeLastUpdated };
}

export interface AccountsDependencies {
  readonly users: UserStore;
  readonly teams: TeamStore;
  readonly now: () => number;
}

/** The accounts service: tokens, the caller's identity and account, key and secret rotation, password change. */
export class Accounts {
  constructor(private readonly deps: AccountsDependencies) {}

  async newToken(principal: Principal) {
    const jwtToken = await issueToken(principal.user, principal.teamId, this.deps.now());
    return { userId: principal.user.id, teamId: principal.teamId, jwtToken };
  }

  async identity(principal: Principal) {
    const teams = await this.deps.teams.getMany(principal.user.teamIds);
    const team = teams.find((candidate) => candidate.id === principal.teamId);
    if (!team) throw notFound('Team', principal.teamId);
    return {
      user: userView(principal.user),
      team: teamView(team),
      otherTeams: teams.filter((candidate) => candidate.id !== team.id).map(teamView),
    };
  }

  async account(principal: Principal) {
    const team = await this.deps.teams.get(principal.teamId);
    if (!team) throw notFound('Team', principal.teamId);
    return { user: userView(principal.user), team: teamView(team) };
  }

  /** A new key pair: every token signed with the old one stops verifying at once. */
  async rotateAuthKey(principal: Principal) {
    const user = await this.deps.users.update(principal.user.id, {
      signingKey: newSigningKey(),
      timeLastUpdated: pixopTime(this.deps.now()),
    });
    return { user: userView(user) };
  }

  async rotateSignatureSecret(principal: Principal) {
    const user = await this.deps.users.update(principal.user.id, {
      apiRequestSignatureSecret: newRequestSignatureSecret(),
      apiRequestSignatureMethod: REQUEST_SIGNATURE_METHOD,
      timeLastUpdated: pixopTime(this.deps.now()),
    });
    return { user: userView(user) };
  }

  async updatePassword(principal: Principal, body: Record<string, unknown>) {
    const problem = passwordProblem(body.newPassword);
    if (problem) throw new InvalidField('newPassword', problem);
    const user = await this.deps.users.update(principal.user.id, {
      passwordHash: await hashPassword(body.newPassword as string),
      timeLastUpdated: pixopTime(this.deps.now()),
    });
    return { user: userView(user) };
  }
}

export interface NewUser {
  readonly email: string;
  readonly password: string;
  readonly name?: string;
  /** Teams to join; a personal team is created when none is given. */
  readonly teamIds?: readonly string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Creating users and teams is an administrator's job (the original has no public sign-up in this API): the admin
 * CLI and the local demo user both come through here.
 */
export class AccountAdministration {
  constructor(private readonly deps: AccountsDependencies) {}

  async createTeam(name: string): Promise<TeamRecord> {
    if (!name.trim()) throw badRequest('A team needs a name');
    const now = pixopTime(this.deps.now());
    const team: TeamRecord = { id: randomUUID(), name: name.trim(), dateCreated: now, timeLastUpdated: now };
    await this.deps.teams.put(team);
    return team;
  }

  async createUser(input: NewUser): Promise<UserRecord> {
    const email = normalizeEmail(input.email);
    if (!EMAIL.test(email)) throw new InvalidField('email', 'is not an e-mail address');
    const problem = passwordProblem(input.password);
    if (problem) throw new InvalidField('password', problem);
    if (await this.deps.users.getByEmail(email)) throw conflict(`A user with e-mail ${email} exists`);
    for (const teamId of input.teamIds ?? []) {
      if (!(await this.deps.teams.get(teamId))) throw notFound('Team', teamId);
    }
    const name = input.name?.trim() || email.split('@')[0] || email;
    const teamIds = input.teamIds?.length ? [...input.teamIds] : [(await this.createTeam(`${name}'s team`)).id];
    const now = pixopTime(this.deps.now());
    const user: UserRecord = {
      id: randomUUID(),
      email,
      name,
      emailConfirmed: true,
      passwordHash: await hashPassword(input.password),
      signingKey: newSigningKey(),
      apiRequestSignatureSecret: newRequestSignatureSecret(),
      apiRequestSignatureMethod: REQUEST_SIGNATURE_METHOD,
      banned: false,
      teamIds,
      dateCreated: now,
      timeLastUpdated: now,
    };
    await this.deps.users.create(user);
    return user;
  }

  async addToTeam(email: string, teamId: string): Promise<UserRecord> {
    const user = await this.requireUser(email);
    if (!(await this.deps.teams.get(teamId))) throw notFound('Team', teamId);
    if (user.teamIds.includes(teamId)) return user;
    return this.deps.users.update(user.id, {
      teamIds: [...user.teamIds, teamId],
      timeLastUpdated: pixopTime(this.deps.now()),
    });
  }

  async setBanned(email: string, banned: boolean, reason?: string): Promise<UserRecord> {
    const user = await this.requireUser(email);
    const now = pixopTime(this.deps.now());
    return this.deps.users.update(user.id, {
      banned,
      bannedReason: banned ? (reason ?? 'Suspended by an administrator') : undefined,
      bannedDate: banned ? now : undefined,
      timeLastUpdated: now,
    });
  }

  async setPassword(email: string, password: string): Promise<UserRecord> {
    const problem = passwordProblem(password);
    if (problem) throw new InvalidField('password', problem);
    const user = await this.requireUser(email);
    return this.deps.users.update(user.id, {
      passwordHash: await hashPassword(password),
      timeLastUpdated: pixopTime(this.deps.now()),
    });
  }

  private async requireUser(email: string): Promise<UserRecord> {
    const user = await this.deps.users.getByEmail(normalizeEmail(email));
    if (!user) throw notFound('User', email);
    return user;
  }
}

/** E-mail addresses are matched case-insensitively. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
