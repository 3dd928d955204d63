import type { Media2CloudSettings } from './domain/ports';
import { stackDefaultAiOptions } from '../pipeline/domain/ai-options';
import type { AiOptions } from './domain/records';

/** What the stack hands the function. Read once at cold start: a missing variable fails loudly, not half-working. */
export interface Media2CloudApiConfig {
  readonly ingestTableName: string;
  readonly analysisTableName: string;
  /** The face indexer table: the names of the collections' faces (`/faceindexer`). */
  readonly faceIndexerTableName: string;
  readonly ingestBucket: string;
  readonly proxyBucket: string;
  readonly mainStateMachineArn: string;
  readonly analysisStateMachineArn: string;
  readonly removalFunctionArn: string;
  /** The OpenSearch domain endpoint: its bare host name (in local mode, the local search endpoint's URL). */
  readonly searchEndpoint: string;
  readonly defaultAiOptions: AiOptions;
  /** The Cognito user pool of the web portal's users (`/users`). */
  readonly userPoolId: string;
  /** The AWS IoT policy `/attach-policy` attaches to a web portal identity. */
  readonly iotPolicyName: string;
  /** The Bedrock model `/genai/*` asks; empty when none is configured (the routes then refuse, as the original). */
  readonly bedrockModelId: string;
}

const VARIABLES = {
  ingestTableName: 'INGEST_TABLE_NAME',
  analysisTableName: 'AIML_TABLE_NAME',
  faceIndexerTableName: 'FACEINDEXER_TABLE_NAME',
  ingestBucket: 'INGEST_BUCKET',
  proxyBucket: 'PROXY_BUCKET',
  mainStateMachineArn: 'MAIN_STATE_MACHINE_ARN',
  analysisStateMachineArn: 'ANALYSIS_STATE_MACHINE_ARN',
  removalFunctionArn: 'REMOVAL_FUNCTION_ARN',
  searchEndpoint: 'SEARCH_ENDPOINT',
  userPoolId: 'USER_POOL_ID',
  iotPolicyName: 'IOT_POLICY_NAME',
} as const satisfies Record<Exclude<keyof Media2CloudApiConfig, 'defaultAiOptions' | 'bedrockModelId'>, string>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Media2CloudApiConfig {
  const missing = Object.values(VARIABLES).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`Missing environment variables: ${missing.join(', ')}`);
  const value = (key: keyof typeof VARIABLES) => env[VARIABLES[key]] as string;
  return {
    ingestTableName: value('ingestTableName'),
    analysisTableName: value('analysisTableName'),
    faceIndexerTableName: value('faceIndexerTableName'),
    ingestBucket: value('ingestBucket'),
    proxyBucket: value('proxyBucket'),
    mainStateMachineArn: value('mainStateMachineArn'),
    analysisStateMachineArn: value('analysisStateMachineArn'),
    removalFunctionArn: value('removalFunctionArn'),
    searchEndpoint: value('searchEndpoint'),
    userPoolId: value('userPoolId'),
    iotPolicyName: value('iotPolicyName'),
    bedrockModelId: env.BEDROCK_MODEL_ID ?? '',
    // Read as the pipeline reads it: a preset (`v4.default`, the stack parameter's default), a list or JSON.
    defaultAiOptions: parseDefaultAiOptions(env.DEFAULT_AI_OPTIONS),
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

function parseDefaultAiOptions(text: string | undefined): AiOptions {
  try {
    return stackDefaultAiOptions(text);
  } catch (error) {
    throw new Error(`DEFAULT_AI_OPTIONS is not valid: ${(error as Error).message}`);
  }
}
