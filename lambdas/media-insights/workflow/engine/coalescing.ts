/**
 * Coalesces schedule requests. The scheduler runs one invocation at a time (reserved concurrency 1), so a pass that
 * started after a request was made has seen everything that request was about: a burst of requests queued behind
 * one pass costs one more pass, not one each. Requests without a time (older callers, rules) always run.
 */
export class SchedulePasses {
  private lastStartedAt = 0;

  /** Whether a request made at `requestedAt` needs a pass; if so, a pass starts now. */
  admit(requestedAt: number | undefined, now: number): boolean {
    if (requestedAt !== undefined && requestedAt < this.lastStartedAt) return false;
    this.lastStartedAt = now;
    return true;
  }
}
