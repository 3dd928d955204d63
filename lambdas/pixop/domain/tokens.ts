import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, importPKCS8, importSPKI, jwtVerify, SignJWT } from 'jose';
import { AuthExceptions, AuthFailure } from './errors';
import type { SigningKey, UserRecord } from './records';
import { logger } from '../logger';

/** Pixop's tokens live 15 minutes. */
export const TOKEN_TTL_SECONDS = 15 * 60;
/** Every user's tokens are ECDSA P-256 / SHA-256 signatures with that user's own key pair. */
export const SIGNATURE_ALGORITHM = 'ES256';
export const TOKEN_ISSUER = 'mediaplane-pixop';
/** Clocks of the caller and the API may disagree a little about `nbf` and `exp`. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** A new key pair for a user (at creation and on `generate-auth-secret`, which makes older tokens invalid). */
export function newSigningKey(): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { kid: randomUUID(), alg: SIGNATURE_ALGORITHM, publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** The shared secret of `generate-signature-secret` (HMAC-SHA256 request signing, as the field names say). */
export function newRequestSignatureSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface TokenClaims {
  readonly userId: string;
  readonly teamId: string;
}

export async function issueToken(user: UserRecord, teamId: string, nowMs: number): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  const key = await importPKCS8(user.signingKey.privateKeyPem, SIGNATURE_ALGORITHM);
  return new SignJWT({ tid: teamId })
    .setProtectedHeader({ alg: SIGNATURE_ALGORITHM, kid: user.signingKey.kid, typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer(TOKEN_ISSUER)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + TOKEN_TTL_SECONDS)
    .sign(key);
}

/** Reads the user a token claims to be; a failure of the store is the caller's `AuthException`. */
export type UserLookup = (userId: string) => Promise<UserRecord | undefined>;

export interface VerifiedToken {
  readonly user: UserRecord;
  readonly teamId: string;
}

/**
 * Verifies a bearer token and maps every way it can fail to the exception name Pixop uses. The claims are read
 * before the signature only to find whose key to verify with; nothing in them is trusted until the signature holds.
 */
export async function verifyToken(
  token: string | undefined,
  lookup: UserLookup,
  nowMs: number,
): Promise<VerifiedToken> {
  if (!token) throw new AuthFailure(AuthExceptions.NoToken, 'No JWT token found in the Authorization header');
  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverified: ReturnType<typeof decodeJwt>;
  try {
    header = decodeProtectedHeader(token);
    unverified = decodeJwt(token);
  } catch {
    throw new AuthFailure(AuthExceptions.InvalidToken, 'The JWT token could not be parsed');
  }
  if (header.alg !== SIGNATURE_ALGORITHM) {
    throw new AuthFailure(AuthExceptions.InvalidToken, `JWT tokens must be signed with ${SIGNATURE_ALGORITHM}`);
  }
  const userId = unverified.sub;
  const teamId = unverified.tid;
  if (typeof userId !== 'string' || userId === '' || typeof teamId !== 'string' || teamId === '') {
    throw new AuthFailure(AuthExceptions.InconsistentClaims, 'The JWT token must name a user (sub) and a team (tid)');
  }

  let user: UserRecord | undefined;
  try {
    user = await lookup(userId);
  } catch (error) {
    logger.error('Token verification: user lookup failed', { errorName: (error as Error).name });
    throw new AuthFailure(AuthExceptions.General, 'The JWT token could not be authenticated; try again');
  }
  // An unknown user or a key other than the user's current one (rotated by generate-auth-secret) is a token we
  // cannot have issued, which Pixop reports as an invalid token.
  if (!user || header.kid !== user.signingKey.kid) {
    throw new AuthFailure(AuthExceptions.InvalidToken, 'The JWT token is not signed with a current key');
  }

  try {
    const key = await importSPKI(user.signingKey.publicKeyPem, SIGNATURE_ALGORITHM);
    await jwtVerify(token, key, {
      algorithms: [SIGNATURE_ALGORITHM],
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(nowMs),
    });
  } catch (error) {
    throw tokenFailure(error);
  }
  if (user.banned) {
    throw new AuthFailure(
      AuthExceptions.Banned,
      `User ${user.id} is banned${user.bannedReason ? `: ${user.bannedReason}` : ''}`,
    );
  }
  if (!user.teamIds.includes(teamId)) {
    throw new AuthFailure(AuthExceptions.InconsistentClaims, `User ${user.id} is not a member of team ${teamId}`);
  }
  return { user, teamId };
}

function tokenFailure(error: unknown): AuthFailure {
  if (error instanceof errors.JWTExpired) {
    return new AuthFailure(AuthExceptions.Expired, 'The JWT token has expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'exp' && error.reason === 'missing') {
      return new AuthFailure(AuthExceptions.Eternal, 'The JWT token has no expiry time (exp); such tokens are refused');
    }
    if (error.claim === 'nbf') {
      return new AuthFailure(AuthExceptions.Premature, 'The JWT token is not valid yet (nbf is in the future)');
    }
    return new AuthFailure(AuthExceptions.InconsistentClaims, `The JWT token's "${error.claim}" claim is not usable`);
  }
  return new AuthFailure(AuthExceptions.InvalidToken, 'The JWT token signature does not verify');
}
