import { comparableText } from '@pulsestage/contracts';
import type { Executor } from '../db/schema.js';
import { conflict } from '../errors.js';
import type { MeetingScope } from './repository.js';

/** What the author still has waiting in the meeting: open or under review, and not rejected. */
async function selectWaitingBodies(db: Executor, scope: MeetingScope, authorId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('questions')
    .select('body')
    .where('tenantId', '=', scope.tenantId)
    .where('meetingId', '=', scope.meetingId)
    .where('authorId', '=', authorId)
    .where('status', 'in', ['OPEN', 'UNDER_REVIEW'])
    .where('rejectedAt', 'is', null)
    .execute();
  return rows.map((row) => row.body);
}

/** Refuses a question its author already has waiting in the meeting, however it is cased or spaced. */
export async function checkNotAskedBefore(
  db: Executor,
  scope: MeetingScope,
  authorId: string,
  body: string,
): Promise<void> {
  const asked = comparableText(body);
  const waiting = await selectWaitingBodies(db, scope, authorId);
  if (waiting.some((other) => comparableText(other) === asked)) {
    throw conflict('You already asked this question');
  }
}
