/**
 * Work that runs off the request path, a few items at a time (the machine's cores are shared with everything else
 * local mode runs). Items are ids; what an id means and where its state lives is the caller's. `idle()` resolves
 * once nothing is queued or running (tests and benchmarks wait on it), `stop()` lets running items finish and
 * starts no more.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly running = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private waiters: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly work: (id: string) => Promise<void>,
    private readonly concurrency = 1,
    private readonly onError: (id: string, error: unknown) => void = () => {},
  ) {}

  enqueue(id: string): void {
    if (this.stopped || this.queue.includes(id) || this.running.has(id)) return;
    this.queue.push(id);
    this.pump();
  }

  /** Ids not yet started, in order. */
  waiting(): readonly string[] {
    return this.queue;
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** Takes an id off the queue before it starts; `false` if it is running or not queued. */
  cancel(id: string): boolean {
    const index = this.queue.indexOf(id);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    this.settle();
    return true;
  }

  idle(): Promise<void> {
    if (this.queue.length === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    await Promise.all([...this.pending]);
    this.settle();
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency && this.queue.length > 0) {
      const id = this.queue.shift() as string;
      this.running.add(id);
      const done = this.work(id)
        .catch((error: unknown) => this.onError(id, error))
        .finally(() => {
          this.running.delete(id);
          this.pending.delete(done);
          this.pump();
          this.settle();
        });
      this.pending.add(done);
    }
  }

  private settle(): void {
    if (this.queue.length > 0 || this.running.size > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
