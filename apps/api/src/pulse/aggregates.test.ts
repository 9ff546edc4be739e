import { describe, expect, it } from 'vitest';
import { groupResult, groupResultsOf, type RoundGroup, scoresOf } from './aggregates.js';

/** Counts per score from a list of scores. */
const counts = (...scores: number[]) => {
  const byScore = new Map<number, number>();
  for (const score of scores) byScore.set(score, (byScore.get(score) ?? 0) + 1);
  return byScore;
};

const group = (key: string, scores: number[], listed = true): RoundGroup<string> => ({
  key,
  counts: counts(...scores),
  listed,
});

const shown = (results: ReturnType<typeof groupResultsOf<string>>) =>
  Object.fromEntries(results.map(({ key, result }) => [key, result]));

describe('groupResult', () => {
  it('lists the scores of each scale, lowest first', () => {
    expect(scoresOf('agree5')).toEqual([1, 2, 3, 4, 5]);
    expect(scoresOf('likely10')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('shows a group from the threshold on, with its distribution over the whole scale and its mean', () => {
    expect(groupResult(counts(5, 4, 4, 2, 5), 'agree5', 5)).toEqual({
      suppressed: false,
      responses: 5,
      mean: 4,
      distribution: [0, 1, 0, 2, 2],
    });
    expect(groupResult(counts(0, 10, 10), 'likely10', 3)).toEqual({
      suppressed: false,
      responses: 3,
      mean: 6.67,
      distribution: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
    });
  });

  it('says only how many more answers a group below the threshold needs', () => {
    expect(groupResult(counts(5, 4, 4, 2), 'agree5', 5)).toEqual({ suppressed: true, needed: 1 });
    expect(groupResult(counts(1), 'agree5', 3)).toEqual({ suppressed: true, needed: 2 });
    expect(groupResult(counts(), 'likely10', 5)).toEqual({ suppressed: true, needed: 5 });
  });
});

describe('groupResultsOf: complementary suppression', () => {
  it('shows every group that reached the threshold when none is hidden', () => {
    const results = shown(groupResultsOf([group('a', [1, 2, 3]), group('b', [4, 5, 5, 5])], 'agree5', 3));
    expect(results.a).toMatchObject({ suppressed: false, responses: 3 });
    expect(results.b).toMatchObject({ suppressed: false, responses: 4 });
  });

  it('hides the smallest shown group too when one small group alone is hidden', () => {
    const results = groupResultsOf(
      [group('big', Array(9).fill(4)), group('small', [1, 1, 2]), group('medium', Array(6).fill(5))],
      'agree5',
      5,
    );
    expect(shown(results)).toEqual({
      big: expect.objectContaining({ suppressed: false, responses: 9 }),
      small: { suppressed: true, needed: 2 },
      // Hidden only because of the small group: it needs what the small group lacks.
      medium: { suppressed: true, needed: 2 },
    });
  });

  it('counts answers that cannot be listed (no team) as a hidden group of their own', () => {
    const alone = groupResultsOf([group('a', Array(6).fill(3)), group('', [1, 2], false)], 'agree5', 5);
    expect(alone).toEqual([{ key: 'a', result: { suppressed: true, needed: 3 } }]);

    // Unlisted answers that reach the threshold already hide the small group among them.
    const many = shown(
      groupResultsOf(
        [group('a', Array(6).fill(3)), group('b', [1, 1]), group('', Array(5).fill(4), false)],
        'agree5',
        5,
      ),
    );
    expect(many.a).toMatchObject({ suppressed: false, responses: 6 });
    expect(many.b).toEqual({ suppressed: true, needed: 3 });
    expect(many['']).toBeUndefined();
  });

  it('keeps hiding while the hidden groups together stay below the threshold', () => {
    const results = shown(
      groupResultsOf(
        [group('one', [1]), group('two', [2, 2]), group('x', Array(3).fill(5)), group('y', Array(4).fill(5))],
        'agree5',
        3,
      ),
    );
    // one + two = 3 answers together: as many as the threshold, so x and y stay shown.
    expect(results.x).toMatchObject({ suppressed: false });
    expect(results.y).toMatchObject({ suppressed: false });

    const stricter = shown(
      groupResultsOf(
        [group('one', [1]), group('two', [2, 2]), group('x', Array(5).fill(5)), group('y', Array(6).fill(5))],
        'agree5',
        5,
      ),
    );
    expect(stricter).toEqual({
      one: { suppressed: true, needed: 4 },
      two: { suppressed: true, needed: 3 },
      x: { suppressed: true, needed: 2 },
      y: expect.objectContaining({ suppressed: false, responses: 6 }),
    });
  });

  it('hides everything when the overall itself is below the threshold', () => {
    const results = groupResultsOf([group('a', [1, 2]), group('b', [3, 4])], 'agree5', 5);
    expect(results.every(({ result }) => result.suppressed)).toBe(true);
  });
});
