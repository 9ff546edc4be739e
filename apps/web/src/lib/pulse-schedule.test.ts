import type { PulseSettings } from '@pulsestage/contracts';
import { PULSE_COHORTS_MAX } from '@pulsestage/contracts/limits';
import { describe, expect, it } from 'vitest';
import {
  addCohort,
  draftOf,
  removeCohort,
  renameCohort,
  setDay,
  settingsOf,
  timeZoneChoices,
  weekdayName,
} from './pulse-schedule';

const DEFAULTS: PulseSettings = {
  enabled: false,
  timeZone: 'UTC',
  timeOfDay: '09:00',
  cohorts: ['Weekday', 'Weekend'],
  schedule: {
    monday: 'Weekday',
    tuesday: 'Weekday',
    wednesday: 'Weekday',
    thursday: 'Weekday',
    friday: 'Weekday',
    saturday: 'Weekend',
    sunday: 'Weekend',
  },
  threshold: 5,
};

describe('draftOf and settingsOf', () => {
  it('give back the saved settings when nothing is edited', () => {
    const saved = { ...DEFAULTS, enabled: true, timeZone: 'Europe/Berlin' };
    expect(settingsOf(draftOf(saved, 'America/New_York'))).toEqual(saved);
  });

  it("offer the browser's time zone to an organization that never set pulse up", () => {
    expect(draftOf(DEFAULTS, 'Europe/Berlin').timeZone).toBe('Europe/Berlin');
    expect(draftOf({ ...DEFAULTS, enabled: true }, 'Europe/Berlin').timeZone).toBe('UTC');
  });

  it('read a day whose cohort is unknown as nobody', () => {
    const saved = { ...DEFAULTS, schedule: { ...DEFAULTS.schedule, monday: 'Gone', sunday: null } };
    const { schedule } = settingsOf(draftOf(saved, 'UTC'));
    expect([schedule.monday, schedule.sunday, schedule.tuesday]).toEqual([null, null, 'Weekday']);
  });

  it('trim the cohort names', () => {
    const draft = renameCohort(draftOf(DEFAULTS, 'UTC'), 0, '  Early birds ');
    expect(settingsOf(draft).cohorts).toEqual(['Early birds', 'Weekend']);
    expect(settingsOf(draft).schedule.monday).toBe('Early birds');
  });
});

describe('editing cohorts', () => {
  it('keeps the days of a cohort being renamed, through every keystroke', () => {
    let draft = draftOf(DEFAULTS, 'UTC');
    for (const typed of ['Weekda', '', 'E', 'Everyone']) draft = renameCohort(draft, 0, typed);
    const { schedule } = settingsOf(draft);
    expect(schedule.monday).toBe('Everyone');
    expect(schedule.saturday).toBe('Weekend');
  });

  it("clears a removed cohort's days and keeps the others' days on their cohorts", () => {
    const draft = removeCohort(draftOf(DEFAULTS, 'UTC'), 0);
    const { cohorts, schedule } = settingsOf(draft);
    expect(cohorts).toEqual(['Weekend']);
    expect(schedule.monday).toBeNull();
    expect(schedule.saturday).toBe('Weekend');
  });

  it('adds cohorts with names not taken, up to the limit', () => {
    let draft = renameCohort(draftOf(DEFAULTS, 'UTC'), 1, 'cohort 3');
    draft = addCohort(draft);
    expect(draft.cohorts).toEqual(['Weekday', 'cohort 3', 'Cohort 4']);
    for (let added = 0; added < PULSE_COHORTS_MAX; added += 1) draft = addCohort(draft);
    expect(draft.cohorts).toHaveLength(PULSE_COHORTS_MAX);
  });

  it('sets and clears the cohort of one day', () => {
    let draft = setDay(draftOf(DEFAULTS, 'UTC'), 'saturday', 0);
    draft = setDay(draft, 'sunday', null);
    const { schedule } = settingsOf(draft);
    expect([schedule.saturday, schedule.sunday, schedule.friday]).toEqual(['Weekday', null, 'Weekday']);
  });
});

describe('timeZoneChoices', () => {
  it('adds UTC and the saved zone to what the browser knows, once each, sorted', () => {
    expect(timeZoneChoices(['Europe/Berlin', 'America/New_York'], 'Etc/GMT+1', 'Europe/Berlin')).toEqual([
      'America/New_York',
      'Etc/GMT+1',
      'Europe/Berlin',
      'UTC',
    ]);
  });
});

it('names weekdays', () => {
  expect(weekdayName('wednesday')).toBe('Wednesday');
});
