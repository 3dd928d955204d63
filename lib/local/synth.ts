import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Cdk from 'aws-cdk-lib';
import type * as AppModule from '../app';
import { PROJECT_ROOT } from '../project-root';

/** Everything whose change changes the synthesized app. Local mode's own code is not part of it. */
const SOURCES = ['bin', 'lib', 'lambdas', 'statemachines', 'cdk.json', 'package-lock.json', 'tsconfig.json'];
const HASH_FILE = '.mediaplane-source-hash';
/** The sources' sizes and modification times when `HASH_FILE` was last found right, to skip reading them. */
const STATS_FILE = '.mediaplane-source-stats';

/** CDK context given on the command line (`-c key=value`), as `cdk synth -c` takes it: string values. */
export type CommandLineContext = Readonly<Record<string, string>>;

/**
 * Synthesizes the CDK app into `outdir` unless neither the sources nor the command-line context changed since the
 * last synthesis there, exactly as `cdk synth` would (same app, cdk.json's context with `context` over it), and
 * returns `outdir`.
 */
export function synthesizeIfChanged(
  outdir: string,
  log: (message: string) => void = () => {},
  context: CommandLineContext = {},
): string {
  const hashFile = path.join(outdir, HASH_FILE);
  const statsFile = path.join(outdir, STATS_FILE);
  const assembled = fs.existsSync(hashFile) && fs.existsSync(path.join(outdir, 'manifest.json'));
  // Unchanged sizes and modification times mean unchanged sources, without reading them all (a warm start); otherwise
  // their contents decide, so a touched but unchanged file costs no synthesis.
  const stats = statsFingerprint(context);
  if (assembled && readIfExists(statsFile) === stats) return outdir;
  const hash = synthesisHash(context);
  if (assembled && fs.readFileSync(hashFile, 'utf8') === hash) {
    fs.writeFileSync(statsFile, stats);
    return outdir;
  }
  log(`Synthesizing the CDK app into ${outdir} ...`);
  // Into a fresh directory renamed into place: another process reading the previous assembly never sees half of one.
  const staging = fs.mkdtempSync(`${outdir}.staging-`);
  synthesize(staging, context);
  fs.writeFileSync(path.join(staging, HASH_FILE), hash);
  fs.writeFileSync(path.join(staging, STATS_FILE), stats);
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.renameSync(staging, outdir);
  return outdir;
}

/** What a synthesis depends on: the sources and the command-line context (in any key order). */
export function synthesisHash(context: CommandLineContext = {}): string {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(sourceHash()).update('\0').update(JSON.stringify(entries)).digest('hex');
}

/**
 * Context local mode synthesizes with: resources that exist only on this machine, never in a `cdk deploy`
 * (Pixop's demo user, whose credentials go to a file in the data directory).
 */
export const LOCAL_CONTEXT: Readonly<Record<string, string>> = { pixopDemoUser: 'true' };

export function synthesize(outdir: string, extraContext: Record<string, unknown> = {}): void {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  // Loaded here, not at the top: starting from an existing assembly (every test, every unchanged `npm start`) then
  // never pays the second of CPU that loading aws-cdk-lib and the app's constructs costs.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { App } = require('aws-cdk-lib') as typeof Cdk;
  const { buildApp } = require('../app') as typeof AppModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  // The built-in CloudFormation schema validation costs seconds per template; `cdk synth` still runs it.
  const app = new App({
    outdir,
    context: { ...cdkJson.context, ...LOCAL_CONTEXT, ...extraContext },
    builtinCloudFormationValidation: false,
  });
  // cdk-nag runs in the test suite; local mode only needs the templates.
  buildApp(app, { nag: false });
  app.synth();
}

function sourceHash(): string {
  const hash = createHash('sha256');
  visitSources((absolute, relative) =>
    hash.update(relative).update('\0').update(fs.readFileSync(absolute)).update('\0'),
  );
  return hash.digest('hex');
}

/** The sources' names, sizes and modification times, and the command-line context. */
function statsFingerprint(context: CommandLineContext): string {
  const hash = createHash('sha256').update(JSON.stringify(Object.entries(context).sort()));
  visitSources((_absolute, relative, stat) => hash.update(`${relative}\0${stat.size}\0${stat.mtimeMs}\0`));
  return hash.digest('hex');
}

/** Every source file (`SOURCES`, local mode's own code excepted), in a stable order. */
function visitSources(visitFile: (absolute: string, relative: string, stat: fs.Stats) => void): void {
  const visit = (absolute: string, relative: string) => {
    const stat = fs.statSync(absolute, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      if (relative === path.join('lib', 'local')) return;
      for (const entry of fs.readdirSync(absolute).sort())
        visit(path.join(absolute, entry), path.join(relative, entry));
      return;
    }
    visitFile(absolute, relative, stat);
  };
  for (const source of SOURCES) visit(path.join(PROJECT_ROOT, source), source);
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
