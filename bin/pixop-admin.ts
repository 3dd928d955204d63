#!/usr/bin/env node
/**
 * `npm run pixop:admin -- <command> [options]`: Pixop users and teams, which only an administrator creates.
 *
 * It reads the table names from a `cdk deploy --outputs-file` file (in AWS, with the usual AWS credentials) or from
 * local mode's `<dataDir>/outputs.json` (whose `Local` entry names the local DynamoDB endpoint and credentials).
 * Passwords come from $PIXOP_PASSWORD or standard input, never from the command line, and are never printed.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TeamsTable } from '../lambdas/pixop/tables/teams';
import { UsersTable } from '../lambdas/pixop/tables/users';
import { AccountAdministration } from '../lambdas/pixop/domain/accounts';
import type { UserRecord } from '../lambdas/pixop/domain/records';
import { HttpError } from '../lambdas/shared/http/errors';

const USAGE = `usage: npm run pixop:admin -- <command> [--outputs outputs.json] [--stack Pixop] [options]

commands:
  create-team   --name <name>
  create-user   --email <email> [--name <name>] [--team <team id> ...]   (password: $PIXOP_PASSWORD or stdin)
  add-to-team   --email <email> --team <team id>
  set-password  --email <email>                                          (password: $PIXOP_PASSWORD or stdin)
  ban           --email <email> [--reason <text>]
  unban         --email <email>

--outputs defaults to .mediaplane/outputs.json (local mode); after \`cdk deploy --outputs-file outputs.json\`, pass
that file.`;

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      outputs: { type: 'string', default: '.mediaplane/outputs.json' },
      stack: { type: 'string', default: 'Pixop' },
      name: { type: 'string' },
      email: { type: 'string' },
      team: { type: 'string', multiple: true },
      reason: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const outputs = JSON.parse(fs.readFileSync(values.outputs, 'utf8')) as Record<string, Record<string, string>>;
  const stack = outputs[values.stack];
  if (!stack?.UsersTableName || !stack.TeamsTableName) {
    throw new Error(`${values.outputs} has no ${values.stack}.UsersTableName / TeamsTableName output`);
  }
  const local = outputs.Local;
  const client = new DynamoDBClient(
    local?.DynamoDbEndpoint
      ? {
          endpoint: local.DynamoDbEndpoint,
          region: local.Region,
          credentials: readCredentials(local.CredentialsFile ?? '', local.Profile ?? 'mediaplane'),
        }
      : {},
  );
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const admin = new AccountAdministration({
    users: new UsersTable(documents, stack.UsersTableName),
    teams: new TeamsTable(documents, stack.TeamsTableName),
    now: Date.now,
  });
  const email = () => required(values.email, '--email');
  try {
    switch (command) {
      case 'create-team':
        print(await admin.createTeam(required(values.name, '--name')));
        break;
      case 'create-user':
        print(
          summary(
            await admin.createUser({
              email: email(),
              password: await password(),
              name: values.name,
              teamIds: values.team,
            }),
          ),
        );
        break;
      case 'add-to-team':
        print(summary(await admin.addToTeam(email(), required(values.team?.[0], '--team'))));
        break;
      case 'set-password':
        print(summary(await admin.setPassword(email(), await password())));
        break;
      case 'ban':
        print(summary(await admin.setBanned(email(), true, values.reason)));
        break;
      case 'unban':
        print(summary(await admin.setBanned(email(), false)));
        break;
      default:
        throw new Error(`Unknown command ${command}\n\n${USAGE}`);
    }
  } finally {
    client.destroy();
  }
}

/** What the CLI shows of a user: never the hash, keys or secrets. */
function summary(user: UserRecord) {
  return { id: user.id, email: user.email, name: user.name, teamIds: user.teamIds, banned: user.banned };
}

function print(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new Error(`${flag} is required\n\n${USAGE}`);
  return value;
}

async function password(): Promise<string> {
  if (process.env.PIXOP_PASSWORD) return process.env.PIXOP_PASSWORD;
  if (process.stdin.isTTY) throw new Error('Give the password in $PIXOP_PASSWORD or on standard input');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** The named profile of an AWS shared-credentials file (local mode's `credentials`). */
function readCredentials(file: string, profile: string): { accessKeyId: string; secretAccessKey: string } {
  const section =
    fs
      .readFileSync(file, 'utf8')
      .split(/^\s*\[/m)
      .find((part) => part.startsWith(`${profile}]`)) ?? '';
  const value = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*(\\S+)`, 'm').exec(section)?.[1] ?? '';
  return { accessKeyId: value('aws_access_key_id'), secretAccessKey: value('aws_secret_access_key') };
}

main().catch((error: unknown) => {
  console.error(error instanceof HttpError || error instanceof Error ? error.message : error);
  process.exit(1);
});
