import type { QueueSnapshot } from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import type { Database } from '../db/schema.js';
import { lastSequence } from '../events/outbox/reader.js';
import { appendEvent } from '../events/outbox/writer.js';
import { meetingInTenant, scopeOf } from './meeting-access.js';
import { selectPinned, setPaused } from './queue-repository.js';
import { audienceOf, isModerator } from './rules.js';

/** Whether the meeting is paused and what is pinned in it, as of at least the returned sequence. */
export async function readQueueState(
  db: Database,
  access: TenantAccess,
  meetingId: string,
): Promise<QueueSnapshot> {
  const sequence = await lastSequence(db, access.tenant.id);
  const meeting = await meetingInTenant(db, access, meetingId);
  const pinned = await selectPinned(db, scopeOf(access, meetingId));
  return {
    frozen: meeting.paused,
    pinnedQuestionIds: pinned
      .filter((row) => isModerator(access.actor) || audienceOf(row) === 'all')
      .map((row) => row.id),
    sequence,
  };
}

/** Pauses the meeting (no new questions) or lifts the pause. */
export async function freezeQueue(
  db: Database,
  access: TenantAccess,
  input: { meetingId: string; frozen: boolean },
): Promise<QueueSnapshot> {
  const { meetingId, frozen } = input;
  await db.transaction().execute(async (trx) => {
    await meetingInTenant(trx, access, meetingId);
    await setPaused(trx, scopeOf(access, meetingId), frozen);
    await appendEvent(trx, access.tenant.id, { type: 'question:frozen', data: { meetingId, frozen } }, 'all');
  });
  return readQueueState(db, access, meetingId);
}
