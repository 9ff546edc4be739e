import { type ResolvedVersions, STREAM_RESYNC } from '@pulsestage/contracts';
import type { AccessRole } from '../../auth/permissions.js';
import type { Database } from '../../db/schema.js';
import { badRequest, forbidden } from '../../errors.js';
import { tenantMeeting } from '../../meetings/lookup.js';
import { NO_STREAM_METRICS, type StreamMetrics } from '../../observability/stream-metrics.js';
import type { TenantRecord } from '../../tenants/repository.js';
import { lastSequence, oldestRetainedSequence, readEventsAfter, type StoredEvent } from '../outbox/reader.js';
import {
  conflateStored,
  EncodedBatch,
  presenceItem,
  profileOf,
  type Recipient,
  type StreamItem,
} from './encoded.js';
import { eventFrame, type Framing, keepAliveFrame, positionFrame, untrackedFrame } from './frames.js';
import type { EventHub, FeedSubscription } from './hub.js';
import { OnePerKey } from './one-per-key.js';
import { MeetingPresence } from './presence.js';
import { serialized } from './serial.js';
import type { StreamSink } from './sinks.js';
import { checkPingInterval } from './trpc-sse.js';
import { MeetingWatchers } from './watchers.js';

export interface SubscribeRequest {
  tenant: TenantRecord;
  role: AccessRole;
  /** Who the stream's credentials resolved to (a session, token or link); each is re-checked once. */
  callerKey: string;
  /** The role the credentials grant now, or null when they no longer let the caller read the tenant. */
  recheckAccess: () => Promise<AccessRole | null>;
  lastEventId: number | undefined;
  versions: ResolvedVersions;
  /** Only this meeting's events and the tenant-wide ones; null for all of the tenant's. */
  meetingId: string | null;
}

interface Subscriber extends Omit<SubscribeRequest, 'tenant' | 'lastEventId'>, Recipient {
  sink: StreamSink;
  /** The last sequence this subscriber has been given (or deliberately skipped). */
  cursor: number;
  /** Events that arrived during the backfill; null once the subscriber is live. */
  pending: StoredEvent[] | null;
  closed: boolean;
  /** The meeting's watcher count it was last sent. */
  watching?: number;
}

interface Room {
  tenantId: string;
  subscribers: Set<Subscriber>;
  /** The highest sequence handed to this room: a subscriber added now gets every event after it. */
  position: number;
  feed: FeedSubscription;
  stopWatchingAccess: () => void;
  /** Re-checks every subscriber's access; calls made during a re-check add one more. */
  recheck: () => void;
}

interface StreamEngineOptions {
  /** Interval of tRPC `ping` frames: shorter than the clients' inactivity timeout, or it will not start. */
  trpcPingMs: number;
  /** Interval of `heartbeat` data events on the plain stream. */
  heartbeatMs: number;
  /** Events a subscriber may collect while its backfill runs before it is dropped. */
  maxPendingEvents: number;
  /** How often meeting presence is shared with the other instances and sent when it changed. */
  presenceIntervalMs?: number;
  log: (message: string, error?: unknown) => void;
  metrics?: StreamMetrics;
}

const DEFAULT_PRESENCE_INTERVAL_MS = 3000;
const MAX_PRESENCE_RIDE_ALONG_MS = 500;

const LAST_EVENT_ID = /^\d{1,15}$/;

/** A Last-Event-ID as a sequence number; anything else is refused rather than replayed from zero. */
export function parseLastEventId(value: string | null | undefined): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!LAST_EVENT_ID.test(value))
    throw badRequest('lastEventId: must be an event id received from this stream');
  return Number(value);
}

/** Tells a subscriber to load its state again; resuming from its id misses nothing. */
function resyncItem(tenantId: string, position: number, reason: string): StreamItem {
  return {
    id: String(position),
    event: { type: STREAM_RESYNC, tenantId, data: { reason }, timestamp: Date.now() },
  };
}

