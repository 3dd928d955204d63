import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../lib/project-root';
import { fragments, getMediaErrorDocument, getMediaPayload } from './fixtures';

const run = promisify(execFile);

describe('npm run kvs:inspect', () => {
  it('prints one JSON line per fragment of a GetMedia capture, and the error chunk and cut-off tail', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-inspect-'));
    const list = fragments(2, [5000]);
    const payload = Buffer.concat([
      getMediaPayload(list),
      getMediaErrorDocument(5000, 'Internal error'),
      getMediaPayload(list).subarray(0, 100),
    ]);
    const file = path.join(dir, 'capture.mkv');
    fs.writeFileSync(file, payload);
    try {
      const { stdout } = await run('npx', ['tsx', 'bin/kvs-inspect.ts', file], { cwd: PROJECT_ROOT });
      const lines = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));

      expect(lines).toEqual([
        {
          fragmentNumber: list[0]?.fragmentNumber,
          serverTimestampMs: list[0]?.serverTimestampMs,
          producerTimestampMs: list[0]?.producerTimestampMs,
          millisBehindNow: 2000,
          continuationToken: list[0]?.fragmentNumber,
          bytes: expect.any(Number),
        },
        expect.objectContaining({ fragmentNumber: list[1]?.fragmentNumber, millisBehindNow: 0 }),
        { error: { id: 5000, code: 'Internal error' } },
        { error: expect.stringContaining('ends inside a fragment') },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
