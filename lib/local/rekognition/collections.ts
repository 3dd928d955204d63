import * as fs from 'node:fs';
import * as path from 'node:path';
import { RekognitionErrors } from './errors';
import type { WireBoundingBox } from './answers';

/** A face stored in a collection: what `ListFaces` shows, and the descriptor searches compare. */
export interface StoredFace {
  readonly FaceId: string;
  readonly BoundingBox: WireBoundingBox;
  readonly ImageId: string;
  readonly ExternalImageId?: string;
  readonly Confidence: number;
  readonly IndexFacesModelVersion: string;
  readonly descriptor: readonly number[];
}

export interface Collection {
  readonly collectionId: string;
  readonly arn: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly faceModelVersion: string;
  readonly faces: readonly StoredFace[];
}

/**
 * Face collections, one JSON file each under the module's directory, so they survive restarts as a collection does
 * in the service. A write goes to a temporary file renamed over the old one: a crash never leaves half a collection.
 */
export class CollectionStore {
  private readonly directory: string;

  constructor(moduleDirectory: string) {
    this.directory = path.join(moduleDirectory, 'collections');
    fs.mkdirSync(this.directory, { recursive: true });
  }

  create(collection: Collection): void {
    if (this.find(collection.collectionId)) throw RekognitionErrors.collectionExists(collection.collectionId);
    this.write(collection);
  }

  find(collectionId: string): Collection | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(collectionId), 'utf8')) as Collection;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  get(collectionId: string): Collection {
    const collection = this.find(collectionId);
    if (!collection) throw RekognitionErrors.collectionNotFound(collectionId);
    return collection;
  }

  /** Collection ids in the order ListCollections gives them (by name). */
  list(): Collection[] {
    return fs
      .readdirSync(this.directory)
      .filter((name) => name.endsWith('.json'))
      .map((name) => this.find(decodeURIComponent(name.slice(0, -'.json'.length))))
      .filter((collection): collection is Collection => collection !== undefined)
      .sort((a, b) => (a.collectionId < b.collectionId ? -1 : a.collectionId > b.collectionId ? 1 : 0));
  }

  delete(collectionId: string): void {
    this.get(collectionId);
    fs.rmSync(this.file(collectionId), { force: true });
  }

  /** Changes a collection's faces; the change is written whole or not at all. */
  update(collectionId: string, change: (faces: readonly StoredFace[]) => readonly StoredFace[]): Collection {
    const collection = this.get(collectionId);
    const updated = { ...collection, faces: change(collection.faces) };
    this.write(updated);
    return updated;
  }

  private write(collection: Collection): void {
    const target = this.file(collection.collectionId);
    const temporary = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(collection));
    fs.renameSync(temporary, target);
  }

  private file(collectionId: string): string {
    // Ids may hold '.', which is safe in a file name; encoding keeps '..' from meaning anything.
    return path.join(this.directory, `${encodeURIComponent(collectionId).replace(/\./g, '%2E')}.json`);
  }
}
