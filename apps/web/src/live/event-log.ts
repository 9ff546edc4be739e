import type { StreamEvent } from '@pulsestage/contracts';

interface LoggedEvent {
  seq: number;
  event: StreamEvent;
}

/** Enough for a refetch racing a busy minute; an older snapshot is simply loaded again. */
const CAPACITY = 500;

/**
 * Where the tab's stream stands, and the events it applied most recently. A snapshot that comes back
 * older than the stream (a refetch racing live events) is caught up from here; the stream resumes
 * from `position`, so nothing committed after it is ever missed.
 */
export class EventLog {
  private events: LoggedEvent[] = [];
  /** Every event after this sequence that reached the tab is in the log. */
  private coversAfter: number;
  /** The last sequence the tab applied (or started from). */
  position: number;

  constructor(
    start: number,
    private readonly capacity = CAPACITY,
  ) {
    this.coversAfter = start;
    this.position = start;
  }

  /** Notes an applied event; false for one at or before the position (already applied). */
  record(seq: number, event: StreamEvent): boolean {
    if (seq <= this.position) return false;
    this.events.push({ seq, event });
    this.position = seq;
    if (this.events.length > this.capacity) {
      const dropped = this.events.shift();
      if (dropped) this.coversAfter = dropped.seq;
    }
    return true;
  }

  /** Forgets every event: everything is being loaded again as of `position`. */
  restart(position: number): void {
    this.events = [];
    this.coversAfter = position;
    this.position = position;
  }

  /** The events applied after `sequence`, oldest first; null when the log no longer reaches back there. */
  after(sequence: number): LoggedEvent[] | null {
    if (sequence < this.coversAfter) return null;
    return this.events.filter((logged) => logged.seq > sequence);
  }
}

interface Sequenced {
  sequence?: unknown;
}

const sequenceOf = (value: unknown): number | undefined => {
  const sequence = (value as Sequenced | null | undefined)?.sequence;
  return typeof sequence === 'number' ? sequence : undefined;
};

/**
 * The stream position that freshly fetched query data reflects, when the data says: a snapshot's own
 * `sequence`; for an infinite list, the oldest of its pages, or only the page just added when more
 * were loaded (the pages already there have followed the stream).
 */
export function fetchedSequence(data: unknown, fetchedMore?: 'forward' | 'backward'): number | undefined {
  const pages = (data as { pages?: unknown } | null | undefined)?.pages;
  if (!Array.isArray(pages)) return sequenceOf(data);
  if (fetchedMore) return sequenceOf(fetchedMore === 'forward' ? pages.at(-1) : pages[0]);
  const sequences = pages.map(sequenceOf);
  if (sequences.length === 0 || sequences.some((sequence) => sequence === undefined)) return undefined;
  return Math.min(...(sequences as number[]));
}
