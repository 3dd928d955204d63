import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runnable } from '../../lib/local/entry-points';
import { PROJECT_ROOT } from '../../lib/project-root';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { localModeBundle } = require('../../lib/local/bundle') as {
  localModeBundle(options: { cacheDir: string }): Promise<{ main: string; directory: string; built: boolean }>;
};

describe('the bundles npm start runs local mode from (lib/local/bundle.js)', () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-bundle-'));
  afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it('builds bin/local.ts and every thread and process script once, then reuses them while the sources are unchanged', async () => {
    const first = await localModeBundle({ cacheDir });
    const second = await localModeBundle({ cacheDir });

    expect(first.built).toBe(true);
    expect(second).toEqual({ ...first, built: false });
    expect(first.directory.startsWith(cacheDir)).toBe(true);
    expect(
      fs
        .readdirSync(first.directory)
        .filter((file) => file.endsWith('.js'))
        .sort(),
    ).toEqual([
      'dynamodb-thread.js',
      'local.js',
      'rekognition-models-worker.js',
      's3-thread.js',
      'search-thread.js',
      'textract-reader-process.js',
    ]);
    // Each file keeps its own directory: the Lambda worker script is found beside its source, not in the cache.
    expect(fs.readFileSync(first.main, 'utf8')).toContain(JSON.stringify(path.join(PROJECT_ROOT, 'lib/local/lambda')));
  });

  it('starts threads and processes from the TypeScript sources through tsx when local mode runs unbundled', () => {
    const source = path.join(PROJECT_ROOT, 'lib/local/dynamodb/thread');

    expect(runnable(source)).toEqual({ file: `${source}.ts`, execArgv: ['--import', 'tsx'] });
  });
});