function send(sink: StreamSink, item: StreamItem): boolean {
  if (sink.encoding === 'items') return sink.push(item);
  const json = JSON.stringify(item.event);
  return sink.write(item.id === undefined ? untrackedFrame(json) : eventFrame(sink.encoding, item.id, json));
}

/**
 * The fan-out of tenant events to every open stream of this process, whatever its transport.
 * Each tenant with subscribers is a room fed by the hub; each event is converted and framed once per
 * (version, framing) and the same text is written to every subscriber that may see it. A subscriber
 * joins the room first, then backfills from the outbox after its `lastEventId`, then goes live.
 */
export class StreamEngine {
  private readonly rooms = new OnePerKey((tenantId) => this.openRoom(tenantId));
  private readonly watchers: MeetingWatchers<Subscriber>;
  private readonly timers: NodeJS.Timeout[];
  private readonly metrics: StreamMetrics;
  readonly presence: MeetingPresence;

  constructor(
    private readonly db: Database,
    private readonly hub: EventHub,
    private readonly options: StreamEngineOptions,
  ) {
    checkPingInterval(options.trpcPingMs);
    this.metrics = options.metrics ?? NO_STREAM_METRICS;
    this.timers = [
      setInterval(() => this.keepAlive('trpc'), options.trpcPingMs).unref(),
      setInterval(() => this.keepAlive('plain'), options.heartbeatMs).unref(),
    ];
    const presenceIntervalMs = options.presenceIntervalMs ?? DEFAULT_PRESENCE_INTERVAL_MS;
    // A count waits for the next events at most half an interval, so it is never a refresh late.
    this.watchers = new MeetingWatchers(
      Math.min(MAX_PRESENCE_RIDE_ALONG_MS, presenceIntervalMs / 2),
      (tenantId, subscriber) => {
        const room = this.rooms.get(tenantId);
        if (room) this.cutSlow(room, subscriber);
      },
    );
    this.presence = new MeetingPresence(db, {
      intervalMs: presenceIntervalMs,
      localCounts: () => this.watchers.counts(),
      publish: (meetingId, watching) => this.watchers.announce(meetingId, watching),
      log: options.log,
    });
  }

  /**
   * Refuses, before the stream opens, what it could not serve: a resume id ahead of the tenant, a meeting
   * the tenant does not have (another tenant's is refused exactly like a random id).
   */
  async checkRequest({ tenant, lastEventId, meetingId }: SubscribeRequest): Promise<void> {
    await this.checkLastEventId(tenant.id, lastEventId);
    if (meetingId !== null) await tenantMeeting(this.db, tenant.id, meetingId);
  }

  /** Refuses an id the tenant's stream has not reached: resuming from it would silently skip events. */
  private async checkLastEventId(tenantId: string, lastEventId: number | undefined): Promise<void> {
    if (lastEventId === undefined) return;
    const last = await lastSequence(this.db, tenantId);
    if (lastEventId > last)
      throw badRequest(`lastEventId: ${lastEventId} is ahead of this stream (last is ${last})`);
  }

  async subscribe(request: SubscribeRequest, sink: StreamSink): Promise<void> {
    const { tenant, lastEventId, ...rest } = request;
    const subscriber: Subscriber = {
      ...rest,
      sink,
      profile: profileOf(sink.encoding, rest),
      cursor: 0,
      pending: [],
      closed: false,
    };
    const room = await this.rooms.acquire(tenant.id, (room) => {
      room.subscribers.add(subscriber);
      return room;
    });
    if (subscriber.meetingId !== null) this.watchers.add(tenant.id, subscriber.meetingId, subscriber);
    this.metrics.streamOpened(tenant.id, sink.encoding);
    sink.onClose(() => this.leave(room, subscriber));
    sink.start();
    const position = room.position;
    subscriber.cursor = lastEventId ?? position;
    try {
      if (lastEventId === undefined) await this.startAtTenantPosition(subscriber, tenant.id);
      else if (lastEventId < position) await this.backfill(room, subscriber, lastEventId, position);
      const pending = subscriber.pending ?? [];
      subscriber.pending = null;
      if (!this.deliver(subscriber, EncodedBatch.of(pending, tenant.id)))
        return this.cutSlow(room, subscriber);
      this.sendCurrentPresence(room, subscriber);
    } catch (error) {
      this.options.log('backfilling a stream failed; the client will resume', error);
      this.drop(room, subscriber);
    }
  }

