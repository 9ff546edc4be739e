import { randomUUID } from 'node:crypto';
import type { MeetingList, MeetingSnapshot, TenantSettings } from '@pulsestage/contracts';
import { describe, expect, it } from 'vitest';
import { applyToMeeting, applyToMeetingList, isMeetingEvent, listOf, meetingIdOf } from './meeting-state';
import { deepFreeze, MEETING_ID, makeEvent, NOW } from './test-data';

const DEFAULTS: TenantSettings = {
  requireApproval: true,
  allowGuests: false,
  minQuestionLength: 1,
  maxQuestionLength: 2000,
  submitLimitPerMinute: 5,
  upvoteLimitPerMinute: 120,
  defaultLanguage: null,
};

function makeMeeting(overrides: Partial<MeetingSnapshot> = {}): MeetingSnapshot {
  return deepFreeze({
    id: MEETING_ID,
    title: 'December all-hands',
    description: null,
    code: '482913',
    state: 'open',
    paused: false,
    opensAt: null,
    closesAt: null,
    requireApproval: null,
    allowGuests: null,
    createdAt: '2025-03-01T09:00:00.000Z',
    openedAt: '2025-03-10T09:00:00.000Z',
    closedAt: null,
    effective: { requireApproval: true, allowGuests: false },
    sequence: 4,
    ...overrides,
  });
}

const publicFields = (meeting: MeetingSnapshot) => {
  const { createdAt: _c, openedAt: _o, closedAt: _cl, effective: _e, sequence: _s, ...fields } = meeting;
  return fields;
};
const meetingEvent = (
  type:
    | 'meeting:created.v1'
    | 'meeting:updated.v1'
    | 'meeting:opened.v1'
    | 'meeting:closed.v1'
    | 'meeting:deleted.v1',
  meeting: MeetingSnapshot,
) => makeEvent(type, publicFields(meeting));

describe('meetingIdOf', () => {
  it('reads a meeting event’s id, a question event’s meeting, and nothing for tenant-wide events', () => {
    const meeting = makeMeeting();
    expect(meetingIdOf(meetingEvent('meeting:updated.v1', meeting))).toBe(MEETING_ID);
    expect(meetingIdOf(makeEvent('question:frozen.v2', { meetingId: MEETING_ID, frozen: true }))).toBe(
      MEETING_ID,
    );
    expect(meetingIdOf(makeEvent('tenant:updated.v3', { name: 'Demo', settings: DEFAULTS }))).toBeNull();
  });

  it('does not take presence for a change to the meeting', () => {
    const presence = makeEvent('meeting:presence.v1', { meetingId: MEETING_ID, watching: 3 });
    expect(isMeetingEvent(presence)).toBe(false);
  });
});

describe('applyToMeeting', () => {
  const meeting = makeMeeting();

  it('takes the fields a meeting event carries and the rules they make effective', () => {
    const changed = makeMeeting({ title: 'All-hands', requireApproval: false, allowGuests: true });
    expect(applyToMeeting(meeting, meetingEvent('meeting:updated.v1', changed), DEFAULTS)).toEqual({
      ...changed,
      effective: { requireApproval: false, allowGuests: true },
    });
  });

  it('falls back on the tenant’s rules where the meeting has none', () => {
    const own = makeMeeting({
      requireApproval: false,
      effective: { requireApproval: false, allowGuests: false },
    });
    const updated = applyToMeeting(own, meetingEvent('meeting:updated.v1', meeting), DEFAULTS);
    expect(updated.effective).toEqual({ requireApproval: true, allowGuests: false });
  });

  it('notes when the meeting opened and closed, from the event’s time', () => {
    const at = new Date(NOW).toISOString();
    const closed = applyToMeeting(
      meeting,
      meetingEvent('meeting:closed.v1', makeMeeting({ state: 'closed' })),
      DEFAULTS,
    );
    expect(closed).toMatchObject({ state: 'closed', closedAt: at, openedAt: meeting.openedAt });
    const scheduled = makeMeeting({ state: 'scheduled', openedAt: null });
    const opened = applyToMeeting(scheduled, meetingEvent('meeting:opened.v1', meeting), DEFAULTS);
    expect(opened).toMatchObject({ state: 'open', openedAt: at });
  });

  it('follows the meeting’s pause', () => {
    const paused = applyToMeeting(
      meeting,
      makeEvent('question:frozen.v2', { meetingId: MEETING_ID, frozen: true }),
      DEFAULTS,
    );
    expect(paused.paused).toBe(true);
  });

  it('follows the tenant’s new rules where the meeting has none', () => {
    const settings = { ...DEFAULTS, requireApproval: false, allowGuests: true };
    const updated = applyToMeeting(
      meeting,
      makeEvent('tenant:updated.v3', { name: 'Demo', settings }),
      DEFAULTS,
    );
    expect(updated.effective).toEqual({ requireApproval: false, allowGuests: true });
  });

  it('leaves the meeting as it is for another meeting’s events, a deletion and presence', () => {
    const other = makeMeeting({ id: randomUUID(), title: 'Other' });
    expect(applyToMeeting(meeting, meetingEvent('meeting:updated.v1', other), DEFAULTS)).toBe(meeting);
    expect(applyToMeeting(meeting, meetingEvent('meeting:deleted.v1', meeting), DEFAULTS)).toBe(meeting);
    const presence = makeEvent('meeting:presence.v1', { meetingId: MEETING_ID, watching: 3 });
    expect(applyToMeeting(meeting, presence, DEFAULTS)).toBe(meeting);
    const otherPause = makeEvent('question:frozen.v2', { meetingId: other.id, frozen: true });
    expect(applyToMeeting(meeting, otherPause, DEFAULTS)).toBe(meeting);
  });
});

