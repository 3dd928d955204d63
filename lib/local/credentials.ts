import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomKey, type Principal } from './principals';

export const LOCAL_PROFILE = 'mediaplane';
export const READ_ONLY_PROFILE = 'mediaplane-readonly';
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_USER_NAME = 'mediaplane';

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** A profile of the credentials file and the IAM user it stands for. */
export interface LocalProfile extends LocalCredentials {
  readonly profile: string;
  readonly userName: string;
}

/**
 * The IAM users local mode knows, one profile each: `mediaplane`, the user who deployed the app, and
 * `mediaplane-readonly`, a second user for trying what a backend lets a caller with fewer permissions do.
 */
const PROFILES: ReadonlyArray<{ profile: string; userName: string }> = [
  { profile: LOCAL_PROFILE, userName: LOCAL_USER_NAME },
  { profile: READ_ONLY_PROFILE, userName: 'mediaplane-readonly' },
];

/**
 * The key pairs local mode accepts, kept in `<dataDir>/credentials` in the AWS shared-credentials format, created
 * once with random keys so the AWS CLI, SDKs and `curl --aws-sigv4` can use them as they are. A file from an older
 * version keeps its keys and gets the profiles it lacks.
 */
export function loadOrCreateProfiles(dataDir: string): LocalProfile[] {
  const file = path.join(dataDir, 'credentials');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const profiles = PROFILES.map(({ profile, userName }) => ({
    profile,
    userName,
    ...(readProfile(text, profile) ?? newKeyPair()),
  }));
  const written = profiles
    .map((p) => `[${p.profile}]\naws_access_key_id = ${p.accessKeyId}\naws_secret_access_key = ${p.secretAccessKey}\n`)
    .join('\n');
  if (written !== text) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, written, { mode: 0o600 });
  }
  return profiles;
}

/** The `mediaplane` profile's keys: the user who deployed the app. */
export function loadOrCreateCredentials(dataDir: string): LocalCredentials {
  const [deployer] = loadOrCreateProfiles(dataDir);
  return { accessKeyId: deployer!.accessKeyId, secretAccessKey: deployer!.secretAccessKey };
}

/** The IAM user behind a profile, as signed requests identify it. */
export function profilePrincipal(profile: LocalProfile, accountId: string = LOCAL_ACCOUNT_ID): Principal {
  return {
    accessKeyId: profile.accessKeyId,
    secretAccessKey: profile.secretAccessKey,
    accountId,
    arn: `arn:aws:iam::${accountId}:user/${profile.userName}`,
    // IAM user ids are `AIDA` and 17 characters; derived from the key so it stays the same across restarts.
    userId: `AIDA${profile.accessKeyId.slice(4)}`,
  };
}

function newKeyPair(): LocalCredentials {
  return {
    accessKeyId: `AKIA${randomKey(16)}`,
    secretAccessKey: randomBytes(30).toString('base64').replace(/[+/]/g, 'x'),
  };
}

function readProfile(text: string, profile: string): LocalCredentials | undefined {
  let current = '';
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (section?.[1]) {
      current = section[1].trim();
      continue;
    }
    const pair = /^\s*([A-Za-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (pair?.[1] && current === profile) values.set(pair[1], pair[2] ?? '');
  }
  const accessKeyId = values.get('aws_access_key_id');
  const secretAccessKey = values.get('aws_secret_access_key');
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}
