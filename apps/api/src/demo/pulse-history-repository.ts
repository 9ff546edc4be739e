import type { PulseScale } from '@pulsestage/contracts';
import type { Executor } from '../db/schema.js';
import type { NewResponse } from '../pulse/checkins-repository.js';

/** Rows per statement: well under SQLite's limit of bound values. */
const ROWS_PER_STATEMENT = 500;

function chunksOf<Item>(items: readonly Item[]): Item[][] {
  const chunks: Item[][] = [];
  for (let start = 0; start < items.length; start += ROWS_PER_STATEMENT) {
    chunks.push(items.slice(start, start + ROWS_PER_STATEMENT));
  }
  return chunks;
}

export interface SentInvitation {
  id: string;
  questionId: string;
  scale: PulseScale;
  week: string;
  cohortName: string;
  sentAt: string;
  /** The invitee's team now: the team an answer would count for. */
  teamId: string | null;
}

/** Every invitation of the tenant, oldest send first, with what an answer to it records. */
export function selectSentInvitations(db: Executor, tenantId: string): Promise<SentInvitation[]> {
  return db
    .selectFrom('pulseInvitations as i')
    .innerJoin('pulseSends as s', 's.id', 'i.sendId')
    .innerJoin('pulseQuestions as q', 'q.id', 's.questionId')
    .leftJoin('memberships as m', (join) =>
      join.onRef('m.userId', '=', 'i.userId').onRef('m.tenantId', '=', 'i.tenantId'),
    )
    .where('i.tenantId', '=', tenantId)
    .select(['i.id', 's.questionId', 'q.scale', 's.week', 's.cohortName', 's.sentAt', 'm.teamId'])
    .orderBy('s.sentAt')
    .orderBy('i.id')
    .execute();
}

/** Uses up the invitations and stores their answers, as answering does, many rows per statement. */
export async function recordAnswers(
  db: Executor,
  invitationIds: readonly string[],
  responses: readonly NewResponse[],
): Promise<void> {
  for (const ids of chunksOf(invitationIds)) {
    await db.updateTable('pulseInvitations').set({ used: 1 }).where('id', 'in', ids).execute();
  }
  for (const rows of chunksOf(responses)) {
    await db
      .insertInto('pulseResponses')
      .values(rows.map((response) => ({ id: crypto.randomUUID(), ...response })))
      .execute();
  }
}
