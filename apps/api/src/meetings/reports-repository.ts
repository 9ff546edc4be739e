import type { QuestionStatus, Tag } from '@pulsestage/contracts';
import type { Executor } from '../db/schema.js';

/*
 * The queries behind a meeting's export and analytics. Rejected questions are gone for everyone, so
 * they count nowhere here; none of these queries returns who asked or voted.
 */

export interface ExportedQuestionRow {
  id: string;
  body: string;
  teamName: string | null;
  status: QuestionStatus;
  responseText: string | null;
  submittedAt: string;
  answeredAt: string | null;
  hiddenAt: string | null;
  upvotes: number;
}

/** The meeting's questions, rejected ones aside, in the order they were asked. */
export async function listExportedQuestions(db: Executor, meetingId: string): Promise<ExportedQuestionRow[]> {
  const rows = await db
    .selectFrom('questions as q')
    .leftJoin('teams as t', 't.id', 'q.teamId')
    .where('q.meetingId', '=', meetingId)
    .where('q.rejectedAt', 'is', null)
    .select((eb) => [
      'q.id',
      'q.body',
      't.name as teamName',
      'q.status',
      'q.responseText',
      'q.submittedAt',
      'q.answeredAt',
      'q.hiddenAt',
      eb
        .selectFrom('upvotes')
        .whereRef('upvotes.questionId', '=', 'q.id')
        .select(eb.fn.countAll<number>().as('count'))
        .as('upvotes'),
    ])
    .orderBy('q.submittedAt')
    .orderBy('q.id')
    .execute();
  return rows.map((row) => ({ ...row, upvotes: Number(row.upvotes ?? 0) }));
}

/** The names of each question's tags, alphabetically, for the meeting's questions that have any. */
export async function tagNamesByQuestion(db: Executor, meetingId: string): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom('questionTags as qt')
    .innerJoin('questions as q', 'q.id', 'qt.questionId')
    .innerJoin('tags', 'tags.id', 'qt.tagId')
    .where('q.meetingId', '=', meetingId)
    .where('q.rejectedAt', 'is', null)
    .select(['qt.questionId', 'tags.name'])
    .orderBy('tags.name')
    .execute();
  const names = new Map<string, string[]>();
  for (const { questionId, name } of rows) names.set(questionId, [...(names.get(questionId) ?? []), name]);
  return names;
}

export interface PeopleCounts {
  /** Everyone who opened the meeting, asked (even what was rejected) or voted. */
  participants: number;
  askers: number;
  voters: number;
}

function publishedQuestions(db: Executor, meetingId: string) {
  return db
    .selectFrom('questions as q')
    .where('q.meetingId', '=', meetingId)
    .where('q.rejectedAt', 'is', null);
}

function meetingUpvotes(db: Executor, meetingId: string) {
  return db
    .selectFrom('upvotes as u')
    .innerJoin('questions as q', 'q.id', 'u.questionId')
    .where('q.meetingId', '=', meetingId);
}

export async function countPeople(db: Executor, meetingId: string): Promise<PeopleCounts> {
  const everyone = db
    .selectFrom('meetingVisitors')
    .where('meetingId', '=', meetingId)
    .select('visitorId as personId')
    .union(db.selectFrom('questions').where('meetingId', '=', meetingId).select('authorId as personId'))
    .union(meetingUpvotes(db, meetingId).select('u.voterId as personId'));
  const [participants, askers, voters] = await Promise.all([
    db
      .selectFrom(everyone.as('people'))
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow(),
    publishedQuestions(db, meetingId)
      .select((eb) => eb.fn.count<number>('q.authorId').distinct().as('count'))
      .executeTakeFirstOrThrow(),
    meetingUpvotes(db, meetingId)
      .select((eb) => eb.fn.count<number>('u.voterId').distinct().as('count'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    participants: Number(participants.count),
    askers: Number(askers.count),
    voters: Number(voters.count),
  };
}

export interface QuestionTimes {
  status: QuestionStatus;
  submittedAt: string;
  answeredAt: string | null;
}

/** When each question was asked, and answered if it was. */
export async function listQuestionTimes(db: Executor, meetingId: string): Promise<QuestionTimes[]> {
  return publishedQuestions(db, meetingId).select(['q.status', 'q.submittedAt', 'q.answeredAt']).execute();
}

/** When each upvote was cast. */
export async function listUpvoteTimes(db: Executor, meetingId: string): Promise<string[]> {
  const rows = await meetingUpvotes(db, meetingId).select('u.createdAt').execute();
  return rows.map((row) => row.createdAt);
}

export async function countTopTags(
  db: Executor,
  meetingId: string,
  limit: number,
): Promise<{ tag: Tag; questions: number }[]> {
  const rows = await publishedQuestions(db, meetingId)
    .innerJoin('questionTags as qt', 'qt.questionId', 'q.id')
    .innerJoin('tags', 'tags.id', 'qt.tagId')
    .groupBy(['tags.id', 'tags.name', 'tags.color'])
    .select((eb) => ['tags.id', 'tags.name', 'tags.color', eb.fn.countAll<number>().as('questions')])
    .orderBy('questions', 'desc')
    .orderBy('tags.name')
    .limit(limit)
    .execute();
  return rows.map(({ questions, ...tag }) => ({ tag, questions: Number(questions) }));
}

export interface TeamFigures {
  teamId: string | null;
  name: string | null;
  questions: number;
  upvotes: number;
}

/** Questions and the upvotes they got, per team of the asker's choosing (null: no team). */
export async function countByTeam(db: Executor, meetingId: string): Promise<TeamFigures[]> {
  const rows = await publishedQuestions(db, meetingId)
    .leftJoin('teams as t', 't.id', 'q.teamId')
    .leftJoin('upvotes as u', 'u.questionId', 'q.id')
    .groupBy(['q.teamId', 't.name'])
    .select((eb) => [
      'q.teamId',
      't.name',
      eb.fn.count<number>('q.id').distinct().as('questions'),
      eb.fn.count<number>('u.questionId').as('upvotes'),
    ])
    .orderBy('questions', 'desc')
    // Questions without a team come after the teams, on both databases (they sort nulls differently).
    .orderBy((eb) => eb.case().when('t.name', 'is', null).then(1).else(0).end())
    .orderBy('t.name')
    .execute();
  return rows.map((row) => ({ ...row, questions: Number(row.questions), upvotes: Number(row.upvotes) }));
}
