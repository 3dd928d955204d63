import { isAnalysisField, type AnalysisField, type NameCount } from '../../search';
import type { AssetSummary } from '../../tables/ingest';
import type { AnalysisNameCounts } from './console-ports';
import { invalid } from './errors';

/**
 * `GET /stats?size=&aggregate=`. Without `aggregate`: the original's dashboard figures — assets by type with their
 * file size and duration (max, min, average, total), assets by overall status, and the `size` most recently ingested
 * assets. The original asks its search index for them; here they are computed from the ingest table, which holds the
 * same fields for every asset (including those whose ingest has not reached the index yet).
 * With `aggregate=<fields>`: for each analysis field, the `size` names most assets have, from the search index.
 */

export interface StatsQuery {
  readonly size: number;
  readonly aggregate: readonly AnalysisField[];
}

/** OpenSearch's result window, the most recent assets the original can list. */
const MAX_RECENTS = 10_000;
/** A `terms` aggregation's `size` is an int greater than 0. */
const MAX_TERMS_SIZE = 2 ** 31 - 1;
/** `Number(qs.size || 100)`: an absent or empty size, for the recent assets and the aggregations alike. */
const DEFAULT_SIZE = 100;

export function parseStatsQuery(query: Readonly<Record<string, string>>): StatsQuery {
  let aggregate = '';
  try {
    aggregate = decodeURIComponent(query.aggregate ?? '');
  } catch {
    throw invalid('invalid aggregate value');
  }
  const fields = aggregate.split(',').filter((field) => field !== '');
  let size = DEFAULT_SIZE;
  if (query.size !== undefined && query.size !== '') {
    // The original passes any number on to OpenSearch, which refuses what these bounds keep out.
    const [min, max] = fields.length > 0 ? [1, MAX_TERMS_SIZE] : [0, MAX_RECENTS];
    if (!/^\d+$/.test(query.size) || Number(query.size) < min || Number(query.size) > max) {
      throw invalid('invalid size');
    }
    size = Number(query.size);
  }
  if (!fields.every(isAnalysisField)) throw invalid('invalid aggregate value');
  // One aggregation per name: the original builds them into an object keyed by field.
  return { size, aggregate: [...new Set(fields)] };
}

/** `{aggregations: {<field>: [{name, count}]}}`, the fields in the order asked. */
export interface AnalysisAggregations {
  readonly aggregations: Readonly<Record<string, readonly NameCount[]>>;
}

export async function analysisAggregations(
  index: AnalysisNameCounts,
  fields: readonly AnalysisField[],
  size: number,
): Promise<AnalysisAggregations> {
  const counts = await index.countNames(fields, size);
  return { aggregations: Object.fromEntries(fields.map((field) => [field, counts[field] ?? []])) };
}

export interface RangeStats {
  readonly max: number;
  readonly min: number;
  readonly avg: number;
  readonly total: number;
}

export interface OverallStats {
  readonly stats: {
    readonly types: ReadonlyArray<{
      readonly type: string;
      readonly count: number;
      readonly fileSize: RangeStats;
      readonly duration: RangeStats;
    }>;
    readonly overallStatuses: ReadonlyArray<{ readonly overallStatus: string; readonly count: number }>;
  };
  readonly recents: ReadonlyArray<Record<string, unknown>>;
}

/** OpenSearch's `terms` aggregation returns its 10 largest buckets by default, the original's only page. */
const TERMS_SIZE = 10;

export function overallStats(assets: readonly AssetSummary[], size: number): OverallStats {
  const byType = groupBy(assets, (asset) => asset.type);
  const byStatus = groupBy(assets, (asset) => asset.overallStatus);
  return {
    stats: {
      types: byType.map(([type, group]) => ({
        type,
        count: group.length,
        fileSize: range(group.map((asset) => asset.fileSize)),
        duration: range(group.map((asset) => asset.duration)),
      })),
      overallStatuses: byStatus.map(([overallStatus, group]) => ({ overallStatus, count: group.length })),
    },
    // OpenSearch's `sort: [{timestamp: 'desc'}]` lists an asset without a timestamp after every other.
    recents: [...assets]
      .sort((a, b) => timestampOf(b) - timestampOf(a))
      .slice(0, size)
      .map(({ uuid, overallStatus: _status, ...fields }) => ({ ...fields, uuid })),
  };
}

function timestampOf(asset: AssetSummary): number {
  return typeof asset.timestamp === 'number' && Number.isFinite(asset.timestamp) ? asset.timestamp : -Infinity;
}

/** Buckets as a `terms` aggregation orders them: most documents first, then by key. */
function groupBy(
  assets: readonly AssetSummary[],
  key: (asset: AssetSummary) => unknown,
): Array<[string, AssetSummary[]]> {
  const groups = new Map<string, AssetSummary[]>();
  for (const asset of assets) {
    const value = key(asset);
    if (typeof value !== 'string' || value === '') continue;
    groups.set(value, [...(groups.get(value) ?? []), asset]);
  }
  return [...groups.entries()]
    .sort(([a, left], [b, right]) => right.length - left.length || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, TERMS_SIZE);
}

/**
 * `max`/`min`/`avg`/`sum` floored as the original floors them; a group without the field reports 0 (floor(null)).
 * `fileSize` and `duration` are `long` in the original's mapping: each value counts without its fraction.
 */
function range(values: ReadonlyArray<unknown>): RangeStats {
  const numbers = values
    .filter((value): value is number => typeof value === 'number' && Number.isFinite(value))
    .map(Math.trunc);
  if (numbers.length === 0) return { max: 0, min: 0, avg: 0, total: 0 };
  const total = numbers.reduce((sum, value) => sum + value, 0);
  return {
    max: Math.floor(numbers.reduce((max, value) => (value > max ? value : max))),
    min: Math.floor(numbers.reduce((min, value) => (value < min ? value : min))),
    avg: Math.floor(total / numbers.length),
    total: Math.floor(total),
  };
}
