import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint, type Linter } from 'eslint';

const ROOT = path.join(__dirname, '../..');

/** The repository's own configuration: ESLint loads config files with `import()`, which jest does not provide. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config, loaded as ESLint itself would
const config = require('../../eslint.config.js') as Linter.Config[];
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config });

/** Lints `code` as if it were the file at `file` (repository-relative); the imports must name files that exist. */
async function lint(file: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result?.messages ?? [];
}

/** Every folder of `lambdas/` but `shared/`, as found on disk: a backend added later is covered by the cases below. */
const BACKENDS = fs
  .readdirSync(path.join(ROOT, 'lambdas'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
  .map((entry) => entry.name);

describe('import boundaries (npm run lint)', () => {
  it('sees every backend', () => {
    // Assess
    expect(BACKENDS).toEqual(
      expect.arrayContaining(['kvs-consumer', 'm2a-mediapackage', 'media-insights', 'media2cloud', 'pixop']),
    );
  });

  it.each(BACKENDS)("fails lambdas/%s/ importing any other backend's SDK clients", async (backend) => {
    // Prepare
    const others = BACKENDS.filter((other) => other !== backend);

    // Act
    const results = await Promise.all(
      others.map((other) =>
        lint(
          `lambdas/${backend}/example.ts`,
          `import * as other from '../${other}/clients';\nexport const used = [other];\n`,
        ),
      ),
    );

    // Assess
    for (const messages of results) {
      expect(messages.map((message) => [message.ruleId, message.severity])).toContainEqual([
        'import/no-restricted-paths',
        2,
      ]);
    }
  });

  it.each([
    [
      'a backend importing another backend',
      'lambdas/media2cloud/pipeline/media/example.ts',
      "import { FfmpegThumbnailEncoder } from '../../../media-insights/operators/thumbnail/ffmpeg';\nexport const used = [FfmpegThumbnailEncoder];\n",
      'import/no-restricted-paths',
    ],
    [
      'a backend re-exporting another backend',
      'lambdas/media-insights/operators/example.ts',
      "export { IngestTable } from '../../media2cloud/tables/ingest';\n",
      'import/no-restricted-paths',
    ],
    [
      "a backend importing another backend's types",
      'lambdas/media-insights/operators/example.ts',
      "import type { IngestRecord } from '../../media2cloud/tables/ingest';\nexport type Used = IngestRecord;\n",
      'import/no-restricted-paths',
    ],
    [
      'a backend loading another backend at run time',
      'lambdas/media2cloud/api/example.ts',
      "export const load = () => import('../../media-insights/tables/executions');\n",
      'import/no-restricted-paths',
    ],
    [
      "the Kinesis Video consumer reading M2A's tables",
      'lambdas/kvs-consumer/adapters/example.ts',
      "import { TemplatesTable } from '../../m2a-mediapackage/tables/templates';\nexport const used = [TemplatesTable];\n",
      'import/no-restricted-paths',
    ],
    [
      "M2A importing the Kinesis Video consumer's MKV writer",
      'lambdas/m2a-mediapackage/domain/example.ts',
      "import { getMediaDocument } from '../../kvs-consumer/media/producer-mkv';\nexport const used = [getMediaDocument];\n",
      'import/no-restricted-paths',
    ],
    [
      'shared code importing a backend',
      'lambdas/shared/media/example.ts',
      "import { ExecutionTable } from '../../media-insights/tables/executions';\nexport const used = [ExecutionTable];\n",
      'import/no-restricted-paths',
    ],
    [
      'Lambda code importing the stack',
      'lambdas/media2cloud/api/example.ts',
      "import { PROJECT_ROOT } from '../../../lib/constructs/node-function';\nexport const used = [PROJECT_ROOT];\n",
      'import/no-restricted-paths',
    ],
    [
      'Lambda code importing test code',
      'lambdas/media-insights/dataplane/example.ts',
      "import { testApp } from '../../../test/support/app';\nexport const used = [testApp];\n",
      'import/no-restricted-paths',
    ],
    [
      'Lambda code importing a local engine',
      'lambdas/media2cloud/search/example.ts',
      "import { LocalSearchIndex } from './local/local-search-index';\nexport const used = [LocalSearchIndex];\n",
      '@typescript-eslint/no-restricted-imports',
    ],
    [
      'Lambda code importing local mode',
      'lambdas/media-insights/workflow/example.ts',
      "import { startLocalMode } from '../../../lib/local/local-mode';\nexport const used = [startLocalMode];\n",
      '@typescript-eslint/no-restricted-imports',
    ],
  ])('fails %s', async (_, file, code, rule) => {
    // Act
    const messages = await lint(file, code);

    // Assess
    expect(messages.map((message) => [message.ruleId, message.severity])).toContainEqual([rule, 2]);
  });

  it.each([
    [
      'a backend importing itself',
      'lambdas/media-insights/workflow/api/example.ts',
      "import { ExecutionTable } from '../../tables/executions';\nexport const used = [ExecutionTable];\n",
    ],
    [
      'a backend importing shared code',
      'lambdas/media2cloud/pipeline/media/example.ts',
      "import { runTool } from '../../../shared/media/tools';\nexport const used = [runTool];\n",
    ],
    [
      'the Kinesis Video consumer importing the shared MKV reader',
      'lambdas/kvs-consumer/media/example.ts',
      "import { EbmlTokenizer } from '../../shared/media/mkv';\nexport const used = [EbmlTokenizer];\n",
    ],
    [
      "Lambda code naming a local engine's type, which brings no code into the bundle",
      'lambdas/media2cloud/search/example.ts',
      "import type { LocalSearchIndex } from './local/local-search-index';\nexport type Used = LocalSearchIndex;\n",
    ],
    [
      "a local engine's own files",
      'lambdas/media2cloud/search/local/example.ts',
      "import { toFragments } from './highlight';\nexport const used = [toFragments];\n",
    ],
    [
      'the stack importing Lambda code',
      'lib/constructs/example.ts',
      "import { EXECUTION_TABLE } from '../../lambdas/media-insights/tables/executions';\nexport const used = [EXECUTION_TABLE];\n",
    ],
  ])('allows %s', async (_, file, code) => {
    // Act
    const messages = await lint(file, code);

    // Assess
    expect(messages).toEqual([]);
  });
});