  /** Ends every stream; resolves once this instance no longer counts in any meeting's presence. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.watchers.close();
    for (const room of this.rooms.values())
      for (const subscriber of room.subscribers) this.drop(room, subscriber);
    await this.presence.close();
  }

  /**
   * A subscriber without a resume point starts at the tenant's committed position, which the room may
   * not have read yet: what was committed before the stream opened is skipped whenever it arrives.
   */
  private async startAtTenantPosition(subscriber: Subscriber, tenantId: string): Promise<void> {
    subscriber.cursor = Math.max(subscriber.cursor, await lastSequence(this.db, tenantId));
    // A plain EventSource learns where it started, so its first reconnection resumes from there.
    if (subscriber.sink.encoding === 'plain') subscriber.sink.write(positionFrame(subscriber.cursor));
  }

  private async backfill(room: Room, subscriber: Subscriber, lastEventId: number, position: number) {
    const oldest = await oldestRetainedSequence(this.db, room.tenantId);
    if (oldest === undefined || oldest > lastEventId + 1) {
      subscriber.cursor = position;
      const reason = `Events after ${lastEventId} are no longer kept; refetch the current state`;
      if (!send(subscriber.sink, resyncItem(room.tenantId, position, reason)))
        return this.cutSlow(room, subscriber);
    }
    while (subscriber.cursor < position && !subscriber.closed) {
      await subscriber.sink.waitForRoom();
      const page = await readEventsAfter(this.db, room.tenantId, subscriber.cursor, position);
      if (page.length === 0) return;
      if (!this.deliver(subscriber, EncodedBatch.of(page, room.tenantId)))
        return this.cutSlow(room, subscriber);
    }
  }

  /** Hands the events of a batch it has not had to one subscriber; false when its sink is overloaded. */
  private deliver(subscriber: Subscriber, batch: EncodedBatch): boolean {
    if (subscriber.closed || batch.lastSeq <= subscriber.cursor) return true;
    const first = batch.events[0];
    if (first && first.event.seq <= subscriber.cursor)
      return this.deliver(subscriber, batch.after(subscriber.cursor));
    subscriber.cursor = batch.lastSeq;
    const { sink } = subscriber;
    const items = sink.encoding === 'items' ? batch.itemsFor(subscriber) : [];
    const text = sink.encoding === 'items' ? '' : batch.textFor(subscriber, sink.encoding);
    if (items.length === 0 && text === '') return true;
    this.metrics.delivered(batch.countFor(subscriber));
    // A presence count waiting to go out travels in the same write.
    const presence = this.watchers.takeDue(subscriber.meetingId, subscriber);
    if (sink.encoding === 'items')
      return [...(presence ? [presence.item] : []), ...items].every((item) => sink.push(item));
    return sink.write(presence ? presence.frame + text : text);
  }

  private dispatch(room: Room, events: readonly StoredEvent[]): void {
    const batch = EncodedBatch.of(events, room.tenantId);
    if (batch.events.length === 0) return;
    room.position = batch.lastSeq;
    this.metrics.conflated(batch.superseded);
    for (const subscriber of room.subscribers) {
      if (subscriber.pending) {
        subscriber.pending.push(...events);
        if (subscriber.pending.length > this.options.maxPendingEvents)
          subscriber.pending = [...conflateStored(subscriber.pending)];
        if (subscriber.pending.length > this.options.maxPendingEvents) this.cutSlow(room, subscriber);
      } else if (!this.deliver(subscriber, batch)) {
        this.cutSlow(room, subscriber);
      }
    }
  }

