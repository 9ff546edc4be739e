/** What one item of a group came to: its own result, or its own refusal. */
export type Outcome<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

export interface GroupCommitOptions<Item, Result> {
  /** The most items one group takes; the others wait for the next group. */
  maxGroupSize: number;
  /**
   * Applies one key's group of items together (in one transaction) and returns each item's outcome, in
   * the order of `items`. When it throws, every item of the group fails with that error.
   */
  commit(key: string, items: readonly Item[]): Promise<Outcome<Result>[]>;
  /** Runs once after each committed group, before its callers get their answers. It must not reject. */
  afterCommit(key: string, outcomes: readonly Outcome<Result>[]): Promise<void>;
}

interface Waiting<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/**
 * Group commit: items of one key that arrive while that key's previous group is being committed are
 * committed together, as the next group, so a key commits one group at a time and a busy key commits
 * many items per transaction. After a quiet spell the first item waits only for the items already
 * received in the same turn of the event loop (`setImmediate`), never for a timer. Keys are independent.
 */
export class GroupCommit<Item, Result> {
  /** The items waiting per key; a key is present while its groups are being committed. */
  private readonly queues = new Map<string, Waiting<Item, Result>[]>();

  constructor(private readonly options: GroupCommitOptions<Item, Result>) {
    if (!Number.isInteger(options.maxGroupSize) || options.maxGroupSize < 1) {
      throw new RangeError(`maxGroupSize must be a positive integer, not ${options.maxGroupSize}`);
    }
  }

  /** Commits `item` with the others of its key that come in meanwhile, and answers with its own outcome. */
  submit(key: string, item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      const waiting = { item, resolve, reject };
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(waiting);
        return;
      }
      const fresh = [waiting];
      this.queues.set(key, fresh);
      setImmediate(() => void this.drain(key, fresh));
    });
  }

  private async drain(key: string, queue: Waiting<Item, Result>[]): Promise<void> {
    while (queue.length > 0) await this.commitGroup(key, queue.splice(0, this.options.maxGroupSize));
    this.queues.delete(key);
  }

  private async commitGroup(key: string, group: Waiting<Item, Result>[]): Promise<void> {
    let outcomes: Outcome<Result>[];
    try {
      outcomes = await this.options.commit(
        key,
        group.map((waiting) => waiting.item),
      );
      if (outcomes.length !== group.length) {
        throw new Error(`a group of ${group.length} came back with ${outcomes.length} outcomes`);
      }
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
      return;
    }
    await this.options.afterCommit(key, outcomes);
    group.forEach((waiting, index) => {
      const outcome = outcomes[index] as Outcome<Result>;
      if (outcome.ok) waiting.resolve(outcome.value);
      else waiting.reject(outcome.error);
    });
  }
}
