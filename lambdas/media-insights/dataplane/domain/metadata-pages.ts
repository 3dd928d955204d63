import { BadRequestError } from '../../../shared/http';
import { encodeAssetCursor, encodeOperatorCursor, type AssetCursor, type CursorEntry } from './cursor';
import { ChaliceViewError } from './errors';
import type { Asset } from './ports';

/**
 * How the original pages through an asset's metadata. GET /metadata/{asset_id} first returns the asset's global info
 * and a cursor over its operators; each following call returns one operator's results, or one page of them when the
 * operator stored a paginated list. The cursor disappears with the last page.
 */
export interface MetadataPage {
  readonly asset_id: string;
  readonly operator?: string;
  readonly cursor?: string;
  readonly results: unknown;
}

/** First call of GET /metadata/{asset_id}: global info, and a cursor when the asset has any operator metadata. */
export function firstAssetPage(asset: Asset): MetadataPage {
  const globalInfo = {
    MediaType: asset.mediaType,
    S3Key: asset.s3Key,
    S3Bucket: asset.s3Bucket,
    Created: asset.created,
  };
  // The original walks a Python set, whose order changes from one process to the next; we sort by name.
  const remaining = [...asset.operators]
    .filter(([, pointers]) => pointers.length > 0)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([operatorName, pointers]) => ({ operatorName, pointer: pointers[0].pointer }));
  return assetPage(asset.assetId, globalInfo, remaining);
}

/** A cursor call of GET /metadata/{asset_id}, given the results stored where the cursor points. */
export function nextAssetPage(assetId: string, cursor: AssetCursor, stored: unknown): MetadataPage {
  const { next, remaining } = cursor;
  if (!Array.isArray(stored)) return assetPage(assetId, stored, remaining.slice(1), next.operatorName);
  const results = pageOf(stored, next.page);
  if (next.page + 1 < stored.length) {
    const cursorText = encodeAssetCursor({ next: { ...next, page: next.page + 1 }, remaining });
    return { asset_id: assetId, operator: next.operatorName, cursor: cursorText, results };
  }
  return assetPage(assetId, results, remaining.slice(1), next.operatorName);
}

/**
 * GET /metadata/{asset_id}/{operator_name}: the whole results, or page `page` of a paginated list with a cursor to
 * the page after it. `fromCursor` tells a bad cursor (the caller's mistake) from a bad stored list (ours).
 */
export function operatorPage(
  assetId: string,
  operatorName: string,
  pointer: string,
  page: number,
  stored: unknown,
  fromCursor: boolean,
): MetadataPage {
  if (!Array.isArray(stored)) {
    if (page !== 0) throw new BadRequestError(`Invalid cursor: the ${operatorName} results are not paginated`);
    return { asset_id: assetId, operator: operatorName, results: stored };
  }
  if (!fromCursor && stored.length === 0) throw new ChaliceViewError(`Stored ${operatorName} results have no pages`);
  const results = pageOf(stored, page);
  if (page + 1 < stored.length) {
    const cursor = encodeOperatorCursor({ next: { operatorName, pointer, page: page + 1 }, remaining: [operatorName] });
    return { asset_id: assetId, operator: operatorName, cursor, results };
  }
  return { asset_id: assetId, operator: operatorName, results };
}

function assetPage(
  assetId: string,
  results: unknown,
  remaining: readonly CursorEntry[],
  operatorName?: string,
): MetadataPage {
  let cursor: string | undefined;
  if (remaining.length > 0) {
    // The original sets "page" on the first remaining entry in place, so the cursor carries it in both spots.
    const next = { ...remaining[0], page: 0 };
    cursor = encodeAssetCursor({ next, remaining: [next, ...remaining.slice(1)] });
  }
  return {
    asset_id: assetId,
    ...(operatorName === undefined ? {} : { operator: operatorName }),
    ...(cursor === undefined ? {} : { cursor }),
    results,
  };
}

function pageOf(stored: readonly unknown[], page: number): unknown {
  if (page >= stored.length) throw new BadRequestError(`Invalid cursor: the results have no page ${page}`);
  return stored[page];
}
