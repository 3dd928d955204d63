/**
 * Exponential backoff with full jitter (a random wait between 0 and the capped exponential), so consumers that were
 * refused together do not come back together.
 */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(random() * ceiling);
}

/** Spaces calls at least `intervalMs` apart (GetMedia allows 5 calls per second per stream). */
export class CallSpacer {
  private last = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  async next(): Promise<void> {
    const wait = this.last + this.intervalMs - this.now();
    if (wait > 0) await this.sleep(wait);
    this.last = this.now();
  }
}
