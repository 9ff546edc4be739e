import { describe, expect, it } from 'vitest';
import { cohortOf } from './cohorts.js';

const DEFAULT_COHORTS = ['Weekday', 'Weekend'];

describe('cohorts', () => {
  it('puts a member in the same cohort every time, whatever else was asked before', () => {
    const userId = crypto.randomUUID();
    const first = cohortOf(userId, DEFAULT_COHORTS);
    for (let round = 0; round < 50; round += 1) {
      cohortOf(crypto.randomUUID(), DEFAULT_COHORTS);
      expect(cohortOf(userId, DEFAULT_COHORTS)).toBe(first);
    }
  });

  it('depends on the user id alone: fixed ids land where they always did, on any process', () => {
    // Pinned values (the first 32 bits of `printf %s <id> | sha256sum`, modulo the count): a change of
    // the hash would move members between cohorts after an upgrade.
    expect(cohortOf('00000000-0000-4000-8000-000000000001', DEFAULT_COHORTS)).toBe('Weekday');
    expect(cohortOf('00000000-0000-4000-8000-000000000002', DEFAULT_COHORTS)).toBe('Weekend');
    expect(cohortOf('00000000-0000-4000-8000-000000000003', DEFAULT_COHORTS)).toBe('Weekday');
    expect(cohortOf('00000000-0000-4000-8000-000000000001', ['A', 'B', 'C'])).toBe('C');
    expect(cohortOf('00000000-0000-4000-8000-000000000002', ['A', 'B', 'C'])).toBe('A');
  });

  it('spreads members about evenly, for random and for sequential ids', () => {
    const cohorts = ['A', 'B', 'C', 'D', 'E'];
    const random = Array.from({ length: 10_000 }, () => crypto.randomUUID());
    const sequential = Array.from(
      { length: 10_000 },
      (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    );
    for (const ids of [random, sequential]) {
      const sizes = new Map(cohorts.map((cohort) => [cohort, 0]));
      for (const id of ids) {
        const cohort = cohortOf(id, cohorts);
        sizes.set(cohort, (sizes.get(cohort) ?? 0) + 1);
      }
      // 2,000 expected each; five standard deviations is about ±200.
      for (const size of sizes.values()) expect(Math.abs(size - 2000)).toBeLessThan(250);
    }
  });

  it('puts everybody in the one cohort when there is only one', () => {
    expect(cohortOf(crypto.randomUUID(), ['Everyone'])).toBe('Everyone');
  });
});
