import { isMediaType } from '../../search/document';
import { isOptions, resolveAnalysisAiOptions, type AiOptions } from '../domain/ai-options';
import { AnalysisError } from '../domain/errors';
import { AI_OPTIONS_SETTINGS_KEY, makeSafeOutputPrefix } from '../domain/layout';
import type { AnalysisRecord } from '../../tables/analysis';
import type { MediaType } from '../domain/records';
import { asObject, optionalString } from '../domain/state';
import { OverallStatus, StateStatus, Status } from '../domain/statuses';
import type { PipelineDependencies } from '../ports';
import { ignoreMissingDocument, writeStatus } from '../status/status-writer';
import type { AnalysisAsset, AnalyzerDependencies, AnalyzerOutcome, PreviousResult } from './analyzer';
import type { AnalyzerRegistry } from './registry';

/** The analysis state machine's state after `Prepare analysis`. */
export interface AnalysisState {
  readonly uuid: string;
  /** The request as it came from ingest, with the resolved `aiOptions`. */
  readonly input: Readonly<Record<string, unknown>> & { readonly aiOptions: AiOptions };
  readonly asset: AnalysisAsset;
  /** Ids of the analyzers to run. */
  readonly analyzers: readonly string[];
  /** Ids of the analyzers that run after them, reading their results (Comprehend after Transcribe). */
  readonly followUps: readonly string[];
  readonly requestTime: number;
}

/** One analyzer's result, as the `Run analyzers` map collects them. */
export interface AnalyzerResult extends AnalyzerOutcome {
  readonly analyzer: string;
  readonly category: MediaType;
  /** The analysis record attribute it is written under. */
  readonly recordKey: string;
}

type Dependencies = Pick<PipelineDependencies, 'config' | 'records' | 'analyses' | 'objects' | 'search' | 'now'>;

/**
 * `Prepare analysis`: resolves `aiOptions` (the record's, overlaid by the request's, completed from the global
 * settings or the stack default, unavailable services off), decides which analyzers run, sets `ANALYSIS_STARTED`
 * with this execution as the record's `executionArn`, and replaces the last run's results: the run drops them
 * itself, so `POST /analysis` changes nothing before the run has started and a failed request loses nothing.
 */
export async function prepareAnalysis(
  event: unknown,
  deps: Dependencies,
  registry: AnalyzerRegistry,
): Promise<AnalysisState> {
  const body = asObject(event, 'event');
  const input = asObject(body.input ?? {}, 'input');
  const uuid = optionalString(input.uuid);
  if (!uuid) throw new AnalysisError('missing uuid');
  const record = await deps.records.get(uuid);
  if (!record) throw new AnalysisError(`asset ${uuid} has no ingest record`);
  if (!isMediaType(record.type) || !record.bucket || !record.key) {
    throw new AnalysisError(`asset ${uuid} has not been ingested (type ${String(record.type)})`);
  }

  const settings = await deps.objects
    .getText({ bucket: deps.config.proxyBucket, key: AI_OPTIONS_SETTINGS_KEY })
    .then((text) => (text === undefined ? undefined : (JSON.parse(text) as unknown)))
    .catch(() => undefined);
  const aiOptions = resolveAnalysisAiOptions(
    record.aiOptions,
    isOptions(input.aiOptions) ? input.aiOptions : undefined,
    isOptions(settings) ? settings : deps.config.defaultAiOptions,
    registry.serviceAvailability(),
  );
  const asset: AnalysisAsset = {
    uuid,
    type: record.type,
    bucket: record.bucket,
    key: record.key,
    mime: record.mime,
    destination: record.destination ?? {
      bucket: deps.config.proxyBucket,
      prefix: makeSafeOutputPrefix(uuid, record.key),
    },
    duration: record.duration,
    framerate: record.framerate,
    mediainfo: record.mediainfo,
    imageinfo: record.imageinfo,
    docinfo: record.docinfo,
    proxies: record.proxies,
  };
  const { first: analyzers, second: followUps } = registry.rounds(asset, aiOptions);

  await writeStatus(deps, uuid, {
    status: Status.AnalysisStarted,
    overallStatus: OverallStatus.Processing,
    fields: { executionArn: optionalString(body.executionArn), aiOptions },
    // The list goes first: once it is gone no reader takes the records below as current.
    remove: ['errorMessage', 'analysis'],
  });
  await deps.analyses.deleteAll(uuid);
  // A re-run replaces the AI results; mediaplane's own fields are rewritten by their analyzers.
  await ignoreMissingDocument(deps.search.dropAnalysisFields(uuid));
  return { uuid, input: { ...input, aiOptions }, asset, analyzers, followUps, requestTime: deps.now() };
}

