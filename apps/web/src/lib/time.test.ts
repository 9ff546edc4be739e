import { afterEach, describe, expect, it, vi } from 'vitest';
import { msUntilChange, timeAgo as timeAgoIn } from './time';

const NOW = Date.parse('2025-03-10T12:00:00.000Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The ISO-8601 time `ms` milliseconds before NOW (after it when negative). */
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const fromNow = (ms: number) => ago(-ms);

const timeAgo = (iso: string, now?: number) => timeAgoIn(iso, now, 'en');

describe('timeAgo', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says "now" for the present moment and anything under half a second', () => {
    expect(timeAgo(ago(0), NOW)).toBe('now');
    expect(timeAgo(ago(400), NOW)).toBe('now');
    expect(timeAgo(fromNow(400), NOW)).toBe('now');
  });

  it('counts seconds under a minute', () => {
    expect(timeAgo(ago(1 * SECOND), NOW)).toBe('1 second ago');
    expect(timeAgo(ago(5 * SECOND), NOW)).toBe('5 seconds ago');
    expect(timeAgo(ago(59 * SECOND), NOW)).toBe('59 seconds ago');
  });

  it('counts minutes under an hour', () => {
    expect(timeAgo(ago(60 * SECOND), NOW)).toBe('1 minute ago');
    expect(timeAgo(ago(2 * MINUTE), NOW)).toBe('2 minutes ago');
    expect(timeAgo(ago(45 * MINUTE + 10 * SECOND), NOW)).toBe('45 minutes ago');
    expect(timeAgo(ago(59 * MINUTE), NOW)).toBe('59 minutes ago');
  });

  it('counts hours under a day', () => {
    expect(timeAgo(ago(HOUR), NOW)).toBe('1 hour ago');
    expect(timeAgo(ago(3 * HOUR + 10 * MINUTE), NOW)).toBe('3 hours ago');
    expect(timeAgo(ago(23 * HOUR), NOW)).toBe('23 hours ago');
  });

  it('counts days under a week', () => {
    expect(timeAgo(ago(DAY), NOW)).toBe('yesterday');
    expect(timeAgo(ago(3 * DAY), NOW)).toBe('3 days ago');
    expect(timeAgo(ago(6 * DAY), NOW)).toBe('6 days ago');
  });

  it('moves on to weeks, months and years', () => {
    expect(timeAgo(ago(7 * DAY), NOW)).toBe('last week');
    expect(timeAgo(ago(14 * DAY), NOW)).toBe('2 weeks ago');
    expect(timeAgo(ago(60 * DAY), NOW)).toBe('2 months ago');
    expect(timeAgo(ago(400 * DAY), NOW)).toBe('last year');
    expect(timeAgo(ago(3 * 365 * DAY), NOW)).toBe('3 years ago');
  });

  it('speaks of future times as to come', () => {
    expect(timeAgo(fromNow(30 * SECOND), NOW)).toBe('in 30 seconds');
    expect(timeAgo(fromNow(10 * MINUTE), NOW)).toBe('in 10 minutes');
    expect(timeAgo(fromNow(3 * HOUR), NOW)).toBe('in 3 hours');
    expect(timeAgo(fromNow(DAY), NOW)).toBe('tomorrow');
    expect(timeAgo(fromNow(4 * DAY), NOW)).toBe('in 4 days');
  });

  it('reads times with an offset', () => {
    expect(timeAgo('2025-03-10T13:55:00+02:00', NOW)).toBe('5 minutes ago');
  });

  it('measures from the current time by default', () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    expect(timeAgo(ago(5 * MINUTE))).toBe('5 minutes ago');
    vi.setSystemTime(NOW + 2 * HOUR);
    expect(timeAgo(ago(5 * MINUTE))).toBe('2 hours ago');
  });

  it('moves to the next unit when the number rounds up to its size', () => {
    expect(timeAgo(ago(59_600), NOW)).toBe('1 minute ago');
    expect(timeAgo(ago(59 * MINUTE + 59 * SECOND), NOW)).toBe('1 hour ago');
    expect(timeAgo(ago(6.6 * DAY), NOW)).toBe('last week');
    expect(timeAgo(ago(364 * DAY), NOW)).toBe('last year');
  });

  it('speaks the language it is given', () => {
    expect(timeAgoIn(ago(2 * MINUTE), NOW, 'de')).toBe('vor 2 Minuten');
  });
});

describe('msUntilChange', () => {
  const STEP = 50;

  /** The moments in `span` ms from `from` on when the wording changed before the scheduled look. */
  function changesMissed(iso: string, from: number, span: number): number[] {
    const missed: number[] = [];
    let checkAt = from + msUntilChange(iso, from);
    for (let now = from + STEP; now < from + span; now += STEP) {
      if (now >= checkAt) checkAt = now + msUntilChange(iso, now);
      else if (timeAgo(iso, now) !== timeAgo(iso, now - STEP)) missed.push(now);
    }
    return missed;
  }

  it('looks again when the wording would change, never later', () => {
    const asked = ago(0);
    expect(changesMissed(asked, NOW, 3 * MINUTE)).toEqual([]);
    expect(changesMissed(asked, NOW + 58 * MINUTE, 3 * MINUTE)).toEqual([]);
  });

  it('ticks every second under a minute, twice a minute under an hour, at the rounding point', () => {
    expect(msUntilChange(ago(0), NOW)).toBe(SECOND / 2 + 1);
    expect(msUntilChange(ago(10 * SECOND), NOW)).toBe(SECOND / 2 + 1);
    expect(msUntilChange(ago(2 * MINUTE), NOW)).toBe(30 * SECOND + 1);
    expect(msUntilChange(ago(2 * MINUTE + 40 * SECOND), NOW)).toBe(50 * SECOND + 1);
    expect(msUntilChange(ago(3 * HOUR), NOW)).toBe(30 * MINUTE + 1);
  });

  it('turns "now" into "1 second ago", and "now" never lasts two minutes', () => {
    const asked = ago(0);
    const next = NOW + msUntilChange(asked, NOW);
    expect(timeAgo(asked, next)).toBe('1 second ago');
    let now = NOW;
    while (now < NOW + 2 * MINUTE) now += msUntilChange(asked, now);
    expect(now - NOW).toBeLessThanOrEqual(2 * MINUTE + 30 * SECOND + 1);
    expect(timeAgo(asked, now)).toMatch(/minutes ago/);
  });
});
