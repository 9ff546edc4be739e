import type { QuestionStatus } from '@pulsestage/contracts';
import type { Executor } from '../db/schema.js';

export async function isFrozen(db: Executor, tenantId: string): Promise<boolean> {
  const row = await db
    .selectFrom('queueStates')
    .select('frozen')
    .where('tenantId', '=', tenantId)
    .executeTakeFirst();
  return row?.frozen === 1;
}

export async function setFrozen(trx: Executor, tenantId: string, frozen: boolean): Promise<void> {
  await trx
    .updateTable('queueStates')
    .set({ frozen: frozen ? 1 : 0 })
    .where('tenantId', '=', tenantId)
    .execute();
}

/** The tenant's pinned questions, most recently pinned first. */
export function selectPinned(
  db: Executor,
  tenantId: string,
): Promise<{ id: string; status: QuestionStatus }[]> {
  return db
    .selectFrom('questions')
    .select(['id', 'status'])
    .where('tenantId', '=', tenantId)
    .where('pinnedAt', 'is not', null)
    .orderBy('pinnedAt', 'desc')
    .execute();
}
