import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventType } from '@pulsestage/contracts';
import type { Database } from '../../db/schema.js';
import { NO_STREAM_METRICS, type StreamMetrics } from '../../observability/stream-metrics.js';
import type { BusMessage, EventBus } from '../bus/bus.js';
import {
  lastSequence,
  lastSequences,
  OUTBOX_PAGE_SIZE,
  readEventsAfter,
  type StoredEvent,
} from '../outbox/reader.js';
import { OnePerKey } from './one-per-key.js';
import { serialized } from './serial.js';

/** How long a notification waits for others to arrive before the outbox is read. */
const COALESCE_MS = 2;
/**
 * While events keep coming, a tenant's outbox is read at most this often: each read's events go to
 * every subscriber in one write, and a write to a socket costs about as much for one event as for
 * twenty. An event after a quiet spell still goes out after COALESCE_MS.
 */
const MIN_BUSY_READ_INTERVAL_MS = 25;
/**
 * However busy, a tenant's subscribers are written at least this often: with the time a write to
 * 10,000 screens takes on two cores (about 200 ms) and their readers' own delay, a count still reaches
 * every screen within 1 s.
 */
const MAX_BUSY_READ_INTERVAL_MS = 400;
/**
 * In a storm, handing a read's events to the subscribers takes at most this share of the time; the
 * rest answers the requests that make the events (votes, at about 1.5 ms each).
 */
const DISPATCH_SHARE = 0.5;
/**
 * Below this share of the time spent on other work since the previous dispatch, nothing is waiting for
 * the process: events that came faster than they were written go out at once, as in a quiet room.
 */
const BUSY_LOOP = 0.5;

/** What a read found and how handing it on went, to decide when the next one may start. */
export interface ReadOutcome {
  /** Events the read found. */
  events: number;
  /** When handing them on started, and when its writes had reached the sockets (`performance.now()`). */
  startedAt: number;
  endedAt: number;
  /** The event loop's utilization (0–1) from the end of the previous dispatch to this read. */
  loopBusy: number;
}

/**
 * When the next read may start (on `performance.now()`'s clock). One event means events come no faster
 * than they are written, and an idle loop means nothing else needs the time: waiting longer would only
 * delay them. Otherwise (a storm of votes) the next read waits until the dispatch has had its share of
 * the time, up to a bound, leaving the rest to answering the votes; conflation keeps the larger write
 * that follows barely larger.
 */
export function earliestNextRead({ events, startedAt, endedAt, loopBusy }: ReadOutcome): number {
  const soonest = startedAt + MIN_BUSY_READ_INTERVAL_MS;
  if (events <= 1 || loopBusy < BUSY_LOOP) return soonest;
  const shared = endedAt + (endedAt - startedAt) * (1 / DISPATCH_SHARE - 1);
  return Math.max(soonest, Math.min(shared, startedAt + MAX_BUSY_READ_INTERVAL_MS));
}

/**
 * When the writes a dispatch made have reached the sockets. node:http corks a response's socket on its
 * first write of a tick and writes it out on the next tick, so most of a dispatch's cost is paid after
 * the listeners return; ticks run in order, so one queued now runs once those writes are done.
 */
function writesFlushedAt(): Promise<number> {
  return new Promise((resolve) => process.nextTick(() => resolve(performance.now())));
}

export type FeedListener = (events: readonly StoredEvent[]) => void;

interface TenantChannel {
  tenantId: string;
  /** The highest sequence read from the outbox and handed to the listeners. */
  position: number;
  listeners: Set<FeedListener>;
  /** Reads the outbox after `position`; calls made during a read add one more read. */
  catchUp: () => void;
  scheduled: boolean;
  /** When the next read may start, on `performance.now()`'s clock (see `earliestNextRead`). */
  nextReadAt: number;
  /** The event loop's counters when the last dispatch had written its events. */
  loopAfterDispatch: EventLoopUtilization;
}

export interface FeedSubscription {
  /** The listener receives every event after this sequence, in order. */
  position: number;
  stop(): void;
}

interface EventHubOptions {
  /** How often open tenants are checked against the outbox, in case a notification was lost. */
  pollIntervalMs: number;
  /** How often open streams check their credentials even without an access notification. */
  accessSweepMs: number;
  log: (message: string, error?: unknown) => void;
  metrics?: StreamMetrics;
}

/** Pulse answers carry the hour they were given, never their commit time: they tell nothing of lag. */
const UNTIMED_EVENTS: ReadonlySet<string> = new Set<EventType>(['pulse.response.recorded']);

/**
 * One reader of the outbox per tenant per process. Bus notifications (or the safety-net poll) make
 * it read what it has not seen yet, in sequence order, and hand each batch to every local listener.
 */
