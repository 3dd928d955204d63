import { awsDependencies } from '../adapters';
import { analysisHandlers } from './handlers';

/** Lambda entry points of the analysis state machine's tasks (RunAnalyzer has its own: `analyzer-handler.ts`). */
export const { prepareAnalysis, analysisCompleted } = analysisHandlers(awsDependencies());
