import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mediaTools } from '../../../lambdas/shared/media/tools';

describe('mediaTools', () => {
  it("runs the npm builds outside Lambda, and in a Lambda function the layer's, from PATH (/opt/bin)", () => {
    // Prepare: a layer's bin/ as Lambda lists it in PATH
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-layer-bin-'));
    for (const tool of ['ffmpeg', 'ffprobe']) fs.writeFileSync(path.join(bin, tool), '#!/bin/sh\n', { mode: 0o755 });

    // Act
    const outside = mediaTools({ PATH: bin });
    const inLambda = mediaTools({ LAMBDA_TASK_ROOT: '/var/task', PATH: ['/nowhere', bin].join(path.delimiter) });
    const found = [inLambda.ffmpeg, inLambda.ffprobe];
    fs.rmSync(bin, { recursive: true, force: true });

    // Assess
    expect(outside.ffmpeg).toMatch(/node_modules\/@ffmpeg-installer\/linux-x64\/ffmpeg$/);
    expect(found).toEqual([path.join(bin, 'ffmpeg'), path.join(bin, 'ffprobe')]);
  });

  it('lets a Lambda function without the layer load, and fails it when it runs a tool', () => {
    // Act
    const tools = mediaTools({ LAMBDA_TASK_ROOT: '/var/task', PATH: '/nowhere' });

    // Assess
    expect(() => tools.ffprobe).toThrow("ffprobe is not on this function's PATH");
  });
});
