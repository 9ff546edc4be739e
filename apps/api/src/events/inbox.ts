/** An unbounded hand-over from a push source to one async consumer that stops on abort. */
export class Inbox<T> {
  private items: T[] = [];
  private wake: (() => void) | undefined;

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', () => this.wake?.(), { once: true });
  }

  push(item: T): void {
    this.items.push(item);
    this.wake?.();
  }

  async *drain(): AsyncGenerator<T> {
    while (!this.signal.aborted) {
      if (this.items.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      const batch = this.items;
      this.items = [];
      for (const item of batch) {
        if (this.signal.aborted) return;
        yield item;
      }
    }
  }
}
