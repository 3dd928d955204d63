#!/usr/bin/env node
import * as fs from 'node:fs';
import { inspectCapture } from '../lib/kvs/inspect';
import { EbmlFormatError } from '../lambdas/shared/media/mkv';

/**
 * `npm run kvs:inspect -- <capture.mkv | ->`: one JSON line per fragment of a GetMedia capture (for instance the file
 * `aws kinesis-video-media get-media … out.mkv` writes): fragmentNumber, serverTimestampMs, producerTimestampMs,
 * millisBehindNow, continuationToken, bytes — or error.
 */
async function main(args: string[]): Promise<number> {
  const file = args.find((arg) => !arg.startsWith('--'));
  if (!file || args.includes('--help')) {
    console.error('usage: npm run kvs:inspect -- <GetMedia capture file, or - for standard input>');
    return file ? 0 : 2;
  }
  const input = file === '-' ? process.stdin : fs.createReadStream(file);
  try {
    for await (const line of inspectCapture(input as AsyncIterable<Buffer>))
      process.stdout.write(`${JSON.stringify(line)}\n`);
    return 0;
  } catch (error) {
    const message =
      error instanceof EbmlFormatError
        ? `not an MKV stream: ${error.message}`
        : String((error as Error).message ?? error);
    process.stdout.write(`${JSON.stringify({ error: message })}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
