import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { element, ID, stringElement, uintElement } from '../lambdas/shared/media/mkv';
import {
  getMediaDocument,
  producerClusterStart,
  producerInfo,
  producerSimpleBlock,
  producerTracks,
} from '../lambdas/kvs-consumer/media/producer-mkv';
import type { BenchRow } from './table';

const run = promisify(execFile);
const TARGET_BYTES = 200 * 1024 * 1024;
/** A 2 s fragment at about 8 Mbit/s: a 256 KiB key frame and 49 frames of 36 KiB, at 25 fps. */
const KEY_FRAME = 256 * 1024;
const FRAME = 36 * 1024;
const FRAMES = 50;

/**
 * Parser throughput and peak memory on 200 MB of GetMedia output in the Producer SDK layout (unknown-size Segments
 * and Clusters, 8-byte block and tag sizes, the KVS tags around each fragment): our tokenizer alone, our fragment
 * reader (which also cuts out every fragment's bytes, as the consumer does), and `ebml-stream` on the same bytes.
 * Each parser reads the file in 64 KiB chunks in a process of its own.
 */
export async function kvsBenchmark(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-bench-kvs-'));
  const file = path.join(dir, 'getmedia.mkv');
  try {
    const { bytes, fragments } = writeStream(file);
    const rows: BenchRow[] = [];
    const results = new Map<string, { seconds: number; maxRssBytes: number; items: number }>();
    for (const parser of ['tokenizer', 'fragments', 'ebml-stream']) {
      const { stdout } = await run('npx', ['tsx', path.join(__dirname, 'kvs-parse-worker.ts'), parser, file], {
        maxBuffer: 1024 * 1024,
      }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '{"error":"failed"}' }));
      const result = JSON.parse(stdout) as { seconds: number; maxRssBytes: number; items: number; error?: string };
      if (result.error) {
        rows.push({ benchmark: 'kvs', case: parser, metric: 'error', value: result.error });
        continue;
      }
      results.set(parser, result);
    }
    const reference = results.get('ebml-stream');
    const mb = bytes / 1e6;
    for (const [parser, result] of results) {
      const name =
        {
          tokenizer: 'mediaplane tokenizer',
          fragments: 'mediaplane GetMedia reader',
          'ebml-stream': 'ebml-stream 1.0.3',
        }[parser] ?? parser;
      rows.push({
        benchmark: 'kvs',
        case: `${name}, ${mb.toFixed(0)} MB, ${fragments} fragments`,
        metric: 'throughput',
        value: `${(mb / result.seconds).toFixed(0)} MB/s`,
        ...(reference && parser !== 'ebml-stream'
          ? { reference: `ebml-stream ${(mb / reference.seconds).toFixed(0)} MB/s` }
          : {}),
      });
      rows.push({
        benchmark: 'kvs',
        case: `${name}${parser === 'fragments' ? `, ${result.items} fragments read` : ''}`,
        metric: 'peak memory (RSS)',
        value: `${(result.maxRssBytes / 1024 / 1024).toFixed(0)} MiB`,
        ...(reference && parser !== 'ebml-stream'
          ? { reference: `ebml-stream ${(reference.maxRssBytes / 1024 / 1024).toFixed(0)} MiB` }
          : {}),
      });
    }
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes about 200 MB of GetMedia output, fragment by fragment, without holding it in memory. */
function writeStream(file: string): { bytes: number; fragments: number } {
  const info = producerInfo();
  const tracks = producerTracks([
    element(ID.TrackEntry, [
      uintElement(ID.TrackNumber, 1),
      uintElement(ID.TrackUID, 1),
      uintElement(ID.TrackType, 1),
      stringElement(ID.CodecID, 'V_MPEG4/ISO/AVC'),
      element(ID.CodecPrivate, randomBytes(40)),
    ]),
  ]);
  const key = randomBytes(KEY_FRAME);
  const frame = randomBytes(FRAME);
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  let fragments = 0;
  const start = Date.now();
  try {
    while (bytes < TARGET_BYTES) {
      const timecode = start + fragments * 2000;
      const cluster = Buffer.concat([
        producerClusterStart(timecode),
        ...Array.from({ length: FRAMES }, (_, i) =>
          producerSimpleBlock({ trackNumber: 1, flags: i === 0 ? 0x80 : 0, payload: i === 0 ? key : frame }, i * 40),
        ),
      ]);
      const number = String(91343852333181432392682062000000000000000000000n + BigInt(fragments) * 1_000_003n);
      for (const part of getMediaDocument(
        { info, tracks, cluster },
        {
          fragmentNumber: number,
          serverTimestampMs: timecode + 300,
          producerTimestampMs: timecode,
          millisBehindNow: 0,
          continuationToken: number,
        },
      )) {
        fs.writeSync(fd, part);
        bytes += part.length;
      }
      fragments++;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { bytes, fragments };
}