describe('applyToMeetingList', () => {
  const open = makeMeeting();
  const upcoming = makeMeeting({ id: randomUUID(), state: 'scheduled', openedAt: null });
  const list = (items: MeetingSnapshot[]): MeetingList => deepFreeze({ items, sequence: 1 });

  it('puts each state in its list', () => {
    expect([listOf(open), listOf(upcoming), listOf({ state: 'closed' })]).toEqual([
      'open',
      'upcoming',
      'past',
    ]);
  });

  it('patches a meeting that stays in the list', () => {
    const renamed = makeMeeting({ title: 'Renamed' });
    const outcome = applyToMeetingList(
      list([open]),
      'open',
      meetingEvent('meeting:updated.v1', renamed),
      DEFAULTS,
    );
    expect(outcome).toEqual({
      kind: 'update',
      data: { items: [{ ...open, title: 'Renamed' }], sequence: 1 },
    });
  });

  it('drops a meeting that leaves the list, and a deleted one', () => {
    const closed = makeMeeting({ state: 'closed' });
    expect(
      applyToMeetingList(list([open]), 'open', meetingEvent('meeting:closed.v1', closed), DEFAULTS),
    ).toEqual({
      kind: 'update',
      data: { items: [], sequence: 1 },
    });
    expect(
      applyToMeetingList(list([open]), undefined, meetingEvent('meeting:deleted.v1', open), DEFAULTS),
    ).toEqual({
      kind: 'update',
      data: { items: [], sequence: 1 },
    });
  });

  it('loads the list again for a meeting that joins it, or moves within the list of every meeting', () => {
    const opened = makeMeeting({ id: upcoming.id });
    expect(
      applyToMeetingList(list([open]), 'open', meetingEvent('meeting:opened.v1', opened), DEFAULTS),
    ).toEqual({
      kind: 'refetch',
    });
    expect(
      applyToMeetingList(list([upcoming]), undefined, meetingEvent('meeting:opened.v1', opened), DEFAULTS),
    ).toEqual({
      kind: 'refetch',
    });
    expect(
      applyToMeetingList(list([]), 'upcoming', meetingEvent('meeting:created.v1', upcoming), DEFAULTS),
    ).toEqual({
      kind: 'refetch',
    });
  });

  it('leaves a list alone for meetings it does not hold and would not hold, and for other events', () => {
    expect(
      applyToMeetingList(list([open]), 'past', meetingEvent('meeting:created.v1', upcoming), DEFAULTS),
    ).toEqual({
      kind: 'unchanged',
    });
    const frozen = makeEvent('question:frozen.v2', { meetingId: MEETING_ID, frozen: true });
    expect(applyToMeetingList(list([open]), 'open', frozen, DEFAULTS)).toEqual({ kind: 'unchanged' });
  });
});
