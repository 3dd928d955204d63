#!/usr/bin/env node
import * as path from 'node:path';
import { parseArguments } from '../lib/local/cli-arguments';
import { startLocalMode } from '../lib/local/local-mode';

/**
 * `npm start [-- -c key=value ...]`: every API of the app on 127.0.0.1, backed by embedded engines, data kept across
 * restarts. `-c` passes CDK context to the synthesis, as `cdk synth -c` does.
 */
async function main(): Promise<void> {
  const { context } = parseArguments(process.argv.slice(2));
  // Local mode may run on Node 20; the SDK's notice about its future Node 22 requirement is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const port = parsePort(process.env.MEDIAPLANE_PORT ?? '4000');
  const dataDir = path.resolve(process.env.MEDIAPLANE_DATA_DIR ?? '.mediaplane');
  const region = process.env.MEDIAPLANE_REGION ?? 'us-east-1';
  const cloudAssemblyDir = process.env.MEDIAPLANE_CDK_OUT;
  if (cloudAssemblyDir && Object.keys(context).length > 0) {
    throw new Error('-c sets context for the synthesis; MEDIAPLANE_CDK_OUT runs an assembly already synthesized');
  }
  const local = await startLocalMode({ port, dataDir, region, cloudAssemblyDir, context });

  const lines = ['', 'mediaplane local mode', `  endpoint     ${local.endpoint}`];
  for (const [key, value] of Object.entries(context)) lines.push(`  context      ${key}=${value}`);
  for (const [stack, values] of Object.entries(local.outputs)) {
    if (stack === 'Local') continue;
    for (const [key, value] of Object.entries(values)) lines.push(`  ${`${stack}.${key}`.padEnd(40)} ${value}`);
  }
  for (const [key, value] of Object.entries(local.outputs.Local ?? {})) {
    if (key.endsWith('Endpoint') && key !== 'Endpoint')
      lines.push(`  ${key.replace(/Endpoint$/, '').padEnd(13)}${value}`);
  }
  lines.push(
    `  region       ${region}`,
    `  credentials  ${path.join(dataDir, 'credentials')} (profile mediaplane)`,
    `  outputs      ${path.join(dataDir, 'outputs.json')}`,
    `  data         ${dataDir}`,
    '',
    'Ready. Ctrl-C stops; data is kept for the next start.',
  );
  console.log(lines.join('\n'));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping local mode ...`);
    local.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

function parsePort(value: string): number {
  const port = Number(value);
  // The other services take the following ports; startLocalMode checks that they fit.
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`MEDIAPLANE_PORT must be a port number (0 picks free ports), got "${value}"`);
  }
  return port;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
