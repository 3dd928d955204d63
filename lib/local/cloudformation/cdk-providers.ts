import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Where aws-cdk-lib keeps the handlers of its own providers (auto-delete objects, AwsCustomResource, the Provider
// framework, ...); their assets in cdk.out are byte-for-byte copies of these files.
const CDK_HANDLER_DIRECTORIES = ['custom-resource-handlers/dist', 'custom-resources/lib/provider-framework/runtime'];

let cdkHandlerDigests: ReadonlySet<string> | undefined;

/**
 * Whether a function runs one of aws-cdk-lib's own custom resource providers. Those answer CloudFormation over
 * `https` only and manage real AWS resources, so local mode does not run their custom resources. Recognised by
 * content: the templates carry no construct metadata unless `cdk synth` adds it.
 */
export function isCdkProviderHandler(codeDir: string, handler: string): boolean {
  const moduleName = handler.slice(0, handler.lastIndexOf('.'));
  const entry = ['.js', '.mjs', '.cjs']
    .map((extension) => path.join(codeDir, `${moduleName}${extension}`))
    .find((file) => fs.existsSync(file));
  if (!entry) return false;
  cdkHandlerDigests ??= digestCdkHandlers();
  return cdkHandlerDigests.has(digest(fs.readFileSync(entry)));
}

function digestCdkHandlers(): Set<string> {
  const digests = new Set<string>();
  let root: string;
  try {
    root = path.dirname(require.resolve('aws-cdk-lib/package.json'));
  } catch {
    return digests;
  }
  const visit = (directory: string) => {
    if (!fs.existsSync(directory)) return;
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
      const file = path.join(directory, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (/\.[cm]?js$/.test(entry.name)) digests.add(digest(fs.readFileSync(file)));
    }
  };
  for (const directory of CDK_HANDLER_DIRECTORIES) visit(path.join(root, directory));
  return digests;
}

function digest(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
