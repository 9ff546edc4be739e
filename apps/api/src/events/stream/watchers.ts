import { presenceItem, type StreamItem } from './encoded.js';
import { untrackedFrame } from './frames.js';
import type { StreamSink } from './sinks.js';

/** What presence needs of a subscriber filtered on a meeting. */
export interface Watcher {
  readonly sink: StreamSink;
  /** Non-null while its backfill runs: it learns the count once that is delivered. */
  readonly pending: unknown[] | null;
  readonly closed: boolean;
  /** The count it was last sent. */
  watching?: number;
}

interface DueCount {
  watching: number;
  item: StreamItem;
  frame: string;
}

interface Watched<W extends Watcher> {
  tenantId: string;
  subscribers: Set<W>;
  /** The newest count, until every live subscriber has it. */
  due?: DueCount;
  flush?: NodeJS.Timeout;
}

/** The streams of this process filtered on each meeting, and the presence counts they are due. */
export class MeetingWatchers<W extends Watcher> {
  private readonly meetings = new Map<string, Watched<W>>();

  /**
   * A changed count waits up to `rideAlongMs` to travel with the meeting's next events before it is
   * written on its own: in a busy meeting, presence then costs no write of its own to any socket.
   * `refuse` is told of a subscriber whose sink would not take its count.
   */
  constructor(
    private readonly rideAlongMs: number,
    private readonly refuse: (tenantId: string, watcher: W) => void,
  ) {}

  add(tenantId: string, meetingId: string, watcher: W): void {
    const watched = this.meetings.get(meetingId) ?? { tenantId, subscribers: new Set<W>() };
    watched.subscribers.add(watcher);
    this.meetings.set(meetingId, watched);
  }

  remove(meetingId: string, watcher: W): void {
    const watched = this.meetings.get(meetingId);
    if (!watched) return;
    watched.subscribers.delete(watcher);
    if (watched.subscribers.size > 0) return;
    clearTimeout(watched.flush);
    this.meetings.delete(meetingId);
  }

  counts(): Map<string, number> {
    return new Map([...this.meetings].map(([meetingId, { subscribers }]) => [meetingId, subscribers.size]));
  }

  /** A meeting's count changed: its subscribers get it with their next events, or alone soon after. */
  announce(meetingId: string, watching: number): void {
    const watched = this.meetings.get(meetingId);
    if (!watched) return;
    if (watched.due?.watching !== watching) {
      const item = presenceItem(watched.tenantId, meetingId, watching);
      watched.due = { watching, item, frame: untrackedFrame(JSON.stringify(item.event)) };
    }
    // Even an unchanged count: a subscriber that joined meanwhile may have been told another.
    watched.flush ??= setTimeout(() => this.flush(meetingId), this.rideAlongMs).unref();
  }

  /** The count `watcher` is due, marked as sent: the caller writes it ahead of the events it writes. */
  takeDue(meetingId: string | null, watcher: W): DueCount | undefined {
    const due = meetingId === null ? undefined : this.meetings.get(meetingId)?.due;
    if (!due || watcher.watching === due.watching) return undefined;
    watcher.watching = due.watching;
    return due;
  }

  close(): void {
    for (const watched of this.meetings.values()) clearTimeout(watched.flush);
  }

  /** Writes the count alone to the live subscribers no events carried it to. */
  private flush(meetingId: string): void {
    const watched = this.meetings.get(meetingId);
    if (!watched) return;
    watched.flush = undefined;
    const due = watched.due;
    if (!due) return;
    for (const watcher of watched.subscribers) {
      if (watcher.pending || watcher.closed || watcher.watching === due.watching) continue;
      watcher.watching = due.watching;
      const { sink } = watcher;
      const accepted = sink.encoding === 'items' ? sink.push(due.item) : sink.write(due.frame);
      if (!accepted) this.refuse(watched.tenantId, watcher);
    }
  }
}
