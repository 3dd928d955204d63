/**
 * One parser over one file, in a process of its own so that its peak memory (maxRSS) is its own: prints
 * `{"seconds", "maxRssBytes", "items"}`. Run by bench/kvs.ts.
 */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { EbmlStreamDecoder } from 'ebml-stream';
import { EbmlTokenizer } from '../lambdas/shared/media/mkv';
import { GetMediaReader } from '../lambdas/kvs-consumer/media/get-media-reader';

const CHUNK = 64 * 1024;

async function main(parser: string, file: string): Promise<void> {
  const started = performance.now();
  let items = 0;
  const stream = fs.createReadStream(file, { highWaterMark: CHUNK });
  if (parser === 'tokenizer') {
    const tokenizer = new EbmlTokenizer({ onLeaf: () => void items++, onStart: () => void items++ });
    for await (const chunk of stream as AsyncIterable<Buffer>) tokenizer.write(chunk);
    tokenizer.end();
  } else if (parser === 'fragments') {
    const reader = new GetMediaReader();
    for await (const chunk of stream as AsyncIterable<Buffer>) items += reader.push(chunk).length;
    reader.end();
  } else if (parser === 'ebml-stream') {
    const decoder = new EbmlStreamDecoder();
    decoder.on('data', () => void items++);
    await new Promise<void>((resolve, reject) => {
      decoder.on('finish', () => resolve());
      decoder.on('error', reject);
      stream.on('error', reject);
      stream.pipe(decoder);
      decoder.resume();
    });
  } else {
    throw new Error(`unknown parser ${parser}`);
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024, items }));
}

main(process.argv[2] ?? '', process.argv[3] ?? '').catch((error: unknown) => {
  process.stdout.write(JSON.stringify({ error: String((error as Error).message ?? error) }));
  process.exitCode = 1;
});
