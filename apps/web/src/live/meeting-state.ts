/**
 * How one live event changes cached meetings: the meeting a page shows and the meetings home's lists.
 * Pure functions over plain data, like `question-lists.ts`.
 */
import type {
  Meeting,
  MeetingList,
  MeetingSnapshot,
  StreamEvent,
  TenantSettings,
} from '@pulsestage/contracts';

const MEETING_CHANGES = [
  'meeting:created.v1',
  'meeting:updated.v1',
  'meeting:opened.v1',
  'meeting:closed.v1',
  'meeting:deleted.v1',
] as const;
type MeetingEvent = Extract<StreamEvent, { type: (typeof MEETING_CHANGES)[number] }>;
export type MeetingListWhen = 'open' | 'upcoming' | 'past';

/** A change to a meeting itself (not presence, which only counts who watches). */
export function isMeetingEvent(event: StreamEvent): event is MeetingEvent {
  return (MEETING_CHANGES as readonly string[]).includes(event.type);
}

/** The meeting an event belongs to; null for tenant-wide events. */
export function meetingIdOf(event: StreamEvent): string | null {
  if (isMeetingEvent(event)) return event.data.id;
  const data = event.data as { meetingId?: string };
  return data.meetingId ?? null;
}

/** Which list of the meetings home a meeting is in. */
export function listOf(meeting: Pick<Meeting, 'state'>): MeetingListWhen {
  if (meeting.state === 'open') return 'open';
  return meeting.state === 'scheduled' ? 'upcoming' : 'past';
}

const at = (event: StreamEvent) => new Date(event.timestamp).toISOString();

/** The meeting as the event describes it, with the rules in force after falling back on the tenant's. */
function described<M extends Meeting>(meeting: M, event: MeetingEvent, defaults: TenantSettings): M {
  const { data } = event;
  return {
    ...meeting,
    ...data,
    openedAt: event.type === 'meeting:opened.v1' ? at(event) : meeting.openedAt,
    closedAt: event.type === 'meeting:closed.v1' ? at(event) : meeting.closedAt,
    effective: {
      requireApproval: data.requireApproval ?? defaults.requireApproval,
      allowGuests: data.allowGuests ?? defaults.allowGuests,
    },
  };
}

/**
 * What the event makes of the meeting a page shows. `defaults` are the tenant's settings, which a
 * meeting without its own rule follows; a deleted meeting is left as it was (the page learns it apart).
 */
export function applyToMeeting(
  meeting: MeetingSnapshot,
  event: StreamEvent,
  defaults: TenantSettings,
): MeetingSnapshot {
  if (event.type === 'question:frozen.v2' && event.data.meetingId === meeting.id)
    return { ...meeting, paused: event.data.frozen };
  if (event.type === 'tenant:updated.v3') {
    const { settings } = event.data;
    return {
      ...meeting,
      effective: {
        requireApproval: meeting.requireApproval ?? settings.requireApproval,
        allowGuests: meeting.allowGuests ?? settings.allowGuests,
      },
    };
  }
  if (!isMeetingEvent(event) || event.data.id !== meeting.id || event.type === 'meeting:deleted.v1')
    return meeting;
  return described(meeting, event, defaults);
}

/** The list changed, must load again (a meeting it lacks the fields of), or is untouched. */
export type MeetingListOutcome =
  | { kind: 'update'; data: MeetingList }
  | { kind: 'refetch' }
  | { kind: 'unchanged' };

/**
 * Applies one event to a cached `meeting.list` for `when` (every meeting when unset): a meeting that
 * stays in the list is patched, one that leaves it is dropped, one that joins it makes the list load again
 * (its order and the fields the event lacks come from the server).
 */
export function applyToMeetingList(
  list: MeetingList,
  when: MeetingListWhen | undefined,
  event: StreamEvent,
  defaults: TenantSettings,
): MeetingListOutcome {
  if (!isMeetingEvent(event)) return { kind: 'unchanged' };
  const present = list.items.find((item) => item.id === event.data.id);
  const belongs = event.type !== 'meeting:deleted.v1' && (!when || listOf(event.data) === when);
  if (!present) return belongs ? { kind: 'refetch' } : { kind: 'unchanged' };
  if (!belongs)
    return { kind: 'update', data: { ...list, items: list.items.filter((item) => item !== present) } };
  if (listOf(present) !== listOf(event.data)) return { kind: 'refetch' };
  const items = list.items.map((item) => (item === present ? described(item, event, defaults) : item));
  return { kind: 'update', data: { ...list, items } };
}
