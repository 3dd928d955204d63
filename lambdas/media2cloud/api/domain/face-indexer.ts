import type { FaceIndexerTable, FaceRecord, RenamedFace } from '../../tables/face-indexer';
import { FACE_IMAGE_PREFIX, indexerImageId, nameFromImageId } from '../../shared/face-names';
import { invalid, notFound, notImplemented } from './errors';
import { isUuid } from './validation';

/**
 * `/faceindexer`: the faces of Rekognition face collections that Media2Cloud keeps names for. A face is indexed from
 * an image (the web app sends the face it cropped from a frame or a result's bounding box), imported from a
 * collection indexed elsewhere, renamed, listed with its name and deleted. Analysis reads the names back
 * (`tables/face-indexer.ts`), so a named face becomes a name in the results and in search.
 */

/** The face indexer table, as the API uses it. */
export type FaceStore = Pick<
  FaceIndexerTable,
  'register' | 'batchGet' | 'putAll' | 'rename' | 'deleteUnnamed' | 'faceIdsNamed'
>;

/** A face of a collection, as Rekognition lists it. */
export interface CollectionFace {
  readonly faceId: string;
  readonly externalImageId?: string;
  readonly userId?: string;
}

/** Rekognition's face calls on one collection. Refusals (no such collection) are thrown as `ServiceRefusal`s. */
export interface CollectionFaces {
  /** Indexes the largest face of the image that passes the quality filter; `undefined` when there is none. */
  indexFace(collectionId: string, image: Uint8Array, externalImageId: string): Promise<CollectionFace | undefined>;
  /** One page of the collection's faces. */
  listFaces(collectionId: string, page: { pageSize: number; token?: string }): Promise<CollectionFacePage>;
  /** How many faces the collection holds; `undefined` when there is no such collection. */
  faceCount(collectionId: string): Promise<number | undefined>;
  /** The ids of the faces deleted. */
  deleteFaces(collectionId: string, faceIds: readonly string[]): Promise<string[]>;
}

export interface CollectionFacePage {
  readonly faces: readonly CollectionFace[];
  readonly token?: string;
}

/** Where the indexer keeps the face images it indexed (the proxy bucket). */
export interface FaceImages {
  put(key: string, image: Uint8Array): Promise<void>;
}

/** A renaming asked for, with the name it replaces when the face had one. */
export interface FaceRenaming {
  readonly faceId: string;
  readonly celeb: string;
  readonly updateFrom?: string;
}

/** A face whose name changes (`celeb`) or that is gone (no `celeb`), and the name results gave it so far. */
export interface FaceNameChange {
  readonly faceId: string;
  readonly previousName: string;
  readonly celeb?: string;
}

/**
 * Brings existing results in line with renamed and deleted faces (the original's update-face-indexer state
 * machine): the search entries that name them.
 */
export interface FaceRetagging {
  retag(changes: readonly FaceNameChange[]): Promise<void>;
}

export interface FaceIndexerPorts {
  readonly faces: FaceStore;
  readonly collectionFaces: CollectionFaces;
  readonly faceImages: FaceImages;
  readonly retagging: FaceRetagging;
  readonly now: () => number;
}

const DEFAULT_PAGE_SIZE = 100;
/** ListFaces' maximum page. */
const MAX_PAGE_SIZE = 4096;
/** Faces imported per ListFaces call, as the original pages its import. */
const IMPORT_PAGE_SIZE = 250;
const MAX_NAME_BYTES = 2048;
/** The original's `validateCharacterSet`: letters, punctuation, digits, currency symbols and blanks. */
const NAME_CHARACTERS = /[\p{L}\p{P}\p{N}\p{Sc}\s]+/u;
const COLLECTION_ID = /^[a-zA-Z0-9_.-]{1,255}$/;
const IMAGE_BLOB = /^data:image\/(png|jpeg|jpg);base64,.{20,}/;
/** Rekognition's IndexFaces image limit (bytes, before base64). */
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export const FaceActions = { Tagging: 'tagging', Deleting: 'deleting' } as const;

