import { CallbackAllowList } from './domain/callback-targets';
import { parsePrincipalGrants, type PrincipalGrants } from './domain/permissions';

/** What the stack hands the functions. Read once at cold start: a missing variable fails loudly, not half-working. */
export interface M2aConfig {
  readonly packagersTableName: string;
  readonly templatesTableName: string;
  readonly targetAccountsTableName: string;
  readonly permissionsTableName: string;
  readonly cloudEnv: string;
  readonly allowList: CallbackAllowList;
}

export interface M2aApiConfig extends M2aConfig {
  readonly stateMachineArn: string;
  readonly workerFunctionArn: string;
  readonly deployedGrants: readonly PrincipalGrants[];
}

function required(env: NodeJS.ProcessEnv, names: readonly string[]): void {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`Missing environment variables: ${missing.join(', ')}`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): M2aConfig {
  required(env, [
    'PACKAGERS_TABLE_NAME',
    'TEMPLATES_TABLE_NAME',
    'TARGET_ACCOUNTS_TABLE_NAME',
    'PERMISSIONS_TABLE_NAME',
  ]);
  return {
    packagersTableName: env.PACKAGERS_TABLE_NAME as string,
    templatesTableName: env.TEMPLATES_TABLE_NAME as string,
    targetAccountsTableName: env.TARGET_ACCOUNTS_TABLE_NAME as string,
    permissionsTableName: env.PERMISSIONS_TABLE_NAME as string,
    cloudEnv: env.CLOUD_ENV || 'prod',
    allowList: new CallbackAllowList(env.CALLBACK_ALLOWED_HOSTS),
  };
}

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): M2aApiConfig {
  required(env, ['ORCHESTRATION_STATE_MACHINE_ARN', 'WORKER_FUNCTION_ARN']);
  let deployedGrants: PrincipalGrants[];
  try {
    deployedGrants = parsePrincipalGrants(env.PERMISSIONS);
  } catch (error) {
    throw new Error(`PERMISSIONS is not valid: ${(error as Error).message}`);
  }
  return {
    ...loadConfig(env),
    stateMachineArn: env.ORCHESTRATION_STATE_MACHINE_ARN as string,
    workerFunctionArn: env.WORKER_FUNCTION_ARN as string,
    deployedGrants,
  };
}
