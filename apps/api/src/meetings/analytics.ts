import type { MeetingAnalytics } from '@pulsestage/contracts';
import type { Executor } from '../db/schema.js';
import {
  countByTeam,
  countPeople,
  countTopTags,
  listQuestionTimes,
  listUpvoteTimes,
  type QuestionTimes,
} from './reports-repository.js';
import type { MeetingRow } from './repository.js';

const MINUTE_MS = 60_000;
const WEEK_MS = 7 * 24 * 60 * MINUTE_MS;
/** Bucket sizes people read at a glance, smallest first: 1, 5, 15 minutes, an hour, 6 hours, a day, a week. */
const BUCKET_SIZES_MS = [1, 5, 15, 60, 360, 1440, 10_080].map((minutes) => minutes * MINUTE_MS);
/** A timeline longer than this would be too dense to read. */
export const MAX_BUCKETS = 60;
const TOP_TAGS = 10;

export interface Span {
  /** Milliseconds since the epoch. */
  start: number;
  end: number;
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2;
}

/** Median seconds from submission to answer over the answered questions; null before the first answer. */
export function medianSecondsToAnswer(questions: readonly QuestionTimes[]): number | null {
  const waits = questions.flatMap(({ status, submittedAt, answeredAt }) =>
    status === 'ANSWERED' && answeredAt
      ? [Math.max(0, Date.parse(answeredAt) - Date.parse(submittedAt)) / 1000]
      : [],
  );
  const middle = median(waits);
  return middle === null ? null : Math.round(middle);
}

const alignedStart = (span: Span, size: number) => Math.floor(span.start / size) * size;
const bucketCount = (span: Span, size: number) =>
  Math.floor((span.end - alignedStart(span, size)) / size) + 1;

/**
 * The smallest readable bucket that covers the span in at most MAX_BUCKETS buckets aligned to round
 * times; past a few weeks, whole weeks.
 */
export function bucketSizeFor(span: Span): number {
  const readable = BUCKET_SIZES_MS.find((size) => bucketCount(span, size) <= MAX_BUCKETS);
  if (readable !== undefined) return readable;
  return Math.ceil((span.end - span.start) / (MAX_BUCKETS - 1) / WEEK_MS) * WEEK_MS;
}

/** How many of `times` fall in each bucket of `size` from `start`, for `count` buckets. */
export function countPerBucket(
  times: readonly number[],
  start: number,
  size: number,
  count: number,
): number[] {
  const counts = new Array<number>(count).fill(0);
  for (const time of times) {
    const index = Math.floor((time - start) / size);
    if (index >= 0 && index < count) counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}

export type Timeline = MeetingAnalytics['timeline'];

/** Questions and upvotes per bucket over the span, oldest first. */
export function buildTimeline(span: Span, questionTimes: readonly number[], upvoteTimes: readonly number[]) {
  const size = bucketSizeFor(span);
  const start = alignedStart(span, size);
  const count = bucketCount(span, size);
  const questions = countPerBucket(questionTimes, start, size, count);
  const upvotes = countPerBucket(upvoteTimes, start, size, count);
  return questions.map((asked, index) => ({
    at: new Date(start + index * size).toISOString(),
    questions: asked,
    upvotes: upvotes[index] ?? 0,
  })) satisfies Timeline;
}

const earliest = (times: readonly number[]) => times.reduce((a, b) => Math.min(a, b), Infinity);
const latest = (times: readonly number[]) => times.reduce((a, b) => Math.max(a, b), -Infinity);

/**
 * What the timeline covers: from the opening (or the first activity, if earlier) to the closing, or now
 * while the meeting is open. Null for a meeting that has neither opened nor seen any activity.
 */
export function meetingSpan(
  meeting: Pick<MeetingRow, 'state' | 'openedAt' | 'closedAt'>,
  activity: readonly number[],
  now: number,
): Span | null {
  const opened = meeting.openedAt === null ? Infinity : Date.parse(meeting.openedAt);
  const start = Math.min(opened, earliest(activity));
  if (start === Infinity) return null;
  const closed = meeting.state === 'closed' && meeting.closedAt ? Date.parse(meeting.closedAt) : -Infinity;
  const running = meeting.state === 'open' ? now : -Infinity;
  return { start, end: Math.max(start, closed, running, latest(activity)) };
}

/** A meeting's figures for its moderators. */
export async function readMeetingAnalytics(db: Executor, meeting: MeetingRow): Promise<MeetingAnalytics> {
  const [people, questions, upvoteTimes, topTags, byTeam] = await Promise.all([
    countPeople(db, meeting.id),
    listQuestionTimes(db, meeting.id),
    listUpvoteTimes(db, meeting.id),
    countTopTags(db, meeting.id, TOP_TAGS),
    countByTeam(db, meeting.id),
  ]);
  const askedAt = questions.map((question) => Date.parse(question.submittedAt));
  const votedAt = upvoteTimes.map((time) => Date.parse(time));
  const span = meetingSpan(meeting, [...askedAt, ...votedAt], Date.now());
  return {
    ...people,
    questions: questions.length,
    upvotes: upvoteTimes.length,
    answered: questions.filter((question) => question.status === 'ANSWERED').length,
    medianSecondsToAnswer: medianSecondsToAnswer(questions),
    timeline: span ? buildTimeline(span, askedAt, votedAt) : [],
    topTags,
    byTeam,
  };
}
