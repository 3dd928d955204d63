import { BadRequestError, ConflictError, NotFoundError } from '../../../shared/http';
import { parseExactJson, stringifyExactJson } from '../../../shared/json/exact';
import { decodeAssetCursor, decodeOperatorCursor } from './cursor';
import { ChaliceViewError } from './errors';
import { assetPrefix, metadataKey, parseMetadataKey, workflowPrefix } from './keys';
import { firstAssetPage, nextAssetPage, operatorPage, type MetadataPage } from './metadata-pages';
import type {
  AssetStore,
  LockStore,
  MediaObjectRef,
  MediaUrlSigner,
  MetadataObjectStore,
  MetadataPointer,
  PresignedUpload,
} from './ports';
import { pythonTimestamp } from './python-compat';
import type { NewAssetInput, PaginationMode, StoreMetadataInput } from './validation';

/** The data plane API version this implementation speaks. */
export const API_VERSION = '3.0.0';

const PRESIGNED_URL_EXPIRY_SECONDS = 3600;
const MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

export interface DataplaneDependencies {
  readonly assets: AssetStore;
  readonly locks: LockStore;
  readonly objects: MetadataObjectStore;
  readonly urls: MediaUrlSigner;
  /** The data plane bucket, where asset folders and metadata live. */
  readonly bucket: string;
  readonly frameworkVersion: string;
  readonly now: () => number;
  readonly newAssetId: () => string;
}

export interface CreatedAsset {
  readonly AssetId: string;
  readonly MediaType: string;
  readonly S3Bucket: string;
  readonly S3Key: string;
}

export type StoreMetadataResult =
  { readonly Status: 'Success'; readonly Bucket: string; readonly Key: string } | { readonly Status: 'Success' };

export interface LockInfo {
  readonly AssetId: string;
  readonly LockedBy: string;
  readonly LockedAt: number;
}

/** The operations of the data plane API, one method per route, returning the original's response bodies. */
export class Dataplane {
  constructor(private readonly deps: DataplaneDependencies) {}

  version(): { ApiVersion: string; FrameworkVersion: string } {
    return { ApiVersion: API_VERSION, FrameworkVersion: this.deps.frameworkVersion };
  }

  uploadForm(ref: MediaObjectRef): Promise<PresignedUpload> {
    return this.deps.urls.presignedPost(ref, {
      expiresInSeconds: PRESIGNED_URL_EXPIRY_SECONDS,
      maxContentLength: MAX_UPLOAD_BYTES,
    });
  }

  downloadUrl(ref: MediaObjectRef): Promise<string> {
    return this.deps.urls.presignedGet(ref, { expiresInSeconds: PRESIGNED_URL_EXPIRY_SECONDS });
  }

  mediaPath(assetId: string, workflowId: string): { S3Bucket: string; S3Key: string } {
    return { S3Bucket: this.deps.bucket, S3Key: workflowPrefix(assetId, workflowId) };
  }

  /** Registers media where it already is: nothing is copied, the asset only gets a folder marker and a record. */
  async createAsset(input: NewAssetInput): Promise<CreatedAsset> {
    const assetId = this.deps.newAssetId();
    const marker = assetPrefix(assetId);
    await this.deps.objects.writeMarker(marker);
    try {
      await this.deps.assets.create({
        assetId,
        mediaType: input.mediaType,
        s3Bucket: input.s3Bucket,
        s3Key: input.s3Key,
        created: pythonTimestamp(this.deps.now()),
      });
    } catch (error) {
      await this.deps.objects.delete([marker]).catch(() => undefined);
      throw error;
    }
    return { AssetId: assetId, MediaType: input.mediaType, S3Bucket: input.s3Bucket, S3Key: input.s3Key };
  }

  listAssets(): Promise<{ assets: string[] }> {
    return this.deps.assets.listIds().then((assets) => ({ assets }));
  }

  /**
   * Stores one operator's results. They always go to S3 before the asset record points at them, so a reader never
   * follows a pointer to a missing or half-written object. Pages of a paginated result are appended to one JSON
   * list at the final key; only the last page (`end`) publishes the pointer.
   */
  async storeMetadata(assetId: string, input: StoreMetadataInput, mode: PaginationMode): Promise<StoreMetadataResult> {
    if (!(await this.deps.assets.exists(assetId))) throw assetNotFound(assetId);
    const key = metadataKey(assetId, input.workflowId, input.operatorName);
    const document = mode.paginated ? await this.appendPage(key, input.results) : input.results;
    await this.deps.objects.write(key, stringifyExactJson(document));
    if (mode.paginated && !mode.end) return { Status: 'Success' };

    const pointer: MetadataPointer = { workflow: input.workflowId, pointer: key };
    const written = await this.deps.assets.prependPointer(assetId, input.operatorName, pointer);
    if (written === 'missing') {
      // The asset was deleted while we wrote; take back the object that nothing will ever point at.
      await this.deps.objects.delete([key]).catch(() => undefined);
      throw assetNotFound(assetId);
    }
    if (written === 'full') {
      // The object just written stays under the asset's prefix, removed with the asset; no pointer was added.
      throw new BadRequestError(
        `Asset ${assetId} holds as many metadata pointers as one record can; delete metadata of operators no longer needed (DELETE /metadata/${assetId}/{operator_name}) and store again`,
      );
    }
    return { Status: 'Success', Bucket: this.deps.bucket, Key: key };
  }