  private keepAlive(framing: Framing): void {
    for (const room of this.rooms.values()) {
      const frame = keepAliveFrame(framing, room.tenantId);
      for (const { sink } of room.subscribers) if (sink.encoding === framing) sink.write(frame);
    }
  }

  private async openRoom(tenantId: string): Promise<Room> {
    const room: Room = {
      tenantId,
      subscribers: new Set(),
      position: 0,
      feed: { position: 0, stop: () => {} },
      stopWatchingAccess: () => {},
      recheck: () => {},
    };
    room.feed = await this.hub.listen(tenantId, (batch) => this.dispatch(room, batch));
    room.position = Math.max(room.position, room.feed.position);
    room.recheck = serialized(() => this.recheckRoom(room));
    room.stopWatchingAccess = this.hub.watchAccess(tenantId, room.recheck);
    return room;
  }

  /** A new subscriber learns the meeting's count once its backfill is delivered. */
  private sendCurrentPresence(room: Room, subscriber: Subscriber): void {
    const { meetingId } = subscriber;
    if (meetingId === null || subscriber.closed) return;
    subscriber.watching = this.presence.watching(meetingId);
    if (!send(subscriber.sink, presenceItem(room.tenantId, meetingId, subscriber.watching)))
      this.cutSlow(room, subscriber);
  }

  private leave(room: Room, subscriber: Subscriber): void {
    if (!subscriber.closed) this.metrics.streamClosed(room.tenantId, subscriber.sink.encoding);
    subscriber.closed = true;
    if (subscriber.meetingId !== null) this.watchers.remove(subscriber.meetingId, subscriber);
    room.subscribers.delete(subscriber);
    if (room.subscribers.size === 0 && this.rooms.close(room.tenantId, room)) {
      room.feed.stop();
      room.stopWatchingAccess();
    }
  }

  private drop(room: Room, subscriber: Subscriber): void {
    if (subscriber.closed) return;
    this.leave(room, subscriber);
    subscriber.sink.abort();
  }

  /** Cuts a subscriber that fell too far behind; it resumes from the last id it received. */
  private cutSlow(room: Room, subscriber: Subscriber): void {
    if (!subscriber.closed) this.metrics.slowConsumerCut();
    this.drop(room, subscriber);
  }

  /** Checks every subscriber's access again, once per caller (session, token or link). */
  private async recheckRoom(room: Room): Promise<void> {
    try {
      const byCaller = new Map<string, Subscriber[]>();
      for (const subscriber of room.subscribers) {
        const group = byCaller.get(subscriber.callerKey) ?? [];
        group.push(subscriber);
        byCaller.set(subscriber.callerKey, group);
      }
      for (const group of byCaller.values()) await this.applyRecheck(room, group);
    } catch (error) {
      this.options.log('re-checking stream access failed; will try on the next change', error);
    }
  }

  private async applyRecheck(room: Room, group: Subscriber[]): Promise<void> {
    const [first] = group;
    if (!first) return;
    const role = await first.recheckAccess();
    for (const subscriber of group) {
      if (role) {
        const changed = role !== subscriber.role;
        subscriber.role = role;
        subscriber.profile = profileOf(subscriber.sink.encoding, subscriber);
        if (changed) this.roleChanged(room, subscriber);
      } else if (!subscriber.closed) {
        this.leave(room, subscriber);
        subscriber.sink.end(forbidden('Your access to this organization has ended'));
      }
    }
  }

  /**
   * The subscriber's role changed (a promotion, a demotion): it now sees a different set of events, so
   * its page loads what it may see again. Not persisted: only this subscriber is told.
   */
  private roleChanged(room: Room, subscriber: Subscriber): void {
    if (subscriber.closed) return;
    const reason = `Your role is now ${subscriber.role}; refetch what you may see`;
    if (!send(subscriber.sink, resyncItem(room.tenantId, subscriber.cursor, reason)))
      this.cutSlow(room, subscriber);
  }
}
