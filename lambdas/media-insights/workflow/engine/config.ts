/** The engine functions' environment, read once; a missing variable fails the cold start, not a workflow. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}