  async assetMetadata(assetId: string, cursorText: string | undefined): Promise<MetadataPage> {
    if (cursorText === undefined) {
      const asset = await this.deps.assets.get(assetId);
      if (!asset) throw assetNotFound(assetId);
      return firstAssetPage(asset);
    }
    const cursor = decodeAssetCursor(cursorText, assetId);
    return nextAssetPage(assetId, cursor, await this.readStored(cursor.next.pointer));
  }

  async operatorMetadata(assetId: string, operatorName: string, cursorText: string | undefined): Promise<MetadataPage> {
    if (cursorText === undefined) {
      const pointers = await this.deps.assets.pointers(assetId, operatorName);
      if (!pointers) throw assetNotFound(assetId);
      if (pointers.length === 0) {
        throw new NotFoundError(`Unable to retrieve metadata, pointer does not exist for ${operatorName}`);
      }
      const { pointer } = pointers[0];
      return operatorPage(assetId, operatorName, pointer, 0, await this.readStored(pointer), false);
    }
    const next = decodeOperatorCursor(cursorText, assetId, operatorName);
    return operatorPage(assetId, operatorName, next.pointer, next.page, await this.readStored(next.pointer), true);
  }

  /**
   * Removes the operator's pointers first and its objects second: a failure in between leaves unreferenced objects,
   * never a pointer to nothing.
   */
  async deleteOperatorMetadata(assetId: string, operatorName: string): Promise<{ Deleted: { Key: string }[] }> {
    const removed = await this.deps.assets.removePointers(assetId, operatorName);
    if (!removed) throw assetNotFound(assetId);
    if (removed.length === 0) {
      throw new NotFoundError(`Unable to delete metadata, pointer does not exist for ${operatorName}`);
    }
    const keys = ownMetadataKeys(assetId, removed);
    const deleted = await this.deps.objects.delete(keys);
    return { Deleted: deleted.map((key) => ({ Key: key })) };
  }

  /**
   * Deletes the asset record, its lock, the metadata objects it pointed at and its folder marker. Never the source
   * media: the original also deleted the object at the asset's S3Key, which is the caller's own file.
   */
  async deleteAsset(assetId: string): Promise<string> {
    const asset = await this.deps.assets.delete(assetId);
    if (!asset) throw assetNotFound(assetId);
    await this.deps.locks.remove(assetId);
    const pointers = [...asset.operators.values()].flat();
    const isSourceMedia = (key: string) => asset.s3Bucket === this.deps.bucket && asset.s3Key === key;
    const keys = [...ownMetadataKeys(assetId, pointers), assetPrefix(assetId)].filter((key) => !isSourceMedia(key));
    await this.deps.objects.delete(keys);
    return `Deleted asset: ${assetId} from the dataplane`;
  }

  async checkout(assetId: string, lockedBy: string): Promise<LockInfo> {
    if (!(await this.deps.assets.exists(assetId))) throw assetNotFound(assetId);
    const lockedAt = Math.floor(this.deps.now() / 1000);
    if (!(await this.deps.locks.acquire({ assetId, lockedBy, lockedAt }))) {
      throw new ConflictError(`Unable to lock asset: ${assetId} is already checked out`);
    }
    return { AssetId: assetId, LockedBy: lockedBy, LockedAt: lockedAt };
  }

  async checkin(assetId: string): Promise<string> {
    if (!(await this.deps.assets.exists(assetId))) throw assetNotFound(assetId);
    if (!(await this.deps.locks.release(assetId))) {
      throw new ConflictError(`Unable to unlock asset: ${assetId} is not checked out`);
    }
    return `Unlocked asset ${assetId}`;
  }

  /** Oldest lock first, as the original's LockedAt-sorted index returns them; LockedAt is a string there. */
  async checkouts(): Promise<{ locks: { AssetId: string; LockedBy: string; LockedAt: string }[] }> {
    const locks = await this.deps.locks.list();
    const ordered = [...locks].sort(
      (left, right) => left.lockedAt - right.lockedAt || (left.assetId < right.assetId ? -1 : 1),
    );
    return {
      locks: ordered.map((lock) => ({
        AssetId: lock.assetId,
        LockedBy: lock.lockedBy,
        LockedAt: String(lock.lockedAt),
      })),
    };
  }

  private async appendPage(key: string, page: Record<string, unknown>): Promise<unknown[]> {
    const existing = await this.deps.objects.read(key);
    if (existing === undefined) return [page];
    const pages = parseStored(existing, key);
    if (!Array.isArray(pages)) {
      throw new ConflictError(`Unable to store a page of results: ${key} already holds results that are not paginated`);
    }
    return [...pages, page];
  }

  private async readStored(key: string): Promise<unknown> {
    const text = await this.deps.objects.read(key);
    if (text === undefined) throw new NotFoundError(`Unable to retrieve metadata: ${key} does not exist`);
    return parseStored(text, key);
  }
}

/** Stored results, integers beyond ±2^53 as exact as they were sent (Python's `json` keeps them so). */
function parseStored(text: string, key: string): unknown {
  try {
    return parseExactJson(text);
  } catch {
    throw new ChaliceViewError(`Unable to retrieve metadata: ${key} does not hold JSON`);
  }
}

/** The distinct keys among the pointers that lie in the asset's own metadata; anything else is not ours to delete. */
function ownMetadataKeys(assetId: string, pointers: readonly MetadataPointer[]): string[] {
  const keys = pointers.map(({ pointer }) => pointer).filter((key) => parseMetadataKey(key)?.assetId === assetId);
  return [...new Set(keys)];
}

function assetNotFound(assetId: string): NotFoundError {
  return new NotFoundError(`Exception occurred while verifying asset exists: ${assetId} does not exist`);
}
