import type { TaskHandler } from '../ingest/handlers';
import type { PipelineDependencies } from '../ports';
import { DEFAULT_REGISTRY, type AnalyzerRegistry } from './registry';
import { analysisCompleted, prepareAnalysis, runAnalyzer } from './steps';

/** The analysis state machine's tasks, one Lambda function each (see `catalog.ts`). */
export function analysisHandlers(deps: PipelineDependencies, registry: AnalyzerRegistry = DEFAULT_REGISTRY) {
  return {
    prepareAnalysis: (event: unknown) => prepareAnalysis(event, deps, registry),
    runAnalyzer: (event: unknown) => runAnalyzer(event, deps, registry),
    analysisCompleted: (event: unknown) => analysisCompleted(event, deps),
  } satisfies Record<string, TaskHandler>;
}
