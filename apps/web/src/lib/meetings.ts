import type { Meeting } from '@pulsestage/contracts';
import { MEETING_CODE_LENGTH } from '@pulsestage/contracts/limits';
import { t } from 'i18next';
import { activeLocale } from '../i18n/catalogs';

/** A join code as screens show it: `#482913`. */
export const formatMeetingCode = (code: string) => `#${code}`;

const CODE = new RegExp(`^\\d{${MEETING_CODE_LENGTH}}$`);
/** The code at the end of a pasted join address (`…/j/482913`). */
const CODE_IN_ADDRESS = new RegExp(`/j/(\\d{${MEETING_CODE_LENGTH}})/?$`);

/**
 * The six digits of a code as people type or paste it (`#482 913`, `482913`, a join address), or null
 * when what they typed is not a meeting code.
 */
export function parseMeetingCode(typed: string): string | null {
  const text = typed.trim();
  const fromAddress = text.match(CODE_IN_ADDRESS)?.[1];
  if (fromAddress) return fromAddress;
  const digits = text.replace(/^#/, '').replace(/\s+/g, '');
  return CODE.test(digits) ? digits : null;
}

export interface MeetingGroups {
  open: Meeting[];
  upcoming: Meeting[];
  past: Meeting[];
}

const time = (iso: string | null) => (iso === null ? Number.NaN : Date.parse(iso));

/** Newest first by `key`; meetings without that time go last. */
const newestFirst = (key: (meeting: Meeting) => string | null) => (a: Meeting, b: Meeting) =>
  (time(key(b)) || 0) - (time(key(a)) || 0);

/** Soonest first by opening time; meetings nobody scheduled (opened by hand) go last. */
function soonestFirst(a: Meeting, b: Meeting): number {
  if (a.opensAt === null || b.opensAt === null)
    return Number(a.opensAt === null) - Number(b.opensAt === null);
  return time(a.opensAt) - time(b.opensAt);
}

/** Open now (newest opened first), upcoming (soonest first) and past (newest closed first). */
export function groupMeetings(meetings: readonly Meeting[]): MeetingGroups {
  const inState = (state: Meeting['state']) => meetings.filter((meeting) => meeting.state === state);
  return {
    open: inState('open').sort(newestFirst((meeting) => meeting.openedAt)),
    upcoming: inState('scheduled').sort(soonestFirst),
    past: inState('closed').sort(newestFirst((meeting) => meeting.closedAt)),
  };
}

/** "Tue 3 Dec, 10:00" in the language shown, with the year only when it is not this one. */
export function formatMeetingTime(iso: string, now = Date.now(), locale = activeLocale()): string {
  const date = new Date(iso);
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

/** One line on when a meeting happens: what a card says under its title. */
export function meetingTiming(meeting: Meeting, now = Date.now(), locale = activeLocale()): string {
  const at = (iso: string) => formatMeetingTime(iso, now, locale);
  if (meeting.state === 'open') {
    const since = meeting.openedAt
      ? t('meeting.timing.openSince', { time: at(meeting.openedAt) })
      : t('meeting.timing.openNow');
    return meeting.closesAt ? t('meeting.timing.closes', { since, time: at(meeting.closesAt) }) : since;
  }
  if (meeting.state === 'scheduled') {
    return meeting.opensAt
      ? t('meeting.timing.opens', { time: at(meeting.opensAt) })
      : t('meeting.timing.unscheduled');
  }
  return meeting.closedAt
    ? t('meeting.timing.closedAt', { time: at(meeting.closedAt) })
    : t('meeting.timing.closed');
}
