import type { Member, Role } from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import type { Database, Executor } from '../db/schema.js';
import { badRequest, notFound, preconditionFailed } from '../errors.js';
import {
  countOwners,
  deleteMember,
  findMemberAccount,
  findMembershipRole,
  lockTenant,
  recordRemoval,
  selectMembers,
  teamExists,
  updateMemberRole,
  updateMemberTeam,
} from './repository.js';
import {
  checkCanRemove,
  checkCanSetRole,
  checkOwnerRemainsAfterRemoval,
  checkOwnerRemainsAfterRoleChange,
} from './rules.js';

export async function listMembers(db: Database, tenantId: string): Promise<Member[]> {
  const rows = await selectMembers(db, tenantId);
  return rows.map((row) => ({
    userId: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    guest: row.guest === 1,
    teamId: row.teamId,
    joinedAt: row.createdAt,
  }));
}

/** What a change must pass, given the member's role now and how many owners the tenant has. */
type MemberChangeCheck = (currentRole: Role, ownerCount: number) => void;

/** Changes one member under the tenant's lock once `check` passes; returns the members as they are then. */
async function changeMember(
  db: Database,
  access: TenantAccess,
  userId: string,
  check: MemberChangeCheck,
  write: (trx: Executor) => Promise<void>,
): Promise<Member[]> {
  const tenantId = access.tenant.id;
  await db.transaction().execute(async (trx) => {
    await lockTenant(trx, tenantId);
    const currentRole = await findMembershipRole(trx, tenantId, userId);
    if (!currentRole) throw notFound('Member not found');
    check(currentRole, await countOwners(trx, tenantId));
    await write(trx);
  });
  return listMembers(db, tenantId);
}

export function setMemberRole(db: Database, access: TenantAccess, userId: string, role: Role) {
  const check: MemberChangeCheck = (currentRole, ownerCount) => {
    checkCanSetRole(access.actor.role, currentRole, role);
    checkOwnerRemainsAfterRoleChange(ownerCount, currentRole, role);
  };
  return changeMember(db, access, userId, check, (trx) =>
    updateMemberRole(trx, access.tenant.id, userId, role),
  );
}

/**
 * Sets the team a member's pulse answers count for (null: none). Guests are never invited to check-ins,
 * so giving one a team would promise something that never happens: refused.
 */
export async function setMemberTeam(
  db: Database,
  access: TenantAccess,
  userId: string,
  teamId: string | null,
): Promise<Member[]> {
  const tenantId = access.tenant.id;
  await db.transaction().execute(async (trx) => {
    const member = await findMemberAccount(trx, tenantId, userId);
    if (!member) throw notFound('Member not found');
    if (teamId !== null) {
      if (!(await teamExists(trx, tenantId, teamId))) {
        throw badRequest('teamId: is not a team of this organization');
      }
      if (member.guest) throw preconditionFailed('A guest is never invited to check-ins, so has no team');
    }
    await updateMemberTeam(trx, tenantId, userId, teamId);
  });
  return listMembers(db, tenantId);
}

/** Removes the member and keeps them from rejoining through a join link until an admin readmits them. */
export function removeMember(db: Database, access: TenantAccess, userId: string) {
  const check: MemberChangeCheck = (currentRole, ownerCount) => {
    checkCanRemove(access.actor.role, currentRole);
    checkOwnerRemainsAfterRemoval(ownerCount, currentRole);
  };
  return changeMember(db, access, userId, check, async (trx) => {
    await deleteMember(trx, access.tenant.id, userId);
    await recordRemoval(trx, access.tenant.id, userId, access.actor.id);
  });
}

/**
 * Removes the tenant's guests, for when guests are turned off: their questions stay, as anonymous as
 * they were. Guests an admin made moderator or more were trusted by name and stay. They are not kept
 * on the removed list: a guest account lives in one browser, and joining again as a guest makes a new
 * one anyway. Returns how many went.
 */
export async function removeGuests(db: Database, access: TenantAccess): Promise<{ removed: number }> {
  const tenantId = access.tenant.id;
  return db.transaction().execute(async (trx) => {
    await lockTenant(trx, tenantId);
    const result = await trx
      .deleteFrom('memberships')
      .where('tenantId', '=', tenantId)
      .where('role', '=', 'member')
      .where('userId', 'in', (eb) => eb.selectFrom('users').select('id').where('guest', '=', 1))
      .executeTakeFirst();
    return { removed: Number(result.numDeletedRows) };
  });
}
