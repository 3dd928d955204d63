import type {
  Asset,
  AssetInfo,
  AssetLock,
  AssetStore,
  LockStore,
  MediaObjectRef,
  MediaUrlSigner,
  MetadataObjectStore,
  MetadataPointer,
  PointerWrite,
  PresignedUpload,
} from '../../../lambdas/media-insights/dataplane/domain/ports';
import { Dataplane } from '../../../lambdas/media-insights/dataplane/domain/dataplane';

/** In-memory storage with the semantics the ports promise, for domain tests that need no engines. */
export class InMemoryAssets implements AssetStore {
  readonly records = new Map<string, { info: AssetInfo; operators: Map<string, MetadataPointer[]> }>();

  async create(asset: AssetInfo): Promise<void> {
    if (this.records.has(asset.assetId)) throw new Error(`Asset ${asset.assetId} exists`);
    this.records.set(asset.assetId, { info: asset, operators: new Map() });
  }

  async get(assetId: string): Promise<Asset | undefined> {
    const record = this.records.get(assetId);
    return record && { ...record.info, operators: new Map(record.operators) };
  }

  async exists(assetId: string): Promise<boolean> {
    return this.records.has(assetId);
  }

  async pointers(assetId: string, operatorName: string): Promise<readonly MetadataPointer[] | undefined> {
    const record = this.records.get(assetId);
    return record && (record.operators.get(operatorName) ?? []);
  }

  async prependPointer(assetId: string, operatorName: string, pointer: MetadataPointer): Promise<PointerWrite> {
    const record = this.records.get(assetId);
    if (!record) return 'missing';
    const existing = record.operators.get(operatorName) ?? [];
    const head = existing[0];
    if (head?.pointer === pointer.pointer && head.workflow === pointer.workflow) return 'stored';
    record.operators.set(operatorName, [pointer, ...existing]);
    return 'stored';
  }

  async removePointers(assetId: string, operatorName: string): Promise<readonly MetadataPointer[] | undefined> {
    const record = this.records.get(assetId);
    if (!record) return undefined;
    const removed = record.operators.get(operatorName) ?? [];
    record.operators.delete(operatorName);
    return removed;
  }

  async delete(assetId: string): Promise<Asset | undefined> {
    const asset = await this.get(assetId);
    this.records.delete(assetId);
    return asset;
  }

  async listIds(): Promise<string[]> {
    return [...this.records.keys()];
  }
}

export class InMemoryLocks implements LockStore {
  readonly locks = new Map<string, AssetLock>();

  async acquire(lock: AssetLock): Promise<boolean> {
    if (this.locks.has(lock.assetId)) return false;
    this.locks.set(lock.assetId, lock);
    return true;
  }

  async release(assetId: string): Promise<boolean> {
    return this.locks.delete(assetId);
  }

  async remove(assetId: string): Promise<void> {
    this.locks.delete(assetId);
  }

  async list(): Promise<AssetLock[]> {
    return [...this.locks.values()];
  }
}

export class InMemoryObjects implements MetadataObjectStore {
  readonly objects = new Map<string, string>();

  async read(key: string): Promise<string | undefined> {
    return this.objects.get(key);
  }

  async write(key: string, json: string): Promise<void> {
    this.objects.set(key, json);
  }

  async writeMarker(key: string): Promise<void> {
    this.objects.set(key, '');
  }

  async delete(keys: readonly string[]): Promise<string[]> {
    for (const key of keys) this.objects.delete(key);
    return [...keys];
  }
}

export class RecordingUrlSigner implements MediaUrlSigner {
  readonly calls: { kind: 'post' | 'get'; ref: MediaObjectRef; options: object }[] = [];

  async presignedPost(ref: MediaObjectRef, options: { expiresInSeconds: number; maxContentLength: number }) {
    this.calls.push({ kind: 'post', ref, options });
    return { url: `https://${ref.bucket}.s3.amazonaws.com/`, fields: { key: ref.key } } satisfies PresignedUpload;
  }

  async presignedGet(ref: MediaObjectRef, options: { expiresInSeconds: number }): Promise<string> {
    this.calls.push({ kind: 'get', ref, options });
    return `https://${ref.bucket}.s3.amazonaws.com/${ref.key}?X-Amz-Signature=test`;
  }
}

export const DATAPLANE_BUCKET = 'dataplane-bucket';

/** A data plane on in-memory storage with a settable clock and predictable asset ids. */
export function inMemoryDataplane(options: { now?: number } = {}) {
  const assets = new InMemoryAssets();
  const locks = new InMemoryLocks();
  const objects = new InMemoryObjects();
  const urls = new RecordingUrlSigner();
  const clock = { now: options.now ?? 1_700_000_000_123 };
  let sequence = 0;
  const dataplane = new Dataplane({
    assets,
    locks,
    objects,
    urls,
    bucket: DATAPLANE_BUCKET,
    frameworkVersion: 'v5.1.8',
    now: () => clock.now,
    newAssetId: () => `asset-${++sequence}`,
  });
  return { dataplane, assets, locks, objects, urls, clock };
}
