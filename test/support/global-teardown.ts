import * as fs from 'node:fs';

export default function globalTeardown(): void {
  const outdir = process.env.MEDIAPLANE_TEST_CDK_OUT;
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
}
