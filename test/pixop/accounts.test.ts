import { generateKeyPairSync } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { authenticate, parseAuthorization } from '../../lambdas/pixop/domain/auth';
import { AuthFailure } from '../../lambdas/pixop/domain/errors';
import { hashPassword, passwordProblem, verifyPassword } from '../../lambdas/pixop/domain/passwords';
import type { UserRecord } from '../../lambdas/pixop/domain/records';
import { issueToken, newSigningKey, TOKEN_TTL_SECONDS, verifyToken } from '../../lambdas/pixop/domain/tokens';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

async function user(overrides: Partial<UserRecord> = {}): Promise<UserRecord> {
  return {
    id: 'user-1',
    email: 'ada@example.com',
    name: 'Ada',
    emailConfirmed: true,
    passwordHash: await hashPassword('correct horse'),
    signingKey: newSigningKey(),
    apiRequestSignatureSecret: 'secret',
    apiRequestSignatureMethod: 'HmacSHA256',
    banned: false,
    teamIds: ['team-1', 'team-2'],
    dateCreated: '2026-01-01 00:00:00',
    timeLastUpdated: '2026-01-01 00:00:00',
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no failure';
  } catch (error) {
    return error instanceof AuthFailure ? error.exception : `unexpected ${String(error)}`;
  }
}

describe('Pixop tokens', () => {
  it('issues ES256 tokens for 15 minutes that verify with the user’s current key', async () => {
    const ada = await user();
    const token = await issueToken(ada, 'team-2', NOW);
    const verified = await verifyToken(token, async () => ada, NOW + 60_000);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());

    expect(verified).toEqual({ user: ada, teamId: 'team-2' });
    expect(payload.exp - payload.iat).toBe(TOKEN_TTL_SECONDS);
  });

  it('maps every failure to its exception name', async () => {
    const ada = await user();
    const token = await issueToken(ada, 'team-1', NOW);
    const lookup = async () => ada;

    expect(await failure(verifyToken(undefined, lookup, NOW))).toBe('NoJWTTokenFoundException');
    expect(await failure(verifyToken('abc', lookup, NOW))).toBe('InvalidJWTTokenFoundException');
    expect(await failure(verifyToken(token, lookup, NOW + (TOKEN_TTL_SECONDS + 60) * 1000))).toBe(
      'ExpiredJWTTokenException',
    );
    expect(await failure(verifyToken(token, lookup, NOW - 60_000))).toBe('PrematureJWTTokenException');
    expect(await failure(verifyToken(token, async () => ({ ...ada, banned: true }), NOW))).toBe('UserBannedException');
    expect(await failure(verifyToken(token, async () => ({ ...ada, teamIds: ['team-9'] }), NOW))).toBe(
      'InconsistentJWTClaimsException',
    );
    expect(await failure(verifyToken(token, async () => undefined, NOW))).toBe('InvalidJWTTokenFoundException');
    expect(await failure(verifyToken(token, async () => ({ ...ada, signingKey: newSigningKey() }), NOW))).toBe(
      'InvalidJWTTokenFoundException',
    );
    expect(
      await failure(
        verifyToken(
          token,
          async () => {
            throw new Error('table unavailable');
          },
          NOW,
        ),
      ),
    ).toBe('AuthException');
  });

  it('refuses tokens without expiry, tampered ones and ones signed with another key under the same key id', async () => {
    const ada = await user();
    const key = await importPKCS8(ada.signingKey.privateKeyPem, 'ES256');
    const eternal = await new SignJWT({ tid: 'team-1' })
      .setProtectedHeader({ alg: 'ES256', kid: ada.signingKey.kid })
      .setSubject(ada.id)
      .sign(key);
    const other = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const foreign = await new SignJWT({ tid: 'team-1' })
      .setProtectedHeader({ alg: 'ES256', kid: ada.signingKey.kid })
      .setSubject(ada.id)
      .setExpirationTime(Math.floor(NOW / 1000) + 60)
      .sign(await importPKCS8(other.privateKey, 'ES256'));
    const [header, , signature] = (await issueToken(ada, 'team-1', NOW)).split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: ada.id, tid: 'team-2', exp: 9e9 })).toString('base64url')}.${signature}`;
    const noClaims = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: ada.signingKey.kid })
      .setExpirationTime('1h')
      .sign(key);

    expect(await failure(verifyToken(eternal, async () => ada, NOW))).toBe('EternalJWTTokenException');
    expect(await failure(verifyToken(foreign, async () => ada, NOW))).toBe('InvalidJWTTokenFoundException');
    expect(await failure(verifyToken(tampered, async () => ada, NOW))).toBe('InvalidJWTTokenFoundException');
    expect(await failure(verifyToken(noClaims, async () => ada, NOW))).toBe('InconsistentJWTClaimsException');
  });
});

describe('Pixop authentication', () => {
  it('reads Bearer and Basic schemes case-insensitively', () => {
    expect(parseAuthorization('bearer abc')).toEqual({ scheme: 'bearer', token: 'abc' });
    expect(parseAuthorization(`BASIC ${Buffer.from('a@b.c:p:w').toString('base64')}`)).toEqual({
      scheme: 'basic',
      email: 'a@b.c',
      password: 'p:w',
    });
    expect(parseAuthorization('Digest x')).toEqual({ scheme: 'none' });
  });

  it('takes Basic only where the route allows it, and a team-id only of the user’s teams', async () => {
    const ada = await user();
    const lookups = {
      userById: async () => ada,
      userByEmail: async (email: string) => (email === ada.email ? ada : undefined),
    };
    const header = `Basic ${Buffer.from('ada@example.com:correct horse').toString('base64')}`;

    expect((await authenticate(header, 'bearer-or-basic', lookups, NOW)).teamId).toBe('team-1');
    expect((await authenticate(header, 'bearer-or-basic', lookups, NOW, 'team-2')).teamId).toBe('team-2');
    expect(await failure(authenticate(header, 'bearer-or-basic', lookups, NOW, 'team-3'))).toBe(
      'InconsistentJWTClaimsException',
    );
    expect(await failure(authenticate(header, 'bearer', lookups, NOW))).toBe('NoJWTTokenFoundException');
    const bearer = `Bearer ${await issueToken(ada, 'team-1', NOW)}`;
    expect((await authenticate(bearer, 'bearer-or-basic', lookups, NOW, 'team-2')).teamId).toBe('team-2');
    expect(await failure(authenticate(bearer, 'bearer-or-basic', lookups, NOW, 'team-3'))).toBe(
      'InconsistentJWTClaimsException',
    );
    const wrong = `Basic ${Buffer.from('ada@example.com:wrong one').toString('base64')}`;
    expect(await failure(authenticate(wrong, 'bearer-or-basic', lookups, NOW))).toBe('InvalidCredentialsException');
  });
});

describe('Pixop passwords', () => {
  it('stores salted scrypt hashes that verify only the right password', async () => {
    const first = await hashPassword('correct horse');
    const second = await hashPassword('correct horse');

    expect(first).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword('correct horse', first)).toBe(true);
    expect(await verifyPassword('correct hors', first)).toBe(false);
    expect(await verifyPassword('correct horse', 'md5$abc')).toBe(false);
    expect(passwordProblem('short')).toMatch(/at least 8/);
    expect(passwordProblem(42)).toMatch(/string/);
  });
});
