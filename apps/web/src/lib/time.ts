import { useEffect, useState } from 'react';
import { activeLocale } from '../i18n/catalogs';

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/**
 * "3 minutes ago": how long ago an ISO-8601 time was, in the largest unit that fits once rounded
 * (59.6 seconds is "1 minute ago", not "60 seconds ago"), in the language shown by default.
 */
export function timeAgo(iso: string, now = Date.now(), locale = activeLocale()): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  let amount = (new Date(iso).getTime() - now) / 1000;
  for (const [unit, size] of STEPS) {
    const rounded = Math.round(amount);
    if (Math.abs(rounded) < size) return format.format(rounded, unit);
    amount /= size;
  }
  return format.format(Math.round(amount), 'year');
}

const SECOND_MS = 1000;
const UNITS_MS = [
  [60 * SECOND_MS, SECOND_MS],
  [60 * 60 * SECOND_MS, 60 * SECOND_MS],
  [24 * 60 * 60 * SECOND_MS, 60 * 60 * SECOND_MS],
] as const;
const DAY_MS = 24 * 60 * 60 * SECOND_MS;

/**
 * How many milliseconds `timeAgo(iso)` keeps saying the same thing from `now`: until its number,
 * rounded in the unit it counts in, moves on, just past the next half unit. At most a day.
 */
export function msUntilChange(iso: string, now = Date.now()): number {
  const age = Math.abs(now - new Date(iso).getTime());
  const unit = UNITS_MS.find(([below]) => age < below)?.[1] ?? DAY_MS;
  const sinceRounding = (age + unit / 2) % unit;
  return Math.ceil(unit - sinceRounding) + 1;
}

/** `timeAgo(iso)`, said again whenever its wording changes, for as long as it is on screen. */
export function useTimeAgo(iso: string): string {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setTimeout(() => setNow(Date.now()), msUntilChange(iso, now));
    return () => clearTimeout(timer);
  }, [iso, now]);
  return timeAgo(iso, now);
}
