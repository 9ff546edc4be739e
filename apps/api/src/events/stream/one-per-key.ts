/**
 * At most one live resource per key (a tenant's outbox reader, a tenant's room), opened once however
 * many callers ask for it at the same time. A caller that waited for the opening may resume after the
 * resource was already closed again (its last user left meanwhile): it then opens a fresh one, so a
 * caller is only ever handed a live resource.
 */
export class OnePerKey<T> {
  private readonly live = new Map<string, T>();
  private readonly opening = new Map<string, Promise<T>>();

  constructor(private readonly open: (key: string) => Promise<T>) {}

  /**
   * Runs `use` on the live resource for `key`, opening it first if there is none. `use` runs before
   * anything else can close the resource, so whatever it registers there is registered on a live one.
   */
  async acquire<R>(key: string, use: (resource: T) => R): Promise<R> {
    for (;;) {
      const resource = await this.liveOrOpening(key);
      if (this.live.get(key) === resource) return use(resource);
    }
  }

  get(key: string): T | undefined {
    return this.live.get(key);
  }

  keys(): IterableIterator<string> {
    return this.live.keys();
  }

  values(): IterableIterator<T> {
    return this.live.values();
  }

  /** Forgets `resource` if it is still the live one for `key`; true when it was. */
  close(key: string, resource: T): boolean {
    if (this.live.get(key) !== resource) return false;
    this.live.delete(key);
    return true;
  }

  clear(): void {
    this.live.clear();
  }

  private liveOrOpening(key: string): Promise<T> {
    const live = this.live.get(key);
    if (live !== undefined) return Promise.resolve(live);
    let opening = this.opening.get(key);
    if (!opening) {
      opening = this.open(key)
        .then((resource) => {
          this.live.set(key, resource);
          return resource;
        })
        .finally(() => this.opening.delete(key));
      this.opening.set(key, opening);
    }
    return opening;
  }
}
