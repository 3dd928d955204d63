import { AuthExceptions, AuthFailure, RequestExceptions } from './errors';
import { verifyPassword } from './passwords';
import type { UserRecord } from './records';
import { verifyToken, type UserLookup } from './tokens';
import { logger } from '../logger';

/** How a route may be called: a bearer token only, or (accounts routes) HTTP Basic as well. */
export type AuthScheme = 'bearer' | 'bearer-or-basic';

export interface Credentials {
  readonly scheme: 'bearer' | 'basic' | 'none';
  readonly token?: string;
  readonly email?: string;
  readonly password?: string;
}

/** Reads the Authorization header (scheme names are case-insensitive, RFC 7235). */
export function parseAuthorization(header: string | undefined): Credentials {
  const value = header?.trim() ?? '';
  const space = value.indexOf(' ');
  const scheme = (space < 0 ? value : value.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : value.slice(space + 1).trim();
  if (scheme === 'bearer' && rest) return { scheme: 'bearer', token: rest };
  if (scheme === 'basic' && rest) {
    const decoded = Buffer.from(rest, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { scheme: 'basic', email: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return { scheme: 'none' };
}

export interface AccountLookups {
  readonly userById: UserLookup;
  readonly userByEmail: (email: string) => Promise<UserRecord | undefined>;
}

/** Who is calling: the user, the team the call acts for, and how they proved it. */
export interface Principal {
  readonly user: UserRecord;
  /** From the token's `tid`; for Basic, the requested team (`team-id`) or the user's first team. */
  readonly teamId: string;
  readonly scheme: 'bearer' | 'basic';
}

/**
 * Authenticates a request for a route that accepts `scheme`. Bearer failures carry the eight exception names;
 * a bad e-mail/password pair is one answer whichever half is wrong, so the API does not reveal which e-mails exist.
 */
export async function authenticate(
  header: string | undefined,
  scheme: AuthScheme,
  lookups: AccountLookups,
  nowMs: number,
  requestedTeamId?: string,
): Promise<Principal> {
  const credentials = parseAuthorization(header);
  if (credentials.scheme === 'basic' && scheme === 'bearer-or-basic') {
    const user = await lookupForBasic(lookups, credentials.email ?? '');
    const valid = user ? await verifyPassword(credentials.password ?? '', user.passwordHash) : false;
    if (!user || !valid) throw new AuthFailure(RequestExceptions.BadCredentials, 'Invalid e-mail or password');
    if (user.banned) {
      throw new AuthFailure(
        AuthExceptions.Banned,
        `User ${user.id} is banned${user.bannedReason ? `: ${user.bannedReason}` : ''}`,
      );
    }
    return { user, teamId: chooseTeam(user, requestedTeamId), scheme: 'basic' };
  }
  const verified = await verifyToken(credentials.token, lookups.userById, nowMs);
  // A token may ask for a new one for another of the user's teams (the Java SDK's `newToken(jwt, teamId)`).
  const teamId = requestedTeamId ? chooseTeam(verified.user, requestedTeamId) : verified.teamId;
  return { user: verified.user, teamId, scheme: 'bearer' };
}

async function lookupForBasic(lookups: AccountLookups, email: string): Promise<UserRecord | undefined> {
  try {
    return await lookups.userByEmail(email);
  } catch (error) {
    logger.error('Basic authentication: user lookup failed', { errorName: (error as Error).name });
    throw new AuthFailure(AuthExceptions.General, 'The credentials could not be checked; try again');
  }
}

/** The team a new token is for: the one asked for (the user must belong to it) or the user's first. */
export function chooseTeam(user: UserRecord, requestedTeamId: string | undefined): string {
  if (requestedTeamId !== undefined && requestedTeamId !== '') {
    if (!user.teamIds.includes(requestedTeamId)) {
      throw new AuthFailure(
        AuthExceptions.InconsistentClaims,
        `User ${user.id} is not a member of team ${requestedTeamId}`,
      );
    }
    return requestedTeamId;
  }
  const first = user.teamIds[0];
  if (!first) throw new AuthFailure(AuthExceptions.InconsistentClaims, `User ${user.id} belongs to no team`);
  return first;
}
