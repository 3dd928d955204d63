/**
 * Reads the variables an operator function needs, once, at cold start: a missing variable fails the deployment's
 * first invocation loudly instead of a workflow later. The names are listed in `catalog.ts` for the stack.
 */
export function requireEnvironment<const Name extends string>(
  names: readonly Name[],
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Record<Name, string>> {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`Missing environment variables: ${missing.join(', ')}`);
  return Object.fromEntries(names.map((name) => [name, env[name]!])) as Record<Name, string>;
}
