import {
  conflate,
  conflationKey,
  MEETING_PRESENCE,
  type MeetingPresenceEvent,
  type ResolvedVersions,
  type StreamEvent,
  toVersion,
  wireName,
} from '@pulsestage/contracts';
import { type AccessRole, hasPermission } from '../../auth/permissions.js';
import type { StoredEvent } from '../outbox/reader.js';
import type { Audience } from '../outbox/writer.js';
import { eventFrame, type Framing } from './frames.js';

/** An outbox event as a stream yields it. */
interface TrackedItem {
  /** The SSE id: the tenant sequence number, which a client sends back to resume. */
  id: string;
  event: StreamEvent;
}

/** Presence is not in the outbox: it has no id and never moves a client's resume point. */
export type StreamItem = TrackedItem | { id?: undefined; event: MeetingPresenceEvent };

/** Who a batch is prepared for: what it may see, in which versions. */
export interface Recipient {
  /** Recipients with equal profiles receive identical bytes (see `profileOf`). */
  profile: string;
  versions: ResolvedVersions;
  role: AccessRole;
  /** Only this meeting's events and the tenant-wide ones; null for every event of the tenant. */
  meetingId: string | null;
}

const PERMISSION_OF_AUDIENCE = { moderators: 'moderate', admins: 'manage' } as const;

function reaches(audience: Audience, role: AccessRole): boolean {
  return audience === 'all' || hasPermission(role, PERMISSION_OF_AUDIENCE[audience]);
}

/** The widest audience whose events the role receives. */
function audienceOf(role: AccessRole): Audience {
  if (hasPermission(role, 'manage')) return 'admins';
  return hasPermission(role, 'moderate') ? 'moderators' : 'all';
}

function concerns(eventMeeting: string | null, filter: string | null): boolean {
  return filter === null || eventMeeting === null || eventMeeting === filter;
}

/** Subscribers with equal profiles receive identical bytes: same encoding, versions, audience and meeting. */
export function profileOf(
  encoding: Framing | 'items',
  { versions, role, meetingId }: Omit<Recipient, 'profile'>,
): string {
  return `${encoding}|${audienceOf(role)}|${meetingId ?? '*'}|${JSON.stringify(versions)}`;
}

/** A meeting's watcher count: one envelope for every subscriber of the meeting. */
export function presenceItem(tenantId: string, meetingId: string, watching: number): StreamItem {
  const now = Date.now();
  return { event: { type: MEETING_PRESENCE, tenantId, data: { meetingId, watching }, timestamp: now } };
}

/**
 * Of stored events waiting for the same subscribers, only the newest of each conflation key. Only an
 * event with the same audience replaces another: every subscriber that saw the older one sees the newer.
 */
export function conflateStored(events: readonly StoredEvent[]): readonly StoredEvent[] {
  return conflate(events, (event) => {
    const key = conflationKey(event.type, event.data);
    return key === undefined ? undefined : `${event.audience}|${key}`;
  });
}

/** One event in every shape subscribers asked for, each built once however many receive it. */
class EncodedEvent {
  private readonly items = new Map<number, TrackedItem>();
  private readonly frames = new Map<string, string>();

  constructor(
    readonly event: StoredEvent,
    private readonly tenantId: string,
  ) {}

  item(version: number): TrackedItem {
    let item = this.items.get(version);
    if (!item) {
      const { event } = this;
      item = {
        id: String(event.seq),
        event: {
          type: wireName(event.type, version),
          tenantId: this.tenantId,
          data: toVersion(event, version),
          timestamp: event.timestamp,
        } as StreamEvent,
      };
      this.items.set(version, item);
    }
    return item;
  }

  frame(framing: Framing, version: number): string {
    const key = `${framing}${version}`;
    let frame = this.frames.get(key);
    if (!frame) {
      const item = this.item(version);
      frame = eventFrame(framing, item.id, JSON.stringify(item.event));
      this.frames.set(key, frame);
    }
    return frame;
  }
}

/**
 * A batch of events prepared for delivery: what each subscriber profile receives is built once (one
 * concatenated text per framing, or one list of items) and handed to every subscriber of that profile.
 */
export class EncodedBatch {
  private readonly texts = new Map<string, string>();
  private readonly items = new Map<string, StreamItem[]>();
  private readonly counts = new Map<string, number>();
  /** How many events of the batch were left out because a newer one replaces them. */
  superseded = 0;
  constructor(readonly events: readonly EncodedEvent[]) {}

  /** The events, less those a newer one of the batch supersedes (see `conflate`). */
  static of(events: readonly StoredEvent[], tenantId: string): EncodedBatch {
    const kept = conflateStored(events);
    const batch = new EncodedBatch(kept.map((event) => new EncodedEvent(event, tenantId)));
    batch.superseded = events.length - kept.length;
    return batch;
  }

  /** The part of the batch after `seq`, for a subscriber that already has the start of it. */
  after(seq: number): EncodedBatch {
    return new EncodedBatch(this.events.filter((encoded) => encoded.event.seq > seq));
  }

  get lastSeq(): number {
    return this.events.at(-1)?.event.seq ?? 0;
  }

  textFor(recipient: Recipient, framing: Framing): string {
    let text = this.texts.get(recipient.profile);
    if (text === undefined) {
      text = this.visibleTo(recipient)
        .map((encoded) => encoded.frame(framing, recipient.versions[encoded.event.type]))
        .join('');
      this.texts.set(recipient.profile, text);
    }
    return text;
  }

  /** How many of the batch's events `recipient` receives. */
  countFor(recipient: Recipient): number {
    let count = this.counts.get(recipient.profile);
    if (count === undefined) {
      count = this.visibleTo(recipient).length;
      this.counts.set(recipient.profile, count);
    }
    return count;
  }

  itemsFor(recipient: Recipient): StreamItem[] {
    let items = this.items.get(recipient.profile);
    if (!items) {
      items = this.visibleTo(recipient).map((encoded) =>
        encoded.item(recipient.versions[encoded.event.type]),
      );
      this.items.set(recipient.profile, items);
    }
    return items;
  }

  private visibleTo(recipient: Recipient): EncodedEvent[] {
    return this.events.filter(
      ({ event }) =>
        reaches(event.audience, recipient.role) && concerns(event.meetingId, recipient.meetingId),
    );
  }
}
