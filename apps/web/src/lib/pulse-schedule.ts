import type { PulseSchedule, PulseSettings, Weekday } from '@pulsestage/contracts';
import { PULSE_COHORTS_MAX, WEEKDAYS } from '@pulsestage/contracts/limits';
import { activeLocale } from '../i18n/catalogs';

/**
 * The schedule form as it is being edited. Days point at cohorts by their place in the list, so renaming
 * a cohort keeps its days and removing one clears them, whatever is typed meanwhile.
 */
export interface ScheduleDraft {
  enabled: boolean;
  timeZone: string;
  timeOfDay: string;
  cohorts: string[];
  days: Record<Weekday, number | null>;
  threshold: number;
}

const mapDays = (change: (day: Weekday) => number | null) =>
  Object.fromEntries(WEEKDAYS.map((day) => [day, change(day)])) as Record<Weekday, number | null>;

/** The form for the saved settings; a tenant that never set pulse up is offered the browser's time zone. */
export function draftOf(settings: PulseSettings, browserTimeZone: string): ScheduleDraft {
  const untouched = !settings.enabled && settings.timeZone === 'UTC';
  return {
    enabled: settings.enabled,
    timeZone: untouched ? browserTimeZone : settings.timeZone,
    timeOfDay: settings.timeOfDay,
    cohorts: [...settings.cohorts],
    days: mapDays((day) => {
      const index = settings.cohorts.indexOf(settings.schedule[day] ?? '');
      return index === -1 ? null : index;
    }),
    threshold: settings.threshold,
  };
}

/** What the form sends: the cohorts as typed (trimmed) and each day's cohort by name. */
export function settingsOf({ days, ...draft }: ScheduleDraft): PulseSettings {
  const cohorts = draft.cohorts.map((name) => name.trim());
  const schedule = Object.fromEntries(
    WEEKDAYS.map((day) => {
      const index = days[day];
      return [day, index === null ? null : (cohorts[index] ?? null)];
    }),
  ) as PulseSchedule;
  return { ...draft, cohorts, schedule };
}

export function renameCohort(draft: ScheduleDraft, index: number, name: string): ScheduleDraft {
  return { ...draft, cohorts: draft.cohorts.map((cohort, at) => (at === index ? name : cohort)) };
}

/** Removes a cohort; its days invite nobody until another is chosen. */
export function removeCohort(draft: ScheduleDraft, index: number): ScheduleDraft {
  return {
    ...draft,
    cohorts: draft.cohorts.filter((_, at) => at !== index),
    days: mapDays((day) => {
      const current = draft.days[day];
      if (current === null || current === index) return null;
      return current > index ? current - 1 : current;
    }),
  };
}

/** Adds a cohort named "Cohort N" (the first N not taken), unless the list is full. */
export function addCohort(draft: ScheduleDraft): ScheduleDraft {
  if (draft.cohorts.length >= PULSE_COHORTS_MAX) return draft;
  const taken = new Set(draft.cohorts.map((name) => name.trim().toLowerCase()));
  let number = draft.cohorts.length + 1;
  while (taken.has(`cohort ${number}`)) number += 1;
  return { ...draft, cohorts: [...draft.cohorts, `Cohort ${number}`] };
}

export function setDay(draft: ScheduleDraft, day: Weekday, cohort: number | null): ScheduleDraft {
  return { ...draft, days: { ...draft.days, [day]: cohort } };
}

/** `monday` → "Monday". */
const MONDAY = Date.UTC(2024, 0, 1);
const DAY_MS = 24 * 60 * 60 * 1000;
const WEEK = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** `wednesday` → "Wednesday", in the language shown. */
export const weekdayName = (day: Weekday, locale = activeLocale()) =>
  new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(
    MONDAY + WEEK.indexOf(day) * DAY_MS,
  );

/**
 * The time zones to choose from: every one this browser knows, plus UTC and whatever is saved or
 * proposed (a browser may list neither), in alphabetical order.
 */
export function timeZoneChoices(known: readonly string[], ...wanted: string[]): string[] {
  return [...new Set([...known, 'UTC', ...wanted])].sort((a, b) => a.localeCompare(b));
}