/** What `GET /faceindexer?collectionId=` answers: a page of the collection's faces, with their names where known. */
export interface FacePage {
  readonly faces: readonly (FaceRecord | (CollectionFace & { readonly externalImageId?: string }))[];
  readonly token?: string;
}

/** What `POST /faceindexer/update` (and `DELETE` of a managed face) answers. */
export interface FaceUpdateResult {
  readonly updated?: RenamedFace[];
  readonly deleted?: FaceRecord[];
}

/** What analysis called a face nobody had named: its `ExternalImageId` read as a name, or its id. */
function unnamedFaceName(face: FaceRecord): string {
  return (face.externalImageId ? nameFromImageId(face.externalImageId, face.faceId) : undefined) ?? face.faceId;
}

/** A query value, decoded once more as the original web app encodes them twice. */
function decoded(value: string | undefined, what: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalid(`invalid ${what}`);
  }
}

export function isFaceName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    Buffer.byteLength(value, 'utf8') <= MAX_NAME_BYTES &&
    NAME_CHARACTERS.test(value)
  );
}

function isCollectionId(value: unknown): value is string {
  return typeof value === 'string' && COLLECTION_ID.test(value);
}

function bodyObject(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

export class FaceIndexer {
  constructor(private readonly ports: FaceIndexerPorts) {}

  /** `GET /faceindexer`: by `collectionId` (a page), by `faceIds` (a comma list) or by `faceId`. */
  async get(query: Readonly<Record<string, string | undefined>>): Promise<unknown> {
    if (query.collectionId !== undefined) return this.page(query);
    if (query.faceIds !== undefined) {
      const faceIds = (decoded(query.faceIds, 'faceIds') ?? '').split(',').filter((id) => id.length > 0);
      if (faceIds.length === 0) throw invalid('invalid faceIds');
      return this.ports.faces.batchGet(faceIds);
    }
    if (query.faceId !== undefined) {
      const faceId = decoded(query.faceId, 'faceId');
      if (!isUuid(faceId)) throw invalid('invalid faceId');
      const [face] = await this.ports.faces.batchGet([faceId]);
      // The original answers an unknown face with an empty body.
      if (face === undefined) throw notFound(`face ${faceId} not found`);
      return face;
    }
    throw invalid('invalid operation');
  }

  private async page(query: Readonly<Record<string, string | undefined>>): Promise<FacePage> {
    const collectionId = decoded(query.collectionId, 'collection id');
    if (!isCollectionId(collectionId)) throw invalid('invalid collection id');
    const pageSize = query.pageSize === undefined ? DEFAULT_PAGE_SIZE : Number(query.pageSize);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw invalid('invalid pageSize');
    const token = decoded(query.token, 'token');
    const listed = await this.ports.collectionFaces.listFaces(collectionId, {
      pageSize,
      ...(token ? { token } : {}),
    });
    if (listed.faces.length === 0) return { faces: [] };
    const byId = new Map<string, FaceRecord | CollectionFace>(
      listed.faces.map((face) => [
        face.faceId,
        { faceId: face.faceId, ...(face.externalImageId ? { externalImageId: face.externalImageId } : {}) },
      ]),
    );
    for (const record of await this.ports.faces.batchGet([...byId.keys()])) byId.set(record.faceId, record);
    return { ...(listed.token ? { token: listed.token } : {}), faces: [...byId.values()] };
  }

  /**
   * `POST /faceindexer/index`: the face in `blob` (a `data:image/…;base64,` URL) indexed into the collection under
   * the name, its image kept in the proxy bucket, its record written. Answers the record.
   */
  async index(body: unknown): Promise<FaceRecord> {
    const request = bodyObject(body);
    const { uuid, timestamp, collectionId, celeb, blob } = request;
    if (blob === undefined && typeof request.bucket === 'string' && String(request.key).endsWith('.json')) {
      // The original hands such a file to a state machine that indexes the faces the auto face indexer found.
      throw notImplemented(
        'indexing the faces of an auto face indexer result is not available: mediaplane has no auto face indexer; ' +
          'send each face as a blob',
      );
    }
    if (!isUuid(uuid)) throw invalid('invalid uuid');
    if (!isCollectionId(collectionId)) throw invalid('invalid collectionId');
    if (!isFaceName(celeb)) throw invalid('invalid celeb');
    if (typeof blob !== 'string' || !IMAGE_BLOB.test(blob)) throw invalid('invalid blob');
    const image = Buffer.from(blob.replace(/^data:image\/\w+;base64,/, ''), 'base64');
    if (image.length > MAX_IMAGE_BYTES) throw invalid('invalid blob');
    const at = typeof timestamp === 'number' && Number.isFinite(timestamp) && timestamp > 0 ? Math.round(timestamp) : 0;
    const externalImageId = indexerImageId(uuid, at);

    const face = await this.ports.collectionFaces.indexFace(collectionId, image, externalImageId);
    if (face === undefined) throw invalid('no face found in the image');
    const key = `${FACE_IMAGE_PREFIX}/${collectionId}/${face.faceId.replaceAll('-', '')}.jpg`;
    await this.ports.faceImages.put(key, image);
    const record: FaceRecord = {
      faceId: face.faceId,
      uuid,
      collectionId,
      externalImageId,
      celeb,
      ...(face.userId ? { userId: face.userId } : {}),
      key,
      timestamp: this.ports.now(),
    };
    await this.ports.faces.register(record);
    return record;
  }

  /**
   * `POST /faceindexer/import`: every face of a collection indexed elsewhere gets a record, named after its
   * `ExternalImageId` where that is a name. Faces the table knows keep their records (and names).
   */
  async import(body: unknown): Promise<{ processed: FaceRecord[]; unprocessed: FaceRecord[] }> {
    const { collectionId } = bodyObject(body);
    if (!isCollectionId(collectionId)) throw invalid('invalid collectionId');
    if ((await this.ports.collectionFaces.faceCount(collectionId)) === undefined) {
      throw notFound(`face collection ${collectionId} not found`);
    }
    const processed: FaceRecord[] = [];
    const unprocessed: FaceRecord[] = [];
    let token: string | undefined;
    do {
      const page = await this.ports.collectionFaces.listFaces(collectionId, {
        pageSize: IMPORT_PAGE_SIZE,
        ...(token ? { token } : {}),
      });
      const known = new Set(
        (await this.ports.faces.batchGet(page.faces.map((face) => face.faceId))).map((f) => f.faceId),
      );
      const records = page.faces
        .filter((face) => !known.has(face.faceId))
        .map((face): FaceRecord => {
          const celeb = face.externalImageId ? nameFromImageId(face.externalImageId) : undefined;
          return {
            faceId: face.faceId,
            collectionId,
            ...(face.externalImageId ? { externalImageId: face.externalImageId } : {}),
            ...(face.userId ? { userId: face.userId } : {}),
            ...(celeb ? { celeb } : {}),
            timestamp: this.ports.now(),
          };
        });
      const left = await this.ports.faces.putAll(records);
      const leftIds = new Set(left.map((record) => record.faceId));
      processed.push(...records.filter((record) => !leftIds.has(record.faceId)));
      unprocessed.push(...left);
      token = page.token;
    } while (token);
    return { processed, unprocessed };
  }

  /**
   * `POST /faceindexer/update`: `[{action: 'tagging', faceId, celeb} | {action: 'deleting', faceId}]`. A renamed
   * face renames every face that had its old name; a deleted face (only one nobody named, as the original) leaves
   * its collection too. Results that name the faces follow.
   */
  async update(body: unknown): Promise<FaceUpdateResult> {
    if (!Array.isArray(body)) throw invalid('invalid face taggings');
    const renames = new Map<string, FaceRenaming>();
    const deletes: string[] = [];
    for (const item of body) {
      const { action, faceId, celeb } = bodyObject(item);
      if (!isUuid(faceId)) throw invalid('invalid faceId');
      if (action === FaceActions.Tagging) {
        if (!isFaceName(celeb)) throw invalid('invalid celeb');
        renames.set(faceId, { faceId, celeb });
      } else if (action === FaceActions.Deleting) {
        deletes.push(faceId);
      } else {
        throw invalid('invalid action');
      }
    }
    if (renames.size + deletes.length === 0) return {};

    const result: { updated?: RenamedFace[]; deleted?: FaceRecord[] } = {};
    if (renames.size > 0) {
      const updated: RenamedFace[] = [];
      for (const rename of await this.withNamesakes(renames)) {
        const renamed = await this.ports.faces.rename(rename.faceId, rename.celeb, rename.updateFrom);
        if (renamed) updated.push(renamed);
      }
      result.updated = updated;
    }
    if (deletes.length > 0) {
      const deleted: FaceRecord[] = [];
      for (const faceId of new Set(deletes)) {
        const record = await this.ports.faces.deleteUnnamed(faceId);
        if (record) deleted.push(record);
      }
      const byCollection = new Map<string, string[]>();
      for (const { collectionId, faceId } of deleted) {
        if (collectionId) byCollection.set(collectionId, [...(byCollection.get(collectionId) ?? []), faceId]);
      }
      for (const [collectionId, faceIds] of byCollection) {
        // As the original: the record is gone either way; a collection deleted meanwhile has nothing to remove.
        await this.ports.collectionFaces.deleteFaces(collectionId, faceIds).catch(() => []);
      }
      result.deleted = deleted;
    }
    const changes: FaceNameChange[] = [
      ...(result.updated ?? []).map((face) => ({
        faceId: face.faceId,
        previousName: face.updateFrom ?? unnamedFaceName(face),
        celeb: face.celeb,
      })),
      ...(result.deleted ?? []).map((face) => ({
        faceId: face.faceId,
        previousName: face.celeb ?? unnamedFaceName(face),
      })),
    ];
    if (changes.length > 0) await this.ports.retagging.retag(changes);
    return result;
  }

  /** The renames, each with the name it replaces, plus every other face that had one of those names. */
  private async withNamesakes(renames: Map<string, FaceRenaming>): Promise<FaceRenaming[]> {
    const oldToNew = new Map<string, string>();
    for (const { faceId, celeb } of await this.ports.faces.batchGet([...renames.keys()])) {
      const rename = renames.get(faceId);
      if (!celeb || !rename) continue;
      oldToNew.set(celeb, rename.celeb);
      renames.set(faceId, { ...rename, updateFrom: celeb });
    }
    for (const [oldName, newName] of oldToNew) {
      for (const faceId of await this.ports.faces.faceIdsNamed(oldName)) {
        if (!renames.has(faceId)) renames.set(faceId, { faceId, celeb: newName, updateFrom: oldName });
      }
    }
    return [...renames.values()];
  }

  /**
   * `DELETE /faceindexer?faceId=&collectionId=`: a face the indexer manages is deleted as `update` deletes it (a
   * named one stays); any other face is deleted from the collection.
   */
  async delete(query: Readonly<Record<string, string | undefined>>): Promise<FaceUpdateResult> {
    const faceId = decoded(query.faceId, 'face id');
    if (!isUuid(faceId)) throw invalid('invalid face id');
    const managed = await this.ports.faces.batchGet([faceId]);
    if (managed.length > 0) return this.update([{ faceId, action: FaceActions.Deleting }]);
    const collectionId = decoded(query.collectionId, 'collection id');
    if (!isCollectionId(collectionId)) throw invalid('invalid collection id');
    const deleted = await this.ports.collectionFaces.deleteFaces(collectionId, [faceId]);
    return { deleted: deleted.map((id) => ({ faceId: id }) as FaceRecord) };
  }
}
