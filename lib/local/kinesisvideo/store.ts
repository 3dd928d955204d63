import * as fs from 'node:fs';
import * as path from 'node:path';

/** A stream as DescribeStream tells it, plus what the local service needs to number its fragments. */
export interface StreamRecord {
  readonly StreamName: string;
  readonly StreamARN: string;
  readonly DeviceName?: string;
  readonly MediaType?: string;
  readonly KmsKeyId: string;
  readonly Version: string;
  readonly Status: 'ACTIVE';
  /** Epoch milliseconds. */
  readonly CreationTime: number;
  readonly DataRetentionInHours: number;
  readonly Tags: Readonly<Record<string, string>>;
  /** Directory of this stream's fragments (name and creation time, so a re-created stream starts empty). */
  readonly directory: string;
  /** The leading 20 digits of this stream's fragment numbers. */
  readonly fragmentPrefix: string;
}

/** One stored fragment; its bytes are in `<stream directory>/<fragmentNumber>.mkv` as [producer tags][cluster]. */
export interface FragmentRecord {
  readonly fragmentNumber: string;
  readonly serverTimestampMs: number;
  readonly producerTimestampMs: number;
  readonly durationMs: number;
  /** Index into the stream's headers (Info + Tracks as the producer sent them). */
  readonly header: number;
  readonly producerTagsLength: number;
  readonly clusterLength: number;
}

export interface StoredHeader {
  readonly info: Buffer;
  readonly tracks: Buffer;
}

/**
 * Streams and fragments on disk: `streams.json` for the streams, and per stream a directory with `index.jsonl` (one
 * fragment per line, appended), `headers.jsonl` and one file per fragment. A restart reads them back.
 */
export class KinesisVideoStore {
  private readonly streams = new Map<string, StreamRecord>();
  private readonly fragments = new Map<string, FragmentRecord[]>();
  private readonly headers = new Map<string, StoredHeader[]>();

  constructor(private readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
    const file = path.join(root, 'streams.json');
    if (fs.existsSync(file)) {
      for (const stream of JSON.parse(fs.readFileSync(file, 'utf8')) as StreamRecord[]) {
        this.streams.set(stream.StreamName, stream);
        this.fragments.set(stream.StreamName, readLines<FragmentRecord>(path.join(this.dir(stream), 'index.jsonl')));
        this.headers.set(
          stream.StreamName,
          readLines<{ info: string; tracks: string }>(path.join(this.dir(stream), 'headers.jsonl')).map((header) => ({
            info: Buffer.from(header.info, 'base64'),
            tracks: Buffer.from(header.tracks, 'base64'),
          })),
        );
      }
    }
  }

  listStreams(): StreamRecord[] {
    return [...this.streams.values()].sort((a, b) => (a.StreamName < b.StreamName ? -1 : 1));
  }

  getStream(name: string): StreamRecord | undefined {
    return this.streams.get(name);
  }

  putStream(stream: StreamRecord): void {
    this.streams.set(stream.StreamName, stream);
    fs.mkdirSync(this.dir(stream), { recursive: true });
    if (!this.fragments.has(stream.StreamName)) this.fragments.set(stream.StreamName, []);
    if (!this.headers.has(stream.StreamName)) this.headers.set(stream.StreamName, []);
    this.saveStreams();
  }

  deleteStream(stream: StreamRecord): void {
    this.streams.delete(stream.StreamName);
    this.fragments.delete(stream.StreamName);
    this.headers.delete(stream.StreamName);
    this.saveStreams();
    fs.rmSync(this.dir(stream), { recursive: true, force: true });
  }

  fragmentsOf(stream: StreamRecord): readonly FragmentRecord[] {
    return this.fragments.get(stream.StreamName) ?? [];
  }

  header(stream: StreamRecord, index: number): StoredHeader {
    const header = this.headers.get(stream.StreamName)?.[index];
    if (!header) throw new Error(`Stream ${stream.StreamName} has no header ${index}`);
    return header;
  }

  /** The index of this header in the stream's list, adding it if it is new. */
  addHeader(stream: StreamRecord, header: StoredHeader): number {
    const list = this.headers.get(stream.StreamName) ?? [];
    const found = list.findIndex((known) => known.info.equals(header.info) && known.tracks.equals(header.tracks));
    if (found >= 0) return found;
    list.push(header);
    this.headers.set(stream.StreamName, list);
    fs.appendFileSync(
      path.join(this.dir(stream), 'headers.jsonl'),
      `${JSON.stringify({ info: header.info.toString('base64'), tracks: header.tracks.toString('base64') })}\n`,
    );
    return list.length - 1;
  }

  appendFragment(stream: StreamRecord, record: FragmentRecord, bytes: Buffer): void {
    fs.writeFileSync(this.fragmentFile(stream, record.fragmentNumber), bytes);
    fs.appendFileSync(path.join(this.dir(stream), 'index.jsonl'), `${JSON.stringify(record)}\n`);
    this.fragments.get(stream.StreamName)?.push(record);
  }

  readFragment(stream: StreamRecord, record: FragmentRecord): Buffer | undefined {
    try {
      return fs.readFileSync(this.fragmentFile(stream, record.fragmentNumber));
    } catch {
      return undefined;
    }
  }

  /** Drops the oldest `count` fragments (retention, or a test's simulated expiry). */
  expireOldest(stream: StreamRecord, count: number): FragmentRecord[] {
    const list = this.fragments.get(stream.StreamName) ?? [];
    const expired = list.splice(0, Math.max(0, count));
    if (expired.length === 0) return expired;
    for (const record of expired) fs.rmSync(this.fragmentFile(stream, record.fragmentNumber), { force: true });
    const file = path.join(this.dir(stream), 'index.jsonl');
    fs.writeFileSync(`${file}.tmp`, list.map((record) => `${JSON.stringify(record)}\n`).join(''));
    fs.renameSync(`${file}.tmp`, file);
    return expired;
  }

  private saveStreams(): void {
    const file = path.join(this.root, 'streams.json');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify([...this.streams.values()], null, 2));
    fs.renameSync(`${file}.tmp`, file);
  }

  private dir(stream: StreamRecord): string {
    return path.join(this.root, stream.directory);
  }

  private fragmentFile(stream: StreamRecord, fragmentNumber: string): string {
    return path.join(this.dir(stream), `${fragmentNumber}.mkv`);
  }
}

function readLines<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as T];
      } catch {
        // A line cut short by a crash mid-append: the fragment it names was never acknowledged.
        return [];
      }
    });
}
