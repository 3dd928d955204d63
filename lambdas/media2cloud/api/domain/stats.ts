import { ANALYSIS_FIELDS } from '../../search/document';
import type { AssetSummary } from '../../tables/ingest';
import { HttpError } from '../../../shared/http';
import { invalid } from './errors';

/**
 * `GET /stats?size=&aggregate=`: the original's dashboard figures — assets by type with their file size and
 * duration (max, min, average, total), assets by overall status, and the `size` most recently ingested assets.
 * The original asks its search index for them; here they are computed from the ingest table, which holds the
 * same fields for every asset (including those whose ingest has not reached the index yet).
 */

export interface StatsQuery {
  readonly size: number;
  readonly aggregate: readonly string[];
}

/** OpenSearch's result window, the most the original can ask for. */
const MAX_SIZE = 10_000;
const DEFAULT_SIZE = 100;

export function parseStatsQuery(query: Readonly<Record<string, string>>): StatsQuery {
  let size = DEFAULT_SIZE;
  // `Number(qs.size || 100)`: an empty value is the default.
  if (query.size !== undefined && query.size !== '') {
    if (!/^\d+$/.test(query.size) || Number(query.size) > MAX_SIZE) throw invalid('invalid size');
    size = Number(query.size);
  }
  let aggregate = '';
  try {
    aggregate = decodeURIComponent(query.aggregate ?? '');
  } catch {
    throw invalid('invalid aggregate value');
  }
  const fields = aggregate.split(',').filter((field) => field !== '');
  if (fields.some((field) => !(ANALYSIS_FIELDS as readonly string[]).includes(field))) {
    throw invalid('invalid aggregate value');
  }
  return { size, aggregate: fields };
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
    recents: [...assets]
      .filter((asset) => typeof asset.timestamp === 'number')
      .sort((a, b) => (b.timestamp as number) - (a.timestamp as number))
      .slice(0, size)
      .map(({ uuid, overallStatus: _status, ...fields }) => ({ ...fields, uuid })),
  };
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

/** `max`/`min`/`avg`/`sum` floored as the original floors them; a group without the field reports 0 (floor(null)). */
function range(values: ReadonlyArray<unknown>): RangeStats {
  const numbers = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  if (numbers.length === 0) return { max: 0, min: 0, avg: 0, total: 0 };
  const total = numbers.reduce((sum, value) => sum + value, 0);
  return {
    max: Math.floor(numbers.reduce((max, value) => (value > max ? value : max))),
    min: Math.floor(numbers.reduce((min, value) => (value < min ? value : min))),
    avg: Math.floor(total / numbers.length),
    total: Math.floor(total),
  };
}

class NotImplementedError extends HttpError {
  readonly statusCode = 501;
}

/**
 * `aggregate=<fields>` counts the names found by each analysis (celebrities, labels, key phrases…) across the search
 * index. That needs the index's terms aggregations, which mediaplane does not send yet: a clear 501 until it does.
 */
export function aggregationUnavailable(): HttpError {
  return new NotImplementedError(
    'aggregate is not available yet: mediaplane does not compute analysis aggregations; GET /stats without it works',
    'NotImplemented',
  );
}
