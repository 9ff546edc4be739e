interface BoundedConcurrencyOptions {
  /** Tasks running at once. */
  concurrency: number;
  /** Tasks waiting for a turn; one more is refused at once. */
  maxWaiting: number;
  /** A waiting task that has not started after this long is refused. */
  maxWaitMs: number;
  refusal: () => Error;
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Runs at most `concurrency` tasks at once; others wait their turn in order, but never longer than
 * `maxWaitMs` and never more than `maxWaiting` of them: past either they are refused with `refusal()`.
 * Waiting costs no CPU, so a caller who retries on every refusal is slowed down rather than answered
 * as fast as it can ask.
 */
export class BoundedConcurrency {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly options: BoundedConcurrencyOptions) {
    const { concurrency, maxWaiting, maxWaitMs } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('concurrency must be at least 1');
    if (!Number.isInteger(maxWaiting) || maxWaiting < 0) throw new Error('maxWaiting must be 0 or more');
    if (!(maxWaitMs >= 0)) throw new Error('maxWaitMs must be 0 or more');
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
      if (next) {
        clearTimeout(next.timer);
        next.start();
      } else this.running -= 1;
    }
  }

  private turn(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.options.maxWaiting) return Promise.reject(this.options.refusal());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: resolve,
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(this.options.refusal());
        }, this.options.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }
}
