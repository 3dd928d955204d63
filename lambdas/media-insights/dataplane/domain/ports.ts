/**
 * What the data plane needs from storage, in its own words. The DynamoDB and S3 adapters implement these; tests can
 * use in-memory versions.
 */

/** One operator's results for one workflow run: where they are in the data plane bucket. */
export interface MetadataPointer {
  readonly workflow: string;
  readonly pointer: string;
}

/** The asset attributes the original returns as an asset's "global info". */
export interface AssetInfo {
  readonly assetId: string;
  readonly mediaType: string;
  readonly s3Bucket: string;
  readonly s3Key: string;
  /** Seconds since the epoch as Python prints a float, e.g. `"1700000000.123"`. */
  readonly created: string;
}

export interface Asset extends AssetInfo {
  /** Per operator name, its pointers, newest first. */
  readonly operators: ReadonlyMap<string, readonly MetadataPointer[]>;
}

export interface AssetLock {
  readonly assetId: string;
  readonly lockedBy: string;
  /** Whole seconds since the epoch. */
  readonly lockedAt: number;
}

/** How a pointer write ended. */
export type PointerWrite = 'stored' | 'missing' | 'full';

export interface AssetStore {
  /** Records a new asset. Rejects if one with the same id exists. */
  create(asset: AssetInfo): Promise<void>;
  get(assetId: string): Promise<Asset | undefined>;
  exists(assetId: string): Promise<boolean>;
  /** The operator's pointers ([] when it has none), or `undefined` when the asset does not exist. */
  pointers(assetId: string, operatorName: string): Promise<readonly MetadataPointer[] | undefined>;
  /**
   * Puts a pointer in front of the operator's list in one atomic step; a pointer equal to the newest one is not added
   * again. `missing` when the asset does not exist, `full` when its record cannot hold another pointer.
   */
  prependPointer(assetId: string, operatorName: string, pointer: MetadataPointer): Promise<PointerWrite>;
  /** Drops the operator's pointers and returns them ([] when it had none), or `undefined` when there is no asset. */
  removePointers(assetId: string, operatorName: string): Promise<readonly MetadataPointer[] | undefined>;
  /** Deletes the asset record and returns what it held, or `undefined` when there was none. */
  delete(assetId: string): Promise<Asset | undefined>;
  listIds(): Promise<string[]>;
}

export interface LockStore {
  /** `false` when the asset is already locked. */
  acquire(lock: AssetLock): Promise<boolean>;
  /** `false` when the asset was not locked. */
  release(assetId: string): Promise<boolean>;
  /** Drops any lock on the asset, locked or not. */
  remove(assetId: string): Promise<void>;
  list(): Promise<AssetLock[]>;
}

/** Objects in the data plane bucket. */
export interface MetadataObjectStore {
  /** The object's text, or `undefined` when it does not exist. */
  read(key: string): Promise<string | undefined>;
  write(key: string, json: string): Promise<void>;
  /** An empty object standing for a folder. */
  writeMarker(key: string): Promise<void>;
  /** Deletes the objects; returns the keys S3 reports deleted. Throws if any could not be deleted. */
  delete(keys: readonly string[]): Promise<string[]>;
}

export interface MediaObjectRef {
  readonly bucket: string;
  readonly key: string;
}

export interface PresignedUpload {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface PresignOptions {
  readonly expiresInSeconds: number;
}

export interface MediaUrlSigner {
  /** An HTML-form POST that uploads one object of at most `maxContentLength` bytes. */
  presignedPost(
    ref: MediaObjectRef,
    options: PresignOptions & { readonly maxContentLength: number },
  ): Promise<PresignedUpload>;
  presignedGet(ref: MediaObjectRef, options: PresignOptions): Promise<string>;
}
