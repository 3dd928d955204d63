import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createPixopPorts } from '../adapters';
import { loadConfig } from '../config';
import { AccountAdministration } from '../domain/accounts';
import { sendCustomResourceResponse, type CustomResourceEvent } from './cfn-response';
import { logger } from '../logger';

const config = loadConfig(['usersTable', 'teamsTable']);
const ports = createPixopPorts({
  ...config,
  projectsTable: '',
  videosTable: '',
  mediaBucket: '',
  ingestStateMachineArn: '',
  processStateMachineArn: '',
});
const admin = new AccountAdministration({ users: ports.users, teams: ports.teams, now: Date.now });

export const DEMO_USER_FILE = 'pixop-demo-user.json';

/**
 * `Custom::PixopDemoUser`, in the app only when synthesized for local mode (context `pixopDemoUser`): creates the
 * demo user (or gives an existing one a new password) and writes `{email, password}` to `pixop-demo-user.json` in
 * the local data directory, readable by its owner only. Only the file's path leaves this function.
 */
export async function handler(event: CustomResourceEvent): Promise<void> {
  const email = String(event.ResourceProperties.Email ?? 'demo@pixop.example');
  const directory = process.env.MEDIAPLANE_DATA_DIR;
  try {
    if (event.RequestType === 'Delete') {
      await sendCustomResourceResponse(event, {
        status: 'SUCCESS',
        physicalResourceId: event.PhysicalResourceId ?? email,
      });
      return;
    }
    if (!directory) throw new Error('MEDIAPLANE_DATA_DIR is not set: the demo user exists for local mode only');
    const password = randomBytes(18).toString('base64url');
    const existing = await ports.users.getByEmail(email);
    if (existing) await admin.setPassword(email, password);
    else await admin.createUser({ email, password, name: 'Pixop Demo' });
    mkdirSync(directory, { recursive: true });
    const file = path.join(directory, DEMO_USER_FILE);
    writeFileSync(file, `${JSON.stringify({ email, password }, null, 2)}\n`, { mode: 0o600 });
    await sendCustomResourceResponse(event, {
      status: 'SUCCESS',
      physicalResourceId: email,
      data: { CredentialsFile: file },
    });
  } catch (error) {
    logger.error('Demo user', { errorName: (error as Error).name, errorMessage: (error as Error).message });
    await sendCustomResourceResponse(event, {
      status: 'FAILED',
      physicalResourceId: event.PhysicalResourceId ?? email,
      reason: (error as Error).message,
    });
  }
}
