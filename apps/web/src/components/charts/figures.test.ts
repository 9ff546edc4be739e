import { describe, expect, it } from 'vitest';
import { bucketLabels, describeCounts, describeTimeline, formatDuration, percentAnswered } from './figures';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [60, '1 min'],
    [250, '4 min 10 s'],
    [3599, '59 min 59 s'],
    [3600, '1 h'],
    [7500, '2 h 5 min'],
    [2 * 86_400 + 4 * 3600, '2 d 4 h'],
    [89.6, '1 min 30 s'],
  ])('says %s seconds as %s', (seconds, words) => {
    expect(formatDuration(seconds)).toBe(words);
  });
});

describe('percentAnswered', () => {
  it('rounds to whole percent, and has no share without questions', () => {
    expect(percentAnswered(1, 3)).toBe(33);
    expect(percentAnswered(3, 3)).toBe(100);
    expect(percentAnswered(0, 0)).toBeNull();
  });
});

const bucket = (at: string, questions = 0, upvotes = 0) => ({ at, questions, upvotes });

describe('bucketLabels', () => {
  it('shows the time of day for buckets within one day', () => {
    const timeline = [bucket('2026-12-03T14:00:00.000Z'), bucket('2026-12-03T14:05:00.000Z')];
    expect(bucketLabels(timeline, 'en-GB', 'UTC')).toEqual(['14:00', '14:05']);
  });

  it('adds the date when hourly buckets cross midnight', () => {
    const timeline = [bucket('2026-12-03T23:00:00.000Z'), bucket('2026-12-04T00:00:00.000Z')];
    expect(bucketLabels(timeline, 'en-GB', 'UTC')).toEqual(['3 Dec, 23:00', '4 Dec, 00:00']);
  });

  it('shows the date alone for daily buckets', () => {
    const timeline = [bucket('2026-12-03T00:00:00.000Z'), bucket('2026-12-04T00:00:00.000Z')];
    expect(bucketLabels(timeline, 'en-GB', 'UTC')).toEqual(['3 Dec', '4 Dec']);
  });
});

describe('describeTimeline', () => {
  it('names the span and the busiest bucket', () => {
    const timeline = [bucket('a', 1, 0), bucket('b', 1, 3), bucket('c', 0, 1)];
    expect(describeTimeline(timeline, ['14:00', '14:01', '14:02'])).toBe(
      'Questions and upvotes from 14:00 to 14:02; busiest at 14:01, with 1 question and 3 upvotes.',
    );
  });

  it('says when there is nothing yet', () => {
    expect(describeTimeline([], [])).toBe('Nothing happened in this meeting yet.');
  });
});

describe('describeCounts', () => {
  it('lists names with their counts', () => {
    expect(
      describeCounts([
        ['roadmap', 2],
        ['hiring', 1],
      ]),
    ).toBe('roadmap: 2, hiring: 1');
  });
});
