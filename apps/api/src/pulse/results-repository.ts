import type { Executor } from '../db/schema.js';
import type { PulseQuestionRow } from './questions-repository.js';

/*
 * The queries behind pulse results. Answers are counted per score in SQL, so a result costs one row per
 * question, week, team, cohort and score however many answered; none of these reads a user.
 */

/** The tenant's questions in rotation order: the active ones, and inactive ones that have answers. */
export function selectQuestionsWithResults(db: Executor, tenantId: string): Promise<PulseQuestionRow[]> {
  return db
    .selectFrom('pulseQuestions as q')
    .where('q.tenantId', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb('q.active', '=', 1),
        eb.exists(eb.selectFrom('pulseResponses as r').whereRef('r.questionId', '=', 'q.id').select('r.id')),
      ]),
    )
    .selectAll('q')
    .orderBy('q.position')
    .orderBy('q.createdAt')
    .orderBy('q.id')
    .execute();
}

export interface RoundRow {
  questionId: string;
  week: string;
  invited: number;
}

/** Each question's round, the latest week it was sent in, with the invitations of that week. */
export async function selectRounds(db: Executor, tenantId: string): Promise<RoundRow[]> {
  const rows = await db
    .selectFrom('pulseSends as s')
    .leftJoin('pulseInvitations as i', 'i.sendId', 's.id')
    .where('s.tenantId', '=', tenantId)
    .where((eb) =>
      eb(
        's.week',
        '=',
        eb
          .selectFrom('pulseSends as latest')
          .whereRef('latest.questionId', '=', 's.questionId')
          .select((inner) => inner.fn.max('latest.week').as('week')),
      ),
    )
    .groupBy(['s.questionId', 's.week'])
    .select((eb) => ['s.questionId', 's.week', eb.fn.count<number>('i.id').as('invited')])
    .execute();
  return rows.map((row) => ({ ...row, invited: Number(row.invited) }));
}

/** The weeks from `fromWeek` to `toWeek` (ISO weeks, which sort as text) each question was sent in. */
export function selectSentWeeks(
  db: Executor,
  tenantId: string,
  fromWeek: string,
  toWeek: string,
): Promise<{ questionId: string; week: string }[]> {
  return db
    .selectFrom('pulseSends')
    .where('tenantId', '=', tenantId)
    .where('week', '>=', fromWeek)
    .where('week', '<=', toWeek)
    .select(['questionId', 'week'])
    .distinct()
    .orderBy('week')
    .execute();
}

export interface ScoreCountRow {
  questionId: string;
  week: string;
  teamId: string | null;
  cohortName: string;
  score: number;
  answers: number;
}

/** How many answered each score, per question, week, team and cohort, in the given weeks. */
export async function countScores(
  db: Executor,
  tenantId: string,
  weeks: { from: string; to: string; also: readonly string[] },
): Promise<ScoreCountRow[]> {
  const rows = await db
    .selectFrom('pulseResponses')
    .where('tenantId', '=', tenantId)
    // Through the tenant's questions, so the (question, week) index is used rather than every answer read.
    .where('questionId', 'in', (eb) =>
      eb.selectFrom('pulseQuestions').where('tenantId', '=', tenantId).select('id'),
    )
    .where((eb) => {
      const inRange = eb.and([eb('week', '>=', weeks.from), eb('week', '<=', weeks.to)]);
      return weeks.also.length > 0 ? eb.or([inRange, eb('week', 'in', weeks.also)]) : inRange;
    })
    .groupBy(['questionId', 'week', 'teamId', 'cohortName', 'score'])
    .select((eb) => [
      'questionId',
      'week',
      'teamId',
      'cohortName',
      'score',
      eb.fn.countAll<number>().as('answers'),
    ])
    .execute();
  return rows.map((row) => ({ ...row, score: Number(row.score), answers: Number(row.answers) }));
}
