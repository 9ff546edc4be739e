import type { RemovedMember } from '@pulsestage/contracts';
import type { Database, Executor } from '../db/schema.js';
import { forbidden, notFound } from '../errors.js';
import { deleteRemoval, selectRemovedMembers, wasRemoved } from './repository.js';

/** Refuses a join by someone an admin removed from the tenant, naming only that tenant. */
export async function checkNotRemoved(
  db: Executor,
  tenant: { id: string; name: string },
  userId: string,
): Promise<void> {
  if (await wasRemoved(db, tenant.id, userId)) {
    throw forbidden(`An admin removed you from ${tenant.name}; ask them to let you back in`);
  }
}

/** The people an admin removed from the tenant, most recent first. */
export async function listRemovedMembers(db: Database, tenantId: string): Promise<RemovedMember[]> {
  const rows = await selectRemovedMembers(db, tenantId);
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
  if (!(await deleteRemoval(db, tenantId, userId))) throw notFound('Removed member not found');
  return listRemovedMembers(db, tenantId);
}
