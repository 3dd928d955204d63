import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Records kept as one JSON file each under a directory (jobs, vocabularies, terminologies): a restart finds them
 * again, and a write replaces a file whole (written aside, then renamed) so a stop mid-write never leaves half a
 * record. Ids are file names, so callers pass ids that are safe as such (the services' own name patterns are).
 */
export class RecordStore<T> {
  constructor(private readonly directory: string) {
    fs.mkdirSync(directory, { recursive: true });
  }

  get(id: string): T | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(id), 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  put(id: string, record: T): void {
    const file = this.file(id);
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(record));
    fs.renameSync(temporary, file);
  }

  delete(id: string): boolean {
    try {
      fs.unlinkSync(this.file(id));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  all(): T[] {
    return fs
      .readdirSync(this.directory)
      .filter((name) => name.endsWith('.json'))
      .map((name) => this.get(decodeURIComponent(name.slice(0, -'.json'.length))))
      .filter((record): record is T => record !== undefined);
  }

  private file(id: string): string {
    return path.join(this.directory, `${encodeURIComponent(id)}.json`);
  }
}

/**
 * A page of a listing the way the AWS list operations page: `NextToken` is opaque to the caller (here the offset,
 * base64url-encoded with what was listed, so a token from another listing is refused), `MaxResults` bounded.
 */
export function page<T>(
  items: readonly T[],
  options: {
    readonly maxResults?: number;
    readonly nextToken?: string;
    readonly defaultMax: number;
    readonly scope: string;
  },
  invalidToken: () => Error,
): { readonly items: T[]; readonly nextToken?: string } {
  let offset = 0;
  if (options.nextToken !== undefined) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(options.nextToken, 'base64url').toString('utf8'));
    } catch {
      throw invalidToken();
    }
    const token = decoded as { o?: unknown; s?: unknown };
    if (typeof token.o !== 'number' || token.s !== options.scope || token.o < 0) throw invalidToken();
    offset = token.o;
  }
  const size = options.maxResults ?? options.defaultMax;
  const items_ = items.slice(offset, offset + size);
  const next = offset + size;
  return next < items.length
    ? { items: items_, nextToken: Buffer.from(JSON.stringify({ o: next, s: options.scope })).toString('base64url') }
    : { items: items_ };
}
