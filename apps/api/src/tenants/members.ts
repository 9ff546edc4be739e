import type { Member, Role } from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import type { Database, Executor } from '../db/schema.js';
import { notFound } from '../errors.js';
import {
  countOwners,
  deleteMember,
  findMembershipRole,
  lockTenant,
  recordRemoval,
  selectMembers,
  updateMemberRole,
} from './repository.js';
import { checkCanChangeRole, checkOwnerRemains } from './rules.js';

export async function listMembers(db: Database, tenantId: string): Promise<Member[]> {
  const rows = await selectMembers(db, tenantId);
  return rows.map((row) => ({
    userId: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    guest: row.guest === 1,
    joinedAt: row.createdAt,
  }));
}

/**
 * Changes one member under the tenant's lock, once the actor may make the change and an owner remains;
 * `roleAfter` is null when the change removes the member. Returns the members as they are then.
 */
async function changeMember(
  db: Database,
  access: TenantAccess,
  userId: string,
  roleAfter: Role | null,
  write: (trx: Executor) => Promise<void>,
): Promise<Member[]> {
  const tenantId = access.tenant.id;
  await db.transaction().execute(async (trx) => {
    await lockTenant(trx, tenantId);
    const currentRole = await findMembershipRole(trx, tenantId, userId);
    if (!currentRole) throw notFound('Member not found');
    checkCanChangeRole(access.actor.role, currentRole, roleAfter);
    checkOwnerRemains(await countOwners(trx, tenantId), currentRole, roleAfter);
    await write(trx);
  });
  return listMembers(db, tenantId);
}

export function setMemberRole(db: Database, access: TenantAccess, userId: string, role: Role) {
  return changeMember(db, access, userId, role, (trx) =>
    updateMemberRole(trx, access.tenant.id, userId, role),
  );
}

/** Removes the member and keeps them from rejoining through a join link until an admin readmits them. */
export function removeMember(db: Database, access: TenantAccess, userId: string) {
  return changeMember(db, access, userId, null, async (trx) => {
    await deleteMember(trx, access.tenant.id, userId);
    await recordRemoval(trx, access.tenant.id, userId, access.actor.id);
  });
}
