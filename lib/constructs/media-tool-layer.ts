import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, DockerImage, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { MEDIA_TOOL_FILES, type CopyFiles, type MediaTool } from '../../lambdas/shared/media/function-spec';
import { PROJECT_ROOT } from './node-function';

/**
 * The stack's Lambda layer of a media tool shipped as a layer (ffmpeg, pdf.js, the canvas addon, see
 * `MEDIA_TOOL_FILES`): created with the first function that uses the tool and shared by the others, so the files are
 * uploaded once per stack rather than once per function. Lambda mounts it under `/opt` (`/opt/bin/ffmpeg`,
 * `/opt/nodejs/node_modules/pdfjs-dist`); local mode's Lambda runtime lays it out the same way for the functions it is
 * attached to.
 *
 * Every stack's layer of a tool is one cloud assembly asset: its hash is the files' packages and sizes, known without
 * reading 128 MB, and the files are staged once per assembly.
 */
export function mediaToolLayer(scope: Construct, tool: MediaTool): lambda.ILayerVersion {
  const { shippedIn, files, x64 } = MEDIA_TOOL_FILES[tool];
  if (shippedIn !== 'layer') throw new Error(`The media tool ${tool} is copied into bundles, not shipped as a layer`);
  const stack = Stack.of(scope);
  const id = `${tool.charAt(0).toUpperCase()}${tool.slice(1)}Layer`;
  const existing = stack.node.tryFindChild(id);
  if (existing) return existing as lambda.LayerVersion;
  return new lambda.LayerVersion(stack, id, {
    description: `${tool} for the functions that run it: ${Object.values(files).join(', ')} (under /opt)`,
    // The npm builds of ffmpeg, ffprobe and the canvas addon are x86-64 binaries; their functions are x86_64.
    compatibleArchitectures: x64 ? [lambda.Architecture.X86_64] : undefined,
    code: lambda.Code.fromAsset(PROJECT_ROOT, {
      assetHashType: AssetHashType.CUSTOM,
      assetHash: filesHash(files),
      bundling: {
        // Never pulled: the local bundling below always stages the files.
        image: DockerImage.fromRegistry('scratch'),
        local: {
          tryBundle(outputDir: string): boolean {
            stageFiles(files, outputDir);
            return true;
          },
        },
      },
    }),
  });
}

/**
 * What the layer's content depends on: each target with the name, version and size of its source (a file's; a
 * directory is its package's), whose package (pinned by package-lock.json) never changes a file without a new version.
 */
function filesHash(files: CopyFiles): string {
  const hash = createHash('sha256');
  for (const [from, to] of Object.entries(files)) {
    const source = path.join(PROJECT_ROOT, from);
    const stat = fs.statSync(source);
    const { name, version } = owningPackage(source, stat.isDirectory());
    hash.update(`${to}\0${name}@${version}\0${stat.isDirectory() ? 'directory' : stat.size}\0`);
  }
  return hash.digest('hex');
}

function owningPackage(source: string, isDirectory: boolean): { name: string; version: string } {
  const start = isDirectory ? source : path.dirname(source);
  for (let directory = start; directory !== path.dirname(directory); directory = path.dirname(directory)) {
    const manifest = path.join(directory, 'package.json');
    if (fs.existsSync(manifest))
      return JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name: string; version: string };
  }
  throw new Error(`No package.json above ${source}`);
}

function stageFiles(files: CopyFiles, outputDir: string): void {
  for (const [from, to] of Object.entries(files))
    stage(fs.realpathSync(path.join(PROJECT_ROOT, from)), path.join(outputDir, to));
}

/** A file, or a directory's files, recursively. */
function stage(source: string, target: string): void {
  if (fs.statSync(source).isDirectory()) {
    for (const entry of fs.readdirSync(source))
      stage(fs.realpathSync(path.join(source, entry)), path.join(target, entry));
    return;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  try {
    // Free where the assembly shares the checkout's file system; nothing ever writes to an asset's files.
    fs.linkSync(source, target);
  } catch {
    fs.copyFileSync(source, target);
  }
}
