import type { MeetingAnalytics } from '@pulsestage/contracts';

/** Numbers and labels of the analytics page, kept apart from the drawing so they can be checked. */

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `45 s`, `4 min 10 s`, `2 h 5 min`, `3 d 4 h`: the two largest units, rounded to the smaller. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.round(totalSeconds);
  const units: [number, string][] = [
    [DAY, 'd'],
    [HOUR, 'h'],
    [MINUTE, 'min'],
    [1, 's'],
  ];
  const largest = units.findIndex(([size]) => seconds >= size);
  if (largest === -1) return '0 s';
  const [size, name] = units[largest] as [number, string];
  const next = units[largest + 1];
  if (!next) return `${seconds} ${name}`;
  const [smallSize, smallName] = next;
  const smallTotal = Math.round(seconds / smallSize);
  const whole = Math.floor((smallTotal * smallSize) / size);
  const rest = smallTotal - (whole * size) / smallSize;
  return rest === 0 ? `${whole} ${name}` : `${whole} ${name} ${rest} ${smallName}`;
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
export function bucketLabels(timeline: Timeline, locale?: string, timeZone?: string): string[] {
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

/** `1 question`, `2 questions`. */
export const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** The timeline in one sentence, for those who do not see the chart. */
export function describeTimeline(timeline: Timeline, labels: readonly string[]): string {
  if (timeline.length === 0) return 'Nothing happened in this meeting yet.';
  const busiest = timeline.reduce(
    (best, bucket, index) =>
      bucket.questions + bucket.upvotes > best.total
        ? { index, total: bucket.questions + bucket.upvotes }
        : best,
    { index: 0, total: -1 },
  );
  const peak = timeline[busiest.index];
  const asked = plural(peak?.questions ?? 0, 'question');
  const voted = plural(peak?.upvotes ?? 0, 'upvote');
  return `Questions and upvotes from ${labels[0]} to ${labels.at(-1)}; busiest at ${labels[busiest.index]}, with ${asked} and ${voted}.`;
}

/** `roadmap: 2, hiring: 1`: a list of names and counts in words. */
export const describeCounts = (entries: readonly (readonly [string, number])[]) =>
  entries.map(([name, count]) => `${name}: ${count}`).join(', ');
