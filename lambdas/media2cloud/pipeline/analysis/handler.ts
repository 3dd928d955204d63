import { awsDependencies } from '../adapters';
import { analysisHandlers } from './handlers';

/** Lambda entry points of the analysis state machine's tasks. */
export const { prepareAnalysis, runAnalyzer, analysisCompleted } = analysisHandlers(awsDependencies());
