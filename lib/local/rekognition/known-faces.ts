import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { byFaceSize, similarity } from './answers';
import type { ModelPool } from './models/pool';

/** A person the user told local mode about: a folder of their photos. */
export interface KnownPerson {
  readonly name: string;
  /** Stable across calls and restarts, as a celebrity id is. */
  readonly id: string;
  readonly descriptors: readonly (readonly number[])[];
}

/** Celebrity matches need at least this similarity (Rekognition's default face-match threshold). */
export const CELEBRITY_MATCH_THRESHOLD = 80;

const IMAGE_FILE = /\.(jpe?g|png)$/i;

/**
 * No offline model can know who is famous. Celebrity recognition names only the people in
 * `<dataDir>/rekognition/known-faces/<Name>/*.jpg`: each photo's largest face is described once (cached by file
 * size and time) and faces are matched against those descriptors. Everyone else is an unrecognized face.
 */
export class KnownFaces {
  private readonly cache = new Map<string, { stamp: string; descriptor: readonly number[] | undefined }>();

  constructor(
    readonly directory: string,
    private readonly models: Pick<ModelPool, 'analyze'>,
  ) {}

  async people(): Promise<KnownPerson[]> {
    if (!fs.existsSync(this.directory)) return [];
    const people: KnownPerson[] = [];
    for (const entry of fs.readdirSync(this.directory, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const folder = path.join(this.directory, entry.name);
      const descriptors: (readonly number[])[] = [];
      for (const file of fs
        .readdirSync(folder)
        .filter((name) => IMAGE_FILE.test(name))
        .sort()) {
        const descriptor = await this.describe(path.join(folder, file));
        if (descriptor) descriptors.push(descriptor);
      }
      if (descriptors.length > 0) people.push({ name: entry.name, id: celebrityId(entry.name), descriptors });
    }
    return people;
  }

  /** The best match for a face descriptor, if it is similar enough. */
  static match(
    people: readonly KnownPerson[],
    descriptor: readonly number[],
  ): { person: KnownPerson; similarity: number } | undefined {
    let best: { person: KnownPerson; similarity: number } | undefined;
    for (const person of people) {
      for (const known of person.descriptors) {
        const score = similarity(descriptor, known);
        if (!best || score > best.similarity) best = { person, similarity: score };
      }
    }
    return best && best.similarity >= CELEBRITY_MATCH_THRESHOLD ? best : undefined;
  }

  private async describe(file: string): Promise<readonly number[] | undefined> {
    const stat = fs.statSync(file);
    const stamp = `${stat.size}:${stat.mtimeMs}`;
    const cached = this.cache.get(file);
    if (cached?.stamp === stamp) return cached.descriptor;
    let descriptor: readonly number[] | undefined;
    try {
      const result = await this.models.analyze({ encoded: fs.readFileSync(file) }, { faces: { descriptors: true } });
      descriptor = byFaceSize(result.faces ?? [])[0]?.descriptor;
    } catch {
      // A photo that is not an image names nobody; the rest of the folder still counts.
      descriptor = undefined;
    }
    this.cache.set(file, { stamp, descriptor });
    return descriptor;
  }
}

/** Eight characters from the name, like the service's celebrity ids (`1SK7cR8M`). */
export function celebrityId(name: string): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const digest = createHash('sha256').update(name).digest();
  return Array.from(digest.subarray(0, 8), (byte) => alphabet[byte % alphabet.length]).join('');
}
