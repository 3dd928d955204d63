import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const LOCAL_PROFILE = 'mediaplane';
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_USER_NAME = 'mediaplane';

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The key pair local mode accepts, kept in `<dataDir>/credentials` in the AWS shared-credentials format (profile
 * `mediaplane`), created once with random keys so the AWS CLI, SDKs and `curl --aws-sigv4` can use it as is.
 */
export function loadOrCreateCredentials(dataDir: string): LocalCredentials {
  const file = path.join(dataDir, 'credentials');
  if (fs.existsSync(file)) {
    const parsed = readProfile(fs.readFileSync(file, 'utf8'), LOCAL_PROFILE);
    if (parsed) return parsed;
  }
  const credentials: LocalCredentials = {
    accessKeyId: `AKIA${randomString(16)}`,
    secretAccessKey: randomBytes(30).toString('base64').replace(/[+/]/g, 'x'),
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(
    file,
    `[${LOCAL_PROFILE}]\naws_access_key_id = ${credentials.accessKeyId}\naws_secret_access_key = ${credentials.secretAccessKey}\n`,
    { mode: 0o600 },
  );
  return credentials;
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

function randomString(length: number): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (byte) => KEY_ALPHABET[byte % KEY_ALPHABET.length]).join('');
}
