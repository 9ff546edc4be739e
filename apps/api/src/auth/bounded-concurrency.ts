/**
 * Runs at most `concurrency` tasks at once and lets at most `maxWaiting` more wait their turn, in
 * order; a task beyond that is refused at once with `refusal()` instead of joining an endless queue.
 */
export class BoundedConcurrency {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
    private readonly refusal: () => Error,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('concurrency must be at least 1');
    if (!Number.isInteger(maxWaiting) || maxWaiting < 0) throw new Error('maxWaiting must be 0 or more');
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a turn. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.turn();
    try {
      return await task();
    } finally {
      // A finished task hands its slot straight to the next waiting one, so none can jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  private turn(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxWaiting) return Promise.reject(this.refusal());
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
