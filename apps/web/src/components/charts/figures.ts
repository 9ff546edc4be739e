import type { MeetingAnalytics } from '@pulsestage/contracts';
import { t } from 'i18next';
import { activeLocale } from '../../i18n/catalogs';

type DurationUnit = 'days' | 'hours' | 'minutes' | 'seconds';

/** Numbers and labels of the analytics page, kept apart from the drawing so they can be checked. */

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `45 s`, `4 min 10 s`, `2 h 5 min`, `3 d 4 h`: the two largest units, rounded to the smaller. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.round(totalSeconds);
  const units: [number, DurationUnit][] = [
    [DAY, 'days'],
    [HOUR, 'hours'],
    [MINUTE, 'minutes'],
    [1, 'seconds'],
  ];
  const amount = (count: number, unit: DurationUnit) => t(`analytics.duration.${unit}`, { count });
  const largest = units.findIndex(([size]) => seconds >= size);
  if (largest === -1) return amount(0, 'seconds');
  const [size, name] = units[largest] as [number, DurationUnit];
  const next = units[largest + 1];
  if (!next) return amount(seconds, name);
  const [smallSize, smallName] = next;
  const smallTotal = Math.round(seconds / smallSize);
  const whole = Math.floor((smallTotal * smallSize) / size);
  const rest = smallTotal - (whole * size) / smallSize;
  return rest === 0 ? amount(whole, name) : `${amount(whole, name)} ${amount(rest, smallName)}`;
}

/** The share of questions answered, in whole percent; null without questions. */
export function percentAnswered(answered: number, questions: number): number | null {
  return questions === 0 ? null : Math.round((answered / questions) * 100);
}

type Timeline = MeetingAnalytics['timeline'];

/** How far apart the timeline's buckets are, in milliseconds (a minute for a single bucket). */
const bucketStep = (timeline: Timeline) =>
  timeline.length < 2 ? MINUTE * 1000 : Date.parse(timeline[1]?.at ?? '') - Date.parse(timeline[0]?.at ?? '');

/**
 * A label per bucket: the time of day for buckets within a day (with the date when the timeline
 * spans several days), the date alone for buckets of a day or more.
 */
export function bucketLabels(timeline: Timeline, locale = activeLocale(), timeZone?: string): string[] {
  const step = bucketStep(timeline);
  const dayOf = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium' });
  const days = new Set(timeline.map((bucket) => dayOf.format(new Date(bucket.at))));
  const options: Intl.DateTimeFormatOptions =
    step >= DAY * 1000
      ? { day: 'numeric', month: 'short' }
      : days.size > 1
        ? { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }
        : { hour: '2-digit', minute: '2-digit' };
  const format = new Intl.DateTimeFormat(locale, { timeZone, ...options });
  return timeline.map((bucket) => format.format(new Date(bucket.at)));
}

/** The timeline in one sentence, for those who do not see the chart. */
export function describeTimeline(timeline: Timeline, labels: readonly string[]): string {
  if (timeline.length === 0) return t('analytics.timeline.none');
  const busiest = timeline.reduce(
    (best, bucket, index) =>
      bucket.questions + bucket.upvotes > best.total
        ? { index, total: bucket.questions + bucket.upvotes }
        : best,
    { index: 0, total: -1 },
  );
  const peak = timeline[busiest.index];
  return t('analytics.timeline.summary', {
    from: labels[0],
    to: labels.at(-1),
    peak: labels[busiest.index],
    questions: t('analytics.timeline.questions', { count: peak?.questions ?? 0 }),
    upvotes: t('analytics.timeline.upvotes', { count: peak?.upvotes ?? 0 }),
  });
}

/** `roadmap: 2, hiring: 1`: a list of names and counts in words. */
export const describeCounts = (entries: readonly (readonly [string, number])[]) =>
  entries.map(([name, count]) => `${name}: ${count}`).join(', ');
