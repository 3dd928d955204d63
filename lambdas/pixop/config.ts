/** What the stack hands Pixop's functions. Read once at cold start: a missing variable fails loudly. */
export const PIXOP_VARIABLES = {
  usersTable: 'USERS_TABLE_NAME',
  teamsTable: 'TEAMS_TABLE_NAME',
  projectsTable: 'PROJECTS_TABLE_NAME',
  videosTable: 'VIDEOS_TABLE_NAME',
  mediaBucket: 'MEDIA_BUCKET',
  ingestStateMachineArn: 'INGEST_STATE_MACHINE_ARN',
  processStateMachineArn: 'PROCESS_STATE_MACHINE_ARN',
  maxConcurrency: 'MAX_PARALLEL_SEGMENTS',
  segmentSeconds: 'SEGMENT_SECONDS',
} as const;

export type PixopConfigKey = keyof typeof PIXOP_VARIABLES;
export type PixopConfig = Readonly<Record<PixopConfigKey, string>>;

/** Reads the variables `keys` names; each function asks only for what it uses. */
export function loadConfig<Key extends PixopConfigKey>(
  keys: readonly Key[],
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Record<Key, string>> {
  const missing = keys.filter((key) => !env[PIXOP_VARIABLES[key]]).map((key) => PIXOP_VARIABLES[key]);
  if (missing.length > 0) throw new Error(`Missing environment variables: ${missing.join(', ')}`);
  return Object.fromEntries(keys.map((key) => [key, env[PIXOP_VARIABLES[key]] as string])) as Record<Key, string>;
}

export function positiveNumber(value: string, name: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`${name} must be a positive number, got "${value}"`);
  return number;
}
