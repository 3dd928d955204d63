import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isCdkProviderHandler } from '../../../lib/local/cloudformation/cdk-providers';

const AWS_CDK_LIB = path.dirname(require.resolve('aws-cdk-lib/package.json'));

describe("recognising aws-cdk-lib's own custom resource providers", () => {
  let codeDir: string;

  beforeEach(() => {
    codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-provider-'));
  });
  afterEach(() => {
    fs.rmSync(codeDir, { recursive: true, force: true });
  });

  it("recognises a copy of aws-cdk-lib's handler, as cdk synth stages it", () => {
    fs.copyFileSync(
      path.join(AWS_CDK_LIB, 'custom-resources/lib/provider-framework/runtime/framework.js'),
      path.join(codeDir, 'framework.js'),
    );

    expect(isCdkProviderHandler(codeDir, 'framework.onEvent')).toBe(true);
  });

  it("does not mistake the project's own handler for one", () => {
    fs.writeFileSync(path.join(codeDir, 'index.js'), 'exports.handler = async () => ({});');

    expect(isCdkProviderHandler(codeDir, 'index.handler')).toBe(false);
  });
});
