import { enqueueConflated } from '@pulsestage/contracts';

type Outcome = { kind: 'ended' } | { kind: 'failed'; error: unknown };

/**
 * Hands values that callbacks push to one async consumer, in order. After `end` or `fail` the consumer
 * still gets everything pushed before; then its iteration ends, or throws the failure. With `keyOf`, a
 * value replaces a queued one of the same key that the consumer has not taken yet (see `conflate`).
 */
export class Inbox<T> {
  private readonly queued: T[] = [];
  private outcome: Outcome | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly keyOf: (value: T) => string | undefined = () => undefined) {}

  push(value: T): void {
    if (this.outcome) return;
    enqueueConflated(this.queued, value, this.keyOf);
    this.notify();
  }

  end(): void {
    this.settle({ kind: 'ended' });
  }

  fail(error: unknown): void {
    this.settle({ kind: 'failed', error });
  }

  async *values(): AsyncGenerator<T, void, undefined> {
    for (;;) {
      yield* this.queued.splice(0);
      if (this.queued.length > 0) continue;
      if (this.outcome?.kind === 'failed') throw this.outcome.error;
      if (this.outcome) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private settle(outcome: Outcome): void {
    this.outcome ??= outcome;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