/** `Run analyzer` (once per planned analyzer, in a Map state). */
export async function runAnalyzer(
  event: unknown,
  deps: AnalyzerDependencies,
  registry: AnalyzerRegistry,
): Promise<AnalyzerResult> {
  const body = asObject(event, 'event');
  const id = optionalString(body.analyzer);
  if (!id) throw new AnalysisError('missing analyzer');
  const asset = asObject(body.asset, 'asset') as unknown as AnalysisAsset;
  const analyzer = registry.get(id);
  const outcome = await analyzer.run(
    {
      asset,
      aiOptions: isOptions(body.aiOptions) ? body.aiOptions : {},
      requestTime: typeof body.requestTime === 'number' ? body.requestTime : deps.now(),
      ...(Array.isArray(body.previous) ? { previous: body.previous as PreviousResult[] } : {}),
    },
    deps,
  );
  return { analyzer: id, category: analyzer.category(asset), recordKey: analyzer.recordKey ?? id, ...outcome };
}

export interface AnalysisSummary {
  readonly uuid: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** The analysis record types written. */
  readonly analysis: readonly string[];
}

/**
 * `Analysis completed`: one analysis record per category with results (`video`, `audio`, `image`, `document`),
 * each analyzer's entry under its record key (`rekognition`, `transcribe`, `comprehend`, `textract`, `subtitle`…);
 * the record's `analysis` list; `ANALYSIS_COMPLETED`/`COMPLETED`.
 */
export async function analysisCompleted(event: unknown, deps: Dependencies): Promise<AnalysisSummary> {
  const body = asObject(event, 'event');
  const uuid = optionalString(body.uuid);
  if (!uuid) throw new AnalysisError('missing uuid');
  const results = [
    ...(Array.isArray(body.results) ? body.results : []),
    ...(Array.isArray(body.followUpResults) ? body.followUpResults : []),
  ] as AnalyzerResult[];
  const startTime = typeof body.startTime === 'string' ? Date.parse(body.startTime) : deps.now();
  const executionArn = optionalString(body.executionArn);

  const byCategory = new Map<MediaType, AnalyzerResult[]>();
  for (const result of results) {
    if (result.status !== StateStatus.Completed) continue;
    byCategory.set(result.category, [...(byCategory.get(result.category) ?? []), result]);
  }
  for (const [category, completed] of byCategory) {
    const record: AnalysisRecord = {
      uuid,
      type: category,
      status: StateStatus.Completed,
      startTime: Number.isNaN(startTime) ? deps.now() : startTime,
      endTime: deps.now(),
      ...(executionArn ? { executionArn } : {}),
      ...Object.fromEntries(completed.map((result) => [result.recordKey ?? result.analyzer, result.output])),
    };
    await deps.analyses.merge(record);
  }

  const existing = (await deps.records.get(uuid))?.analysis ?? [];
  const analysis = [...new Set([...existing, ...byCategory.keys()])];
  await writeStatus(deps, uuid, {
    status: Status.AnalysisCompleted,
    overallStatus: OverallStatus.Completed,
    fields: { analysis },
  });
  return { uuid, input: asObject(body.input ?? {}, 'input'), analysis };
}