export class EventHub {
  private readonly channels = new OnePerKey((tenantId) => this.openChannel(tenantId));
  private readonly accessWatchers = new Map<string, Set<() => void>>();
  private readonly timers: NodeJS.Timeout[];

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly options: EventHubOptions,
  ) {
    bus.onMessage((message) => this.receive(message));
    this.timers = [
      setInterval(() => void this.poll(), options.pollIntervalMs).unref(),
      setInterval(() => this.sweepAccess(), options.accessSweepMs).unref(),
    ];
  }

  listen(tenantId: string, listener: FeedListener): Promise<FeedSubscription> {
    return this.channels.acquire(tenantId, (channel) => {
      channel.listeners.add(listener);
      return {
        position: channel.position,
        stop: () => {
          channel.listeners.delete(listener);
          if (channel.listeners.size === 0) this.channels.close(tenantId, channel);
        },
      };
    });
  }

  /** Calls `onChange` whenever someone's access to the tenant may have changed. */
  watchAccess(tenantId: string, onChange: () => void): () => void {
    const watchers = this.accessWatchers.get(tenantId) ?? new Set();
    this.accessWatchers.set(tenantId, watchers);
    watchers.add(onChange);
    return () => {
      watchers.delete(onChange);
      if (watchers.size === 0) this.accessWatchers.delete(tenantId);
    };
  }

  /** Tells every instance that the tenant's outbox has new events. */
  async announce(tenantId: string): Promise<void> {
    try {
      await this.bus.publish({ kind: 'events', tenantId, seq: await lastSequence(this.db, tenantId) });
    } catch (error) {
      this.options.log('announcing a change failed; the poll will pick it up', error);
    }
  }

  /** Tells every instance that who may read the tenant changed, so open streams check their credentials. */
  async announceAccessChange(tenantId: string): Promise<void> {
    try {
      await this.bus.publish({ kind: 'access', tenantId });
    } catch (error) {
      this.options.log('announcing an access change failed; the access sweep will pick it up', error);
    }
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.channels.clear();
    this.accessWatchers.clear();
    await this.bus.close();
  }

  private async openChannel(tenantId: string): Promise<TenantChannel> {
    const channel: TenantChannel = {
      tenantId,
      position: await lastSequence(this.db, tenantId),
      listeners: new Set(),
      catchUp: serialized(() => this.readOutbox(channel)),
      scheduled: false,
      nextReadAt: 0,
      loopAfterDispatch: performance.eventLoopUtilization(),
    };
    return channel;
  }

  private receive(message: BusMessage): void {
    if (message.kind === 'access') {
      for (const onChange of this.accessWatchers.get(message.tenantId) ?? []) onChange();
      return;
    }
    const channel = this.channels.get(message.tenantId);
    if (channel && message.seq > channel.position) this.scheduleCatchUp(channel);
  }

  /**
   * Reads after a short pause, so that the events of a burst of mutations travel together: every
   * subscriber then gets one write for the lot instead of one per event.
   */
  private scheduleCatchUp(channel: TenantChannel): void {
    if (channel.scheduled) return;
    channel.scheduled = true;
    const delay = Math.max(COALESCE_MS, channel.nextReadAt - performance.now());
    setTimeout(() => {
      channel.scheduled = false;
      channel.catchUp();
    }, delay);
  }

  private async readOutbox(channel: TenantChannel): Promise<void> {
    // A read asked for while the previous one ran comes after it, and keeps the spacing it set
    // (a timer may fire a little early: it counts from the start of the loop's turn).
    while (performance.now() < channel.nextReadAt) await sleep(channel.nextReadAt - performance.now());
    try {
      let batch: StoredEvent[];
      do {
        batch = await readEventsAfter(this.db, channel.tenantId, channel.position);
        const last = batch.at(-1);
        if (!last) break;
        channel.position = last.seq;
        this.measureLag(batch);
        const { utilization: loopBusy } = performance.eventLoopUtilization(channel.loopAfterDispatch);
        const startedAt = performance.now();
        for (const listener of channel.listeners) listener(batch);
        const endedAt = await writesFlushedAt();
        channel.loopAfterDispatch = performance.eventLoopUtilization();
        channel.nextReadAt = earliestNextRead({ events: batch.length, startedAt, endedAt, loopBusy });
      } while (batch.length === OUTBOX_PAGE_SIZE);
    } catch (error) {
      this.options.log(
        `reading the outbox of tenant ${channel.tenantId} failed; retrying on the next poll`,
        error,
      );
    }
  }

  private measureLag(events: readonly StoredEvent[]): void {
    const { metrics = NO_STREAM_METRICS } = this.options;
    const readAt = Date.now();
    for (const event of events)
      if (!UNTIMED_EVENTS.has(event.type)) metrics.outboxRead(event.timestamp, readAt);
  }

  private async poll(): Promise<void> {
    try {
      const latest = await lastSequences(this.db, [...this.channels.keys()]);
      for (const [tenantId, seq] of latest) {
        const channel = this.channels.get(tenantId);
        if (channel && seq > channel.position) this.scheduleCatchUp(channel);
      }
    } catch (error) {
      this.options.log('polling the outbox failed', error);
    }
  }

  private sweepAccess(): void {
    for (const watchers of this.accessWatchers.values()) for (const onChange of watchers) onChange();
  }
}
