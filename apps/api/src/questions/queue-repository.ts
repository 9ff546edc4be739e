import type { QuestionStatus } from '@pulsestage/contracts';
import type { Executor } from '../db/schema.js';
import type { MeetingScope } from './repository.js';

export async function setPaused(trx: Executor, scope: MeetingScope, paused: boolean): Promise<void> {
  await trx
    .updateTable('meetings')
    .set({ paused: paused ? 1 : 0 })
    .where('tenantId', '=', scope.tenantId)
    .where('id', '=', scope.meetingId)
    .execute();
}

/** The meeting's pinned questions, most recently pinned first. */
export function selectPinned(
  db: Executor,
  scope: MeetingScope,
): Promise<{ id: string; status: QuestionStatus; hiddenAt: string | null }[]> {
  return db
    .selectFrom('questions')
    .select(['id', 'status', 'hiddenAt'])
    .where('tenantId', '=', scope.tenantId)
    .where('meetingId', '=', scope.meetingId)
    .where('pinnedAt', 'is not', null)
    .orderBy('pinnedAt', 'desc')
    .execute();
}
