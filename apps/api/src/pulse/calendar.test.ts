import { describe, expect, it } from 'vitest';
import { isoWeekBefore, isoWeekOf, localDateAt, truncateToHour, weekdayOf } from './calendar.js';

describe('the pulse calendar', () => {
  it("reads the date in the tenant's time zone, not the server's", () => {
    const instant = new Date('2026-11-30T23:30:00Z');
    expect(localDateAt(instant, 'UTC')).toBe('2026-11-30');
    expect(localDateAt(instant, 'Europe/Berlin')).toBe('2026-12-01');
    expect(localDateAt(instant, 'America/Los_Angeles')).toBe('2026-11-30');
  });

  it('names weekdays from Monday', () => {
    expect(weekdayOf('2026-11-30')).toBe('monday');
    expect(weekdayOf('2026-12-06')).toBe('sunday');
  });

  it('numbers ISO weeks, those that straddle a new year included', () => {
    expect(isoWeekOf('2026-11-30')).toBe('2026-W49');
    expect(isoWeekOf('2026-12-06')).toBe('2026-W49');
    expect(isoWeekOf('2026-12-31')).toBe('2026-W53');
    expect(isoWeekOf('2027-01-03')).toBe('2026-W53');
    expect(isoWeekOf('2027-01-04')).toBe('2027-W01');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
    expect(isoWeekBefore('2026-11-30', 1)).toBe('2026-W48');
    expect(isoWeekBefore('2027-01-04', 1)).toBe('2026-W53');
  });

  it('keeps only the hour of an answer', () => {
    expect(truncateToHour(new Date('2026-11-30T09:41:27.123Z'))).toBe('2026-11-30T09:00:00.000Z');
  });
});
