import * as fs from 'node:fs';
import * as path from 'node:path';

/** A CloudFormation template as `cdk synth` writes it. */
export interface Template {
  readonly Parameters?: Record<string, { Type: string; Default?: unknown }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Resources: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, { Value: unknown; Description?: string; Export?: { Name: unknown } }>;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly Metadata?: Record<string, unknown>;
}

export interface AssemblyStack {
  /** The CloudFormation stack name (with the `prefix` context applied). */
  readonly stackName: string;
  /** The construct id, e.g. `MediaInsights`. */
  readonly id: string;
  readonly template: Template;
}

export interface CloudAssembly {
  readonly directory: string;
  readonly stacks: readonly AssemblyStack[];
}

interface ManifestArtifact {
  readonly type: string;
  readonly properties?: { templateFile?: string; stackName?: string };
  readonly displayName?: string;
}

/** Reads a synthesized cloud assembly (`cdk.out`): every stack's name and template. */
export function readCloudAssembly(directory: string): CloudAssembly {
  const manifestPath = path.join(directory, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
    artifacts?: Record<string, ManifestArtifact>;
  };
  const stacks: AssemblyStack[] = [];
  for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const template = JSON.parse(
      fs.readFileSync(path.join(directory, artifact.properties.templateFile), 'utf8'),
    ) as Template;
    stacks.push({
      id: artifact.displayName ?? artifactId,
      stackName: artifact.properties.stackName ?? artifactId,
      template,
    });
  }
  return { directory, stacks };
}

/**
 * The local directory holding a Lambda function's code: CDK names file assets `asset.<hash>` after the S3 key it
 * uploads them under, so the key in the template leads straight to the bundle.
 */
export function assetDirectoryForCode(assemblyDir: string, code: unknown): string | undefined {
  if (typeof code !== 'object' || code === null) return undefined;
  const s3Key = (code as { S3Key?: unknown }).S3Key;
  if (typeof s3Key !== 'string') return undefined;
  const hash = s3Key.replace(/\.zip$/, '');
  const directory = path.join(assemblyDir, `asset.${hash}`);
  return fs.existsSync(directory) ? directory : undefined;
}

/** The local copy of a file asset (e.g. an ASL definition from `DefinitionBody.fromFile`), by its S3 key. */
export function assetFileForKey(assemblyDir: string, s3Key: string): string | undefined {
  const file = path.join(assemblyDir, `asset.${s3Key}`);
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : undefined;
}
