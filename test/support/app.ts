import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildApp, type BuildAppOptions } from '../../lib/app';
import { PROJECT_ROOT } from '../../lib/project-root';
import { defaultAppIsCurrent, defaultAppOutdir, markDefaultAppCurrent } from './default-app';

/**
 * A CDK app with cdk.json's context, as the CLI would build it. Bundling is skipped (templates only) and the
 * built-in CloudFormation validation is off: construct tests assert on templates, not on bundles.
 */
export function testApp(context: Record<string, unknown> = {}, options: BuildAppOptions = {}, outdir?: string) {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const app = new App({
    outdir,
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: false,
  });
  const stacks = buildApp(app, options);
  return { app, stacks };
}

/** The app's stacks, by construct id (the id of each stack's artifact in the cloud assembly). */
export type StackId = 'MediaInsights' | 'Media2Cloud' | 'KvsConsumer' | 'M2aMediapackage' | 'Pixop';

/**
 * Synthesizes `testApp({}, { nag: false })` (cdk.json's context, the app every construct test starts from) into
 * `outdir` unless it holds that synthesis of the current sources already. The global setup runs it once per run, so
 * the construct tests that assert on the default app read its templates instead of each building and synthesizing
 * all five stacks again (5 CPU-s each).
 */
export function synthesizeDefaultApp(outdir: string): string {
  if (defaultAppIsCurrent(outdir)) return outdir;
  // Into a fresh directory renamed into place, as the global setup's assembly: a reader never sees half of one.
  const staging = fs.mkdtempSync(`${outdir}.staging-`);
  testApp({}, { nag: false }, staging).app.synth();
  markDefaultAppCurrent(staging);
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.renameSync(staging, outdir);
  return outdir;
}

/** The synthesis of the default app: the global setup's, or (a run without it) one made and kept here. */
function defaultAppDirectory(): string {
  return process.env.MEDIAPLANE_TEST_TEMPLATES ?? synthesizeDefaultApp(defaultAppOutdir());
}

const templates = new Map<StackId, Template>();

/** The template of one stack of the default app, as `Template.fromStack(testApp({}, { nag: false }).stacks.…)`. */
export function defaultTemplate(id: StackId): Template {
  let template = templates.get(id);
  if (!template) {
    const file = path.join(defaultAppDirectory(), `${id}.template.json`);
    template = Template.fromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
    templates.set(id, template);
  }
  return template;
}

/** The name CloudFormation gives the stack of the default app: its artifact's `stackName`, or else its id. */
export function defaultStackName(id: StackId): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(defaultAppDirectory(), 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { stackName?: string } }>;
  };
  const artifact = manifest.artifacts[id];
  if (artifact?.type !== 'aws:cloudformation:stack') throw new Error(`No stack ${id} in the default app`);
  return artifact.properties?.stackName ?? id;
}

/**
 * The template of one stack of the global setup's cloud assembly (MEDIAPLANE_TEST_CDK_OUT): the app as local mode
 * synthesizes it (with its local-only resources) with the original's test operators and M2A's test callback host.
 */
export function localModeTemplate(id: StackId): Template {
  const assembly = process.env.MEDIAPLANE_TEST_CDK_OUT;
  if (!assembly)
    throw new Error('MEDIAPLANE_TEST_CDK_OUT is not set: the global setup synthesizes the app local mode runs');
  return Template.fromJSON(JSON.parse(fs.readFileSync(path.join(assembly, `${id}.template.json`), 'utf8')));
}
