import { App } from 'aws-cdk-lib';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildApp, type BuildAppOptions } from '../../lib/app';
import { PROJECT_ROOT } from '../../lib/project-root';

/**
 * A CDK app with cdk.json's context, as the CLI would build it. Bundling is skipped (templates only) and the
 * built-in CloudFormation validation is off: construct tests assert on templates, not on bundles.
 */
export function testApp(context: Record<string, unknown> = {}, options: BuildAppOptions = {}) {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const app = new App({
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: false,
  });
  const stacks = buildApp(app, options);
  return { app, stacks };
}
