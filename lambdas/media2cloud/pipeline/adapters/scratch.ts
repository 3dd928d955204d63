import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ScratchSpace } from '../ports';

/** A fresh directory in `/tmp` per piece of work, removed afterwards: a warm function must not fill `/tmp` up. */
export const tmpScratch: ScratchSpace = async (work) => {
  const directory = await mkdtemp(path.join(tmpdir(), 'm2c-'));
  try {
    return await work(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
};
