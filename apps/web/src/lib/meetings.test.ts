import type { Meeting } from '@pulsestage/contracts';
import { describe, expect, it } from 'vitest';
import { formatMeetingCode, groupMeetings, meetingTiming, parseMeetingCode } from './meetings';

function meeting(overrides: Partial<Meeting>): Meeting {
  return {
    id: crypto.randomUUID(),
    title: 'All-hands',
    description: null,
    code: '482913',
    state: 'open',
    paused: false,
    opensAt: null,
    closesAt: null,
    requireApproval: null,
    allowGuests: null,
    createdAt: '2026-11-01T09:00:00.000Z',
    openedAt: null,
    closedAt: null,
    effective: { requireApproval: false, allowGuests: false },
    ...overrides,
  };
}

describe('meeting codes', () => {
  it('shows a code with a hash, as people read it out', () => {
    expect(formatMeetingCode('482913')).toBe('#482913');
  });

  it('reads a code however people type or paste it', () => {
    expect(parseMeetingCode('482913')).toBe('482913');
    expect(parseMeetingCode(' #482913 ')).toBe('482913');
    expect(parseMeetingCode('482 913')).toBe('482913');
    expect(parseMeetingCode('https://pulse.example/j/482913')).toBe('482913');
  });

  it('refuses what is not six digits', () => {
    expect(parseMeetingCode('')).toBeNull();
    expect(parseMeetingCode('48291')).toBeNull();
    expect(parseMeetingCode('4829134')).toBeNull();
    expect(parseMeetingCode('48291a')).toBeNull();
    expect(parseMeetingCode('##482913')).toBeNull();
  });
});

describe('groupMeetings', () => {
  it('puts each meeting under its state, in the order people look for them', () => {
    const openedEarly = meeting({ title: 'opened early', openedAt: '2026-11-30T08:00:00.000Z' });
    const openedLate = meeting({ title: 'opened late', openedAt: '2026-11-30T10:00:00.000Z' });
    const soon = meeting({ title: 'soon', state: 'scheduled', opensAt: '2026-12-01T09:00:00.000Z' });
    const later = meeting({ title: 'later', state: 'scheduled', opensAt: '2026-12-08T09:00:00.000Z' });
    const byHand = meeting({ title: 'by hand', state: 'scheduled' });
    const closedLong = meeting({ title: 'long ago', state: 'closed', closedAt: '2026-10-01T09:00:00.000Z' });
    const closedRecently = meeting({
      title: 'recent',
      state: 'closed',
      closedAt: '2026-11-29T09:00:00.000Z',
    });
    const groups = groupMeetings([closedLong, byHand, openedEarly, later, closedRecently, soon, openedLate]);
    const titles = (list: Meeting[]) => list.map((item) => item.title);
    expect(titles(groups.open)).toEqual(['opened late', 'opened early']);
    expect(titles(groups.upcoming)).toEqual(['soon', 'later', 'by hand']);
    expect(titles(groups.past)).toEqual(['recent', 'long ago']);
  });
});

describe('meetingTiming', () => {
  const now = Date.parse('2026-11-30T12:00:00.000Z');
  const at = (iso: string) =>
    new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date(iso));

  it('says when a scheduled meeting opens, or that a moderator opens it', () => {
    const opensAt = '2026-12-03T09:00:00.000Z';
    expect(meetingTiming(meeting({ state: 'scheduled', opensAt }), now, 'en-GB')).toBe(
      `Opens ${at(opensAt)}`,
    );
    expect(meetingTiming(meeting({ state: 'scheduled' }), now, 'en-GB')).toBe(
      'Not scheduled yet: a moderator opens it',
    );
  });

  it('says since when a meeting is open and when it closes', () => {
    const openedAt = '2026-11-30T11:00:00.000Z';
    const closesAt = '2026-11-30T13:00:00.000Z';
    expect(meetingTiming(meeting({ openedAt, closesAt }), now, 'en-GB')).toBe(
      `Open since ${at(openedAt)} · closes ${at(closesAt)}`,
    );
  });

  it('gives the year of a meeting of another year', () => {
    const closedAt = '2025-11-28T09:00:00.000Z';
    expect(meetingTiming(meeting({ state: 'closed', closedAt }), now, 'en-GB')).toContain('2025');
  });
});
