import type { PulseQuestionResults, PulseResults } from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettableClock } from '../clock.js';
import { type Client, errorCodeOf, startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import {
  expectNoGroupRecoverable,
  RESULTS_NOW,
  type SeededResults,
  seedPulseResults,
  TINY_SCORES,
} from '../test-support/pulse-results.js';

const alpha = { tenant: 'alpha' } as const;

describe.each(DIALECTS)('pulse.results on %s', { timeout: 60_000 }, (dialect) => {
  let app: TestApp;
  let seeded: SeededResults;
  let admin: Client;

  const clock = new SettableClock();

  beforeAll(async () => {
    clock.set(RESULTS_NOW);
    app = await startTestApp(dialect, { clock });
    seeded = await seedPulseResults(app.db, app.tenantIds, Object.values(app.userIds));
    admin = await app.as('admin');
  });
  afterAll(() => app?.close());

  const results = (weeks = 4) => admin.pulse.results.query({ ...alpha, weeks });
  const questionOf = (all: PulseResults, id: string): PulseQuestionResults => {
    const found = all.questions.find((entry) => entry.question.id === id);
    if (!found) throw new Error(`question ${id} is not in the results`);
    return found;
  };
  const withThreshold = async <T>(threshold: number, read: () => Promise<T>): Promise<T> => {
    await admin.pulse.updateSettings.mutate({ ...alpha, threshold });
    try {
      return await read();
    } finally {
      await admin.pulse.updateSettings.mutate({ ...alpha, threshold: 5 });
    }
  };

  it('lists the active questions and the inactive ones that were answered, in rotation order', async () => {
    const all = await results();
    expect(all.threshold).toBe(5);
    const { workload, onCall, neverAsked } = seeded.questions;
    expect(all.questions.map((entry) => entry.question.id)).toEqual([workload, onCall, neverAsked]);
    expect(questionOf(all, onCall).question).toMatchObject({ active: false, scale: 'likely10' });
    expect(questionOf(all, neverAsked)).toMatchObject({ round: null, trend: [] });
  });

  it('shows the round, the latest week a question was asked, with its response rate and breakdowns', async () => {
    const { round } = questionOf(await results(), seeded.questions.workload);
    expect(round).toMatchObject({ week: '2026-W49', invited: 20, responseRate: 0.9 });
    expect(round?.overall).toEqual({
      suppressed: false,
      responses: 18,
      mean: 3.56,
      distribution: [2, 2, 3, 6, 5],
    });
    expect(round?.cohorts).toEqual([
      {
        cohortName: 'Weekday',
        result: { suppressed: false, responses: 13, mean: 3.46, distribution: [2, 1, 2, 5, 3] },
      },
      {
        cohortName: 'Weekend',
        result: { suppressed: false, responses: 5, mean: 3.8, distribution: [0, 1, 1, 1, 2] },
      },
    ]);
  });

  it('hides a team of three, and the smallest other team so that it cannot be worked out by subtraction', async () => {
    const { round } = questionOf(await results(), seeded.questions.workload);
    expect(round?.teams).toEqual([
      {
        teamId: seeded.teams.engineering,
        teamName: 'Engineering',
        result: { suppressed: false, responses: 9, mean: 3.78, distribution: [0, 1, 2, 4, 2] },
      },
      { teamId: seeded.teams.sales, teamName: 'Sales', result: { suppressed: true, needed: 2 } },
      { teamId: seeded.teams.tiny, teamName: 'Tiny', result: { suppressed: true, needed: 2 } },
    ]);
    if (!round) throw new Error('no round');
    expectNoGroupRecoverable(round.overall, round.teams, 5);
    expectNoGroupRecoverable(round.overall, round.cohorts, 5);
  });

  it('counts answers without a team as a hidden group of their own', async () => {
    const { round, trend } = questionOf(await results(), seeded.questions.onCall);
    expect(round).toMatchObject({ week: '2026-W48', invited: 8, responseRate: 0.875 });
    expect(round?.overall).toMatchObject({ suppressed: false, responses: 7 });
    // Engineering's 5 answers alone would give away the 2 without a team.
    expect(round?.teams).toEqual([
      { teamId: seeded.teams.engineering, teamName: 'Engineering', result: { suppressed: true, needed: 3 } },
    ]);
    expect(trend.map((entry) => entry.week)).toEqual(['2026-W48']);
  });

  it('gives one trend entry per week the question was asked within the weeks asked for, oldest first', async () => {
    const { trend } = questionOf(await results(4), seeded.questions.workload);
    expect(trend).toEqual([
      {
        week: '2026-W46',
        result: { suppressed: false, responses: 6, mean: 3.83, distribution: [0, 0, 2, 3, 1] },
      },
      { week: '2026-W47', result: { suppressed: true, needed: 1 } },
      { week: '2026-W49', result: expect.objectContaining({ suppressed: false, responses: 18 }) },
    ]);
    const longer = questionOf(await results(12), seeded.questions.workload).trend;
    expect(longer.map((entry) => entry.week)).toEqual(['2026-W44', '2026-W46', '2026-W47', '2026-W49']);
    const thisWeek = questionOf(await results(1), seeded.questions.workload).trend;
    expect(thisWeek.map((entry) => entry.week)).toEqual(['2026-W49']);
  });

  it("counts the current week in the tenant's time zone", async () => {
    // 23:30 UTC on Sunday is already Monday of the next week in Kiritimati (UTC+14).
    clock.set(new Date('2026-12-06T23:30:00Z'));
    try {
      expect(questionOf(await results(1), seeded.questions.workload).trend).toHaveLength(1);
      await admin.pulse.updateSettings.mutate({ ...alpha, timeZone: 'Pacific/Kiritimati' });
      const nextWeek = questionOf(await results(1), seeded.questions.workload);
      expect(nextWeek.trend).toEqual([]);
      expect(nextWeek.round?.week).toBe('2026-W49');
    } finally {
      await admin.pulse.updateSettings.mutate({ ...alpha, timeZone: 'UTC' });
      clock.set(RESULTS_NOW);
    }
  });

  it('shows every group of at least three answers when the tenant lowers its threshold to 3', async () => {
    const all = await withThreshold(3, () => results());
    expect(all.threshold).toBe(3);
    const { round, trend } = questionOf(all, seeded.questions.workload);
    expect(round?.teams.map(({ teamName, result }) => [teamName, result.suppressed])).toEqual([
      ['Engineering', false],
      ['Sales', false],
      ['Tiny', false],
    ]);
    expect(round?.teams[2]?.result).toEqual({
      suppressed: false,
      responses: TINY_SCORES.length,
      mean: 1.33,
      distribution: [2, 1, 0, 0, 0],
    });
    expect(trend[1]).toEqual({
      week: '2026-W47',
      result: { suppressed: false, responses: 4, mean: 3.5, distribution: [0, 1, 1, 1, 1] },
    });
  });

  it("never shows the team of three's scores at the default threshold, in any group of any question", async () => {
    const all = await results(12);
    const shown = all.questions.flatMap(({ round, trend }) =>
      [
        round?.overall,
        ...(round?.teams ?? []).map((team) => team.result),
        ...(round?.cohorts ?? []).map((cohort) => cohort.result),
        ...trend.map((entry) => entry.result),
      ].flatMap((result) => (result && !result.suppressed ? [result] : [])),
    );
    expect(shown.length).toBeGreaterThan(5);
    for (const result of shown) {
      expect(result.responses).not.toBe(TINY_SCORES.length);
      expect(result.mean).not.toBe(1.33);
      expect(result.distribution).not.toEqual([2, 1, 0, 0, 0]);
    }
  });

  it("leaves out other tenants' questions and answers", async () => {
    const all = await results(12);
    expect(all.questions.map((entry) => entry.question.text)).not.toContain('Beta only');
    const betaOwner = await app.as('betaOwner');
    const beta = await betaOwner.pulse.results.query({ tenant: 'beta', weeks: 12 });
    expect(beta.questions).toHaveLength(1);
    expect(beta.questions[0]?.round).toMatchObject({
      week: '2026-W49',
      invited: 0,
      responseRate: null,
      overall: { suppressed: false, responses: 6, distribution: [6, 0, 0, 0, 0] },
    });
  });

  it('answers admins and owners only', async () => {
    const owner = await app.as('owner');
    expect((await owner.pulse.results.query(alpha)).questions.length).toBeGreaterThan(0);
    for (const account of ['member', 'moderator'] as const) {
      const client = await app.as(account);
      expect(await errorCodeOf(client.pulse.results.query(alpha))).toBe('FORBIDDEN');
    }
    const betaOwner = await app.as('betaOwner');
    expect(await errorCodeOf(betaOwner.pulse.results.query(alpha))).toBe('FORBIDDEN');
  });
});
