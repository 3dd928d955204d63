import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Test functions that record what they receive: their source starts with `RECORD_APPEND` (an `append(name, entry)`
 * that adds a JSON line to `<RECORD_DIR>/<name>.jsonl`), they run with `recordEnvironment(root)`, and the test reads
 * the lines back with `readRecords(root, name)`.
 */
export const RECORD_APPEND = `
const fs = require('node:fs');
const path = require('node:path');

function append(name, entry) {
  fs.appendFileSync(path.join(process.env.RECORD_DIR, name + '.jsonl'), JSON.stringify(entry) + '\\n');
}
`;

export function recordEnvironment(root: string): { RECORD_DIR: string } {
  return { RECORD_DIR: path.join(root, 'records') };
}

export function readRecords(root: string, name: string): any[] {
  const file = path.join(root, 'records', `${name}.jsonl`);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}
