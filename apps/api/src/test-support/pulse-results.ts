import type { PulseGroupResult } from '@pulsestage/contracts';
import { expect } from 'vitest';
import { insertUser } from '../auth/service.js';
import type { Database } from '../db/schema.js';
import { isoWeekOf } from '../pulse/calendar.js';
import { insertTeam } from './meeting-reports.js';
import { insertPulseQuestion, insertPulseSend } from './pulse.js';

/** Anonymous answers written as answering writes them: no user, no invitation, the hour only. */
export async function insertPulseAnswers(
  db: Database,
  answers: {
    tenantId: string;
    questionId: string;
    localDate: string;
    teamId: string | null;
    cohortName: string;
    scores: readonly number[];
  },
): Promise<void> {
  if (answers.scores.length === 0) return;
  await db
    .insertInto('pulseResponses')
    .values(
      answers.scores.map((score) => ({
        id: crypto.randomUUID(),
        tenantId: answers.tenantId,
        questionId: answers.questionId,
        week: isoWeekOf(answers.localDate),
        teamId: answers.teamId,
        cohortName: answers.cohortName,
        score,
        submittedAt: `${answers.localDate}T10:00:00.000Z`,
      })),
    )
    .execute();
}

/** Sunday of ISO week 2026-W49: the trend of the last four weeks runs from W46 to W49. */
export const RESULTS_NOW = new Date('2026-12-06T12:00:00Z');

/** A team of three whose scores must never be shown, nor be recoverable from what is. */
export const TINY_SCORES = [1, 1, 2] as const;

export interface SeededResults {
  teams: { engineering: string; sales: string; tiny: string };
  questions: { workload: string; onCall: string; retired: string; neverAsked: string };
}

/**
 * Alpha's pulse history, as of `RESULTS_NOW`:
 * - "workload" (agree5): 2026-W44 (6 answers), W46 (6), W47 (4), not asked in W48, and its round W49:
 *   20 invited, 18 answers: Engineering 9 (6 Weekday, 3 Weekend), Sales 6 (4 Weekday, 2 Weekend), Tiny 3
 *   (Weekday: `TINY_SCORES`).
 * - "on call" (likely10, for Engineering, now inactive): round W48, 5 Engineering answers, 2 without a team.
 * - "retired": inactive, never answered; "never asked": active, never sent.
 * Beta has a question answered in W49 too, which alpha's results must never include.
 */
export async function seedPulseResults(
  db: Database,
  tenantIds: { alpha: string; beta: string },
  alphaUserIds: readonly string[],
): Promise<SeededResults> {
  const tenantId = tenantIds.alpha;
  const people = [...alphaUserIds];
  for (let index = people.length; index < 20; index++) {
    people.push(await insertUser(db, { email: null, name: `Pulse person ${index}`, password: null }));
  }
  const teams = {
    engineering: await insertTeam(db, tenantId, 'Engineering'),
    sales: await insertTeam(db, tenantId, 'Sales'),
    tiny: await insertTeam(db, tenantId, 'Tiny'),
  };
  const questions = {
    workload: await insertPulseQuestion(db, tenantId, {
      text: '=HYPERLINK("http://evil.example") is my workload sustainable?',
      position: 0,
    }),
    onCall: await insertPulseQuestion(db, tenantId, {
      text: 'How likely are you to recommend the on-call rotation?',
      scale: 'likely10',
      teamId: teams.engineering,
      position: 1,
    }),
    retired: await insertPulseQuestion(db, tenantId, { text: 'A retired question', position: 2 }),
    neverAsked: await insertPulseQuestion(db, tenantId, { text: 'A question never asked', position: 3 }),
  };
  await db
    .updateTable('pulseQuestions')
    .set({ active: 0 })
    .where('id', 'in', [questions.onCall, questions.retired])
    .execute();

  const workload = { tenantId, questionId: questions.workload };
  const askWorkload = async (localDate: string, cohortName: string, invited: string[]) =>
    insertPulseSend(db, {
      ...workload,
      localDate,
      cohortName,
      userIds: invited,
      sentAt: new Date(`${localDate}T09:00:00Z`),
    });
  const answerWorkload = (localDate: string, teamId: string | null, cohortName: string, scores: number[]) =>
    insertPulseAnswers(db, { ...workload, localDate, teamId, cohortName, scores });

  for (const [localDate, scores] of [
    ['2026-10-26', [2, 2, 3, 3, 3, 4]],
    ['2026-11-09', [3, 3, 4, 4, 4, 5]],
    ['2026-11-16', [2, 3, 4, 5]],
  ] as const) {
    await askWorkload(localDate, 'Weekday', people.slice(0, 10));
    await answerWorkload(localDate, teams.engineering, 'Weekday', [...scores]);
  }
  await askWorkload('2026-11-30', 'Weekday', people.slice(0, 13));
  await askWorkload('2026-12-05', 'Weekend', people.slice(13, 20));
  await answerWorkload('2026-11-30', teams.engineering, 'Weekday', [4, 4, 5, 3, 4, 5]);
  await answerWorkload('2026-12-05', teams.engineering, 'Weekend', [2, 3, 4]);
  await answerWorkload('2026-11-30', teams.sales, 'Weekday', [3, 4, 4, 5]);
  await answerWorkload('2026-12-05', teams.sales, 'Weekend', [5, 5]);
  await answerWorkload('2026-11-30', teams.tiny, 'Weekday', [...TINY_SCORES]);

  const onCall = { tenantId, questionId: questions.onCall };
  await insertPulseSend(db, { ...onCall, localDate: '2026-11-23', userIds: people.slice(0, 8) });
  await insertPulseAnswers(db, {
    ...onCall,
    localDate: '2026-11-23',
    teamId: teams.engineering,
    cohortName: 'Weekday',
    scores: [6, 7, 8, 9, 10],
  });
  await insertPulseAnswers(db, {
    ...onCall,
    localDate: '2026-11-23',
    teamId: null,
    cohortName: 'Weekday',
    scores: [0, 0],
  });

  const betaQuestion = await insertPulseQuestion(db, tenantIds.beta, { text: 'Beta only' });
  await insertPulseSend(db, {
    tenantId: tenantIds.beta,
    questionId: betaQuestion,
    localDate: '2026-11-30',
    userIds: [],
  });
  await insertPulseAnswers(db, {
    tenantId: tenantIds.beta,
    questionId: betaQuestion,
    localDate: '2026-11-30',
    teamId: null,
    cohortName: 'Weekday',
    scores: [1, 1, 1, 1, 1, 1],
  });

  return { teams, questions };
}

const shownDistribution = (result: PulseGroupResult) => (result.suppressed ? undefined : result.distribution);

/**
 * Subtracting the shown groups of a kind from the overall gives the hidden groups' answers together:
 * there must be none of them, or at least `threshold`.
 */
export function expectNoGroupRecoverable(
  overall: PulseGroupResult,
  groups: readonly { result: PulseGroupResult }[],
  threshold: number,
): void {
  const total = shownDistribution(overall);
  if (!total) {
    expect(groups.every(({ result }) => result.suppressed)).toBe(true);
    return;
  }
  const rest = groups.reduce(
    (remaining, { result }) =>
      remaining.map((count, index) => count - (shownDistribution(result)?.[index] ?? 0)),
    total,
  );
  const hidden = rest.reduce((sum, count) => sum + count, 0);
  expect(hidden === 0 || hidden >= threshold, `hidden answers ${JSON.stringify(rest)} recoverable`).toBe(
    true,
  );
}
