import type { QuestionStatus } from '@pulsestage/contracts';
import type { Database } from '../db/schema.js';
import { insertMeeting, type NewMeeting } from '../meetings/repository.js';

/*
 * Questions, votes, tags and teams written straight into the database, at the times a test chooses,
 * for the tests of what a meeting's export and analytics make of them.
 */

export interface PlannedQuestion {
  body: string;
  authorId: string;
  status: QuestionStatus;
  submittedAt: string;
  teamId?: string;
  tagIds?: string[];
  /** Each voter's id and when they voted. */
  votes?: [string, string][];
  responseText?: string | null;
  answeredAt?: string;
  hiddenAt?: string;
  rejectedAt?: string;
}

export async function insertQuestions(
  db: Database,
  tenantId: string,
  meetingId: string,
  questions: PlannedQuestion[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const question of questions) {
    const id = crypto.randomUUID();
    ids.push(id);
    await db
      .insertInto('questions')
      .values({
        id,
        tenantId,
        meetingId,
        teamId: question.teamId ?? null,
        authorId: question.authorId,
        body: question.body,
        status: question.status,
        responseText: question.responseText ?? null,
        answeredAt: question.answeredAt ?? null,
        pinnedAt: null,
        submittedAt: question.submittedAt,
        rejectedAt: question.rejectedAt ?? null,
        hiddenAt: question.hiddenAt ?? null,
        editedAt: null,
      })
      .execute();
    for (const tagId of question.tagIds ?? []) {
      await db.insertInto('questionTags').values({ questionId: id, tagId }).execute();
    }
    for (const [voterId, createdAt] of question.votes ?? []) {
      await db.insertInto('upvotes').values({ questionId: id, voterId, createdAt }).execute();
    }
  }
  return ids;
}

export async function insertTeam(db: Database, tenantId: string, name: string): Promise<string> {
  const id = crypto.randomUUID();
  await db.insertInto('teams').values({ id, tenantId, name, createdAt: new Date().toISOString() }).execute();
  return id;
}

export async function insertTag(
  db: Database,
  tenantId: string,
  name: string,
  color: string,
): Promise<string> {
  const id = crypto.randomUUID();
  await db
    .insertInto('tags')
    .values({ id, tenantId, name, color, createdAt: new Date().toISOString() })
    .execute();
  return id;
}

export async function insertVisitor(
  db: Database,
  meetingId: string,
  visitorId: string,
  firstSeenAt: string,
): Promise<void> {
  await db.insertInto('meetingVisitors').values({ meetingId, visitorId, firstSeenAt }).execute();
}

/** A meeting of its own, so one test's questions never reach another's figures. */
export async function insertReportedMeeting(
  db: Database,
  tenantId: string,
  meeting: Partial<NewMeeting> & { title: string },
  times: { openedAt?: string | null; closedAt?: string | null } = {},
): Promise<string> {
  const row = await insertMeeting(db, tenantId, {
    description: null,
    opensAt: null,
    closesAt: null,
    requireApproval: null,
    allowGuests: null,
    state: 'open',
    ...meeting,
  });
  if (times.openedAt !== undefined || times.closedAt !== undefined) {
    await db.updateTable('meetings').set(times).where('id', '=', row.id).execute();
  }
  return row.id;
}
