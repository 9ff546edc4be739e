import type { QueueSnapshot } from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import type { Database } from '../db/schema.js';
import { lastSequence } from '../events/outbox/reader.js';
import { appendEvent } from '../events/outbox/writer.js';
import { isFrozen, selectPinned, setFrozen } from './queue-repository.js';
import { isModerator } from './rules.js';

/** Whether the queue is frozen and what is pinned, as of at least the returned sequence. */
export async function readQueueState(db: Database, access: TenantAccess): Promise<QueueSnapshot> {
  const sequence = await lastSequence(db, access.tenant.id);
  const pinned = await selectPinned(db, access.tenant.id);
  return {
    frozen: await isFrozen(db, access.tenant.id),
    pinnedQuestionIds: pinned
      .filter((row) => row.status !== 'UNDER_REVIEW' || isModerator(access.actor))
      .map((row) => row.id),
    sequence,
  };
}

export async function freezeQueue(
  db: Database,
  access: TenantAccess,
  frozen: boolean,
): Promise<QueueSnapshot> {
  await db.transaction().execute(async (trx) => {
    await setFrozen(trx, access.tenant.id, frozen);
    await appendEvent(trx, access.tenant.id, { type: 'question:frozen', data: { frozen } }, 'all');
  });
  return readQueueState(db, access);
}
