import { App, Validations, type StackProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { M2aMediapackageStack } from './stacks/m2a-mediapackage-stack';
import { Media2CloudStack } from './stacks/media2cloud-stack';
import { MediaInsightsStack } from './stacks/media-insights-stack';

export interface MediaplaneStacks {
  readonly mediaInsights: MediaInsightsStack;
  readonly media2Cloud: Media2CloudStack;
  readonly m2aMediapackage: M2aMediapackageStack;
}

export interface BuildAppOptions {
  /** Run cdk-nag's AwsSolutions pack on every stack. @default true */
  readonly nag?: boolean;
}

/**
 * Adds every backend stack to `app`. Construct ids are fixed; stack names take the optional `prefix` context
 * (`cdk deploy -c prefix=dev` deploys `dev-MediaInsights`, …) so several copies can share an account.
 */
export function buildApp(app: App, options: BuildAppOptions = {}): MediaplaneStacks {
  const prefix: unknown = app.node.tryGetContext('prefix');
  if (prefix !== undefined && (typeof prefix !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,40}$/.test(prefix))) {
    throw new Error(
      `Context "prefix" must start with a letter and hold only letters, digits and '-': ${String(prefix)}`,
    );
  }
  // Environment-agnostic stacks: one template deploys to any account and region.
  const stackProps = (id: string): StackProps => ({ stackName: prefix ? `${prefix}-${id}` : id });

  const stacks: MediaplaneStacks = {
    mediaInsights: new MediaInsightsStack(app, 'MediaInsights', stackProps('MediaInsights')),
    media2Cloud: new Media2CloudStack(app, 'Media2Cloud', stackProps('Media2Cloud')),
    m2aMediapackage: new M2aMediapackageStack(app, 'M2aMediapackage', stackProps('M2aMediapackage')),
  };

  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stacks;
}
