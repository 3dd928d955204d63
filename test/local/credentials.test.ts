import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalIdentities, loadOrCreateProfiles } from '../../lib/local/credentials';

describe('local credentials', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(tmpdir(), 'local-credentials-'));
  });

  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('adds the read-only profile to a credentials file that predates it, keeping the existing keys', () => {
    const file = path.join(dataDir, 'credentials');
    fs.writeFileSync(file, '[mediaplane]\naws_access_key_id = AKIAEXISTING00000000\naws_secret_access_key = old\n');

    const profiles = loadOrCreateProfiles(dataDir);

    expect(profiles.full).toEqual({ accessKeyId: 'AKIAEXISTING00000000', secretAccessKey: 'old' });
    expect(profiles.readOnly.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(loadOrCreateProfiles(dataDir)).toEqual(profiles);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^\[mediaplane\]\n.*\n.*\n\n\[mediaplane-readonly\]\n/);
  });

  it('knows both users by ARN and forgets role sessions once they expire', () => {
    let now = 1_000_000;
    const profiles = loadOrCreateProfiles(dataDir);
    const identities = new LocalIdentities(profiles, () => now);
    identities.add({
      accessKeyId: 'ASIASESSION',
      secretAccessKey: 's',
      sessionToken: 't',
      expiresAt: now + 1000,
      arn: 'arn:aws:sts::111122223333:assumed-role/R/s',
      accountId: '111122223333',
      userId: 'AROA:s',
    });

    expect(identities.lookup(profiles.readOnly.accessKeyId)?.arn).toBe(
      'arn:aws:iam::000000000000:user/mediaplane-readonly',
    );
    expect(identities.lookupSecret('ASIASESSION')).toBe('s');
    now += 1000;
    expect(identities.lookupSecret('ASIASESSION')).toBeUndefined();
  });
});
