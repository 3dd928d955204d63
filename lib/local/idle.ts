/** Lambda keeps an idle execution environment for minutes; local mode frees its memory after five by default. */
const DEFAULT_IDLE_SECONDS = 5 * 60;

/**
 * How long a Lambda worker, a model process or a document reader may stay idle before local mode retires it
 * (`MEDIAPLANE_IDLE_SECONDS`, default 300): each holds hundreds of MB that an afternoon of occasional calls would
 * otherwise keep.
 */
export function idleRetirementMs(environment: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(environment.MEDIAPLANE_IDLE_SECONDS ?? DEFAULT_IDLE_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_IDLE_SECONDS) * 1000;
}
