/** What the stack hands the function. Read once at cold start: a missing variable fails the deployment loudly. */
export interface DataplaneConfig {
  readonly tableName: string;
  readonly lockTableName: string;
  readonly bucket: string;
  readonly frameworkVersion: string;
}

const VARIABLES = {
  tableName: 'DATAPLANE_TABLE_NAME',
  lockTableName: 'DATAPLANE_LOCK_TABLE_NAME',
  bucket: 'DATAPLANE_BUCKET',
  frameworkVersion: 'FRAMEWORK_VERSION',
} as const satisfies Record<keyof DataplaneConfig, string>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): DataplaneConfig {
  const missing = Object.values(VARIABLES).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`Missing environment variables: ${missing.join(', ')}`);
  return {
    tableName: env[VARIABLES.tableName]!,
    lockTableName: env[VARIABLES.lockTableName]!,
    bucket: env[VARIABLES.bucket]!,
    frameworkVersion: env[VARIABLES.frameworkVersion]!,
  };
}
