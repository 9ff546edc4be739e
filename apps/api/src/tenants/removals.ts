import type { RemovedMember } from '@pulsestage/contracts';
import type { Database, Executor } from '../db/schema.js';
import { forbidden, notFound } from '../errors.js';

/** Remembers that an admin removed `userId`, so a join link cannot bring them back on its own. */
export async function recordRemoval(
  trx: Executor,
  tenantId: string,
  userId: string,
  removedBy: string,
): Promise<void> {
  const removal = { removedBy, removedAt: new Date().toISOString() };
  await trx
    .insertInto('removedMembers')
    .values({ tenantId, userId, ...removal })
    .onConflict((oc) => oc.columns(['tenantId', 'userId']).doUpdateSet(removal))
    .execute();
}

/** Refuses a join by someone an admin removed from the tenant, naming only that tenant. */
export async function checkNotRemoved(
  db: Executor,
  tenant: { id: string; name: string },
  userId: string,
): Promise<void> {
  const removal = await db
    .selectFrom('removedMembers')
    .select('removedAt')
    .where('tenantId', '=', tenant.id)
    .where('userId', '=', userId)
    .executeTakeFirst();
  if (removal) throw forbidden(`An admin removed you from ${tenant.name}; ask them to let you back in`);
}

/** The people an admin removed from the tenant, most recent first. */
export async function listRemovedMembers(db: Database, tenantId: string): Promise<RemovedMember[]> {
  const rows = await db
    .selectFrom('removedMembers')
    .innerJoin('users', 'users.id', 'removedMembers.userId')
    .select(['users.id', 'users.email', 'users.name', 'users.guest', 'removedMembers.removedAt'])
    .where('removedMembers.tenantId', '=', tenantId)
    .orderBy('removedMembers.removedAt', 'desc')
    .orderBy('users.name')
    .execute();
  return rows.map((row) => ({
    userId: row.id,
    email: row.email,
    name: row.name,
    guest: row.guest === 1,
    removedAt: row.removedAt,
  }));
}

/** Lets a removed person rejoin through a join link again; returns who is still removed. */
export async function readmitMember(
  db: Database,
  tenantId: string,
  userId: string,
): Promise<RemovedMember[]> {
  const result = await db
    .deleteFrom('removedMembers')
    .where('tenantId', '=', tenantId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound('Removed member not found');
  return listRemovedMembers(db, tenantId);
}
