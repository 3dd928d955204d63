import type { Media2CloudSettings } from './domain/ports';
import type { AiOptions } from './domain/records';

/** What the stack hands the function. Read once at cold start: a missing variable fails loudly, not half-working. */
export interface Media2CloudApiConfig {
  readonly ingestTableName: string;
  readonly analysisTableName: string;
  readonly ingestBucket: string;
  readonly proxyBucket: string;
  readonly mainStateMachineArn: string;
  readonly analysisStateMachineArn: string;
  readonly removalFunctionArn: string;
  /** The OpenSearch domain endpoint, `https://...` (in local mode, the local engine's URL). */
  readonly searchEndpoint: string;
  readonly defaultAiOptions: AiOptions;
}

const VARIABLES = {
  ingestTableName: 'INGEST_TABLE_NAME',
  analysisTableName: 'AIML_TABLE_NAME',
  ingestBucket: 'INGEST_BUCKET',
  proxyBucket: 'PROXY_BUCKET',
  mainStateMachineArn: 'MAIN_STATE_MACHINE_ARN',
  analysisStateMachineArn: 'ANALYSIS_STATE_MACHINE_ARN',
  removalFunctionArn: 'REMOVAL_FUNCTION_ARN',
  searchEndpoint: 'SEARCH_ENDPOINT',
  defaultAiOptions: 'DEFAULT_AI_OPTIONS',
} as const satisfies Record<keyof Media2CloudApiConfig, string>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Media2CloudApiConfig {
  const missing = Object.values(VARIABLES).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`Missing environment variables: ${missing.join(', ')}`);
  const value = (key: keyof typeof VARIABLES) => env[VARIABLES[key]] as string;
  return {
    ingestTableName: value('ingestTableName'),
    analysisTableName: value('analysisTableName'),
    ingestBucket: value('ingestBucket'),
    proxyBucket: value('proxyBucket'),
    mainStateMachineArn: value('mainStateMachineArn'),
    analysisStateMachineArn: value('analysisStateMachineArn'),
    removalFunctionArn: value('removalFunctionArn'),
    searchEndpoint: value('searchEndpoint'),
    defaultAiOptions: parseDefaultAiOptions(value('defaultAiOptions')),
  };
}

export function settingsFromConfig(config: Media2CloudApiConfig): Media2CloudSettings {
  return {
    ingestBucket: config.ingestBucket,
    proxyBucket: config.proxyBucket,
    mainStateMachineArn: config.mainStateMachineArn,
    analysisStateMachineArn: config.analysisStateMachineArn,
    defaultAiOptions: config.defaultAiOptions,
  };
}

function parseDefaultAiOptions(text: string): AiOptions {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('DEFAULT_AI_OPTIONS is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('DEFAULT_AI_OPTIONS must be a JSON object');
  }
  return parsed as AiOptions;
}
