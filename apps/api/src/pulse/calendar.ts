import { WEEKDAYS, type Weekday } from '@pulsestage/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The calendar date (`YYYY-MM-DD`) at `instant` in `timeZone`. */
export function localDateAt(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

function utcMidnight(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

export function weekdayOf(date: string): Weekday {
  // getUTCDay counts from Sunday; WEEKDAYS from Monday.
  return WEEKDAYS[(utcMidnight(date).getUTCDay() + 6) % 7] as Weekday;
}

/** The ISO week of a date, like `2026-W49`: weeks start on Monday and belong to the year of their Thursday. */
export function isoWeekOf(date: string): string {
  const day = utcMidnight(date);
  const thursday = new Date(day.getTime() + (3 - ((day.getUTCDay() + 6) % 7)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The ISO week `count` weeks before the week of `date` (0: its own). */
export function isoWeekBefore(date: string, count: number): string {
  const earlier = new Date(utcMidnight(date).getTime() - count * 7 * DAY_MS);
  return isoWeekOf(earlier.toISOString().slice(0, 10));
}

/** The instant truncated to its hour, as stored for answers: `2026-11-30T09:00:00.000Z`. */
export function truncateToHour(instant: Date): string {
  const hour = new Date(instant);
  hour.setUTCMinutes(0, 0, 0);
  return hour.toISOString();
}
