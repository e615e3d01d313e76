/**
 * Counting semaphore: bounds requests in flight per host. FIFO, so a burst of paginations shares the
 * slots fairly. Exported for the pipeline to bound its own concurrency the same way.
 */
export class Semaphore {
  private available: number;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`Semaphore limit must be >= 1, got ${limit}`);
    this.available = limit;
  }

  get inFlight(): number {
    return this.limit - this.available;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Takes a slot if one is free right now (no promise, no microtask): the uncontended fast path. */
  tryAcquire(): boolean {
    if (this.available > 0) {
      this.available--;
      return true;
    }
    return false;
  }

  acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.available++;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}
