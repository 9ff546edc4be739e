import {
  QUESTION_BODY_MAX,
  type Role,
  SUBMIT_LIMIT_DEFAULT,
  type Team,
  type Tenant,
  type TenantSettings,
  UPVOTE_LIMIT_DEFAULT,
} from '@pulsestage/contracts';
import type { Selectable } from 'kysely';
import { deleted, inserted } from '../db/results.js';
import type { Executor, TenantTable } from '../db/schema.js';
import { conflict } from '../errors.js';

const now = () => new Date().toISOString();

export interface TenantRecord {
  id: string;
  slug: string;
  name: string;
  settings: TenantSettings;
  /** Members below owner must come through this tenant's single sign-on. */
  requireSso: boolean;
}

function toTenantRecord(row: Selectable<TenantTable>): TenantRecord {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    settings: {
      requireApproval: row.requireApproval === 1,
      allowGuests: row.allowGuests === 1,
      minQuestionLength: row.minQuestionLength,
      maxQuestionLength: row.maxQuestionLength,
      submitLimitPerMinute: row.submitLimitPerMinute,
      upvoteLimitPerMinute: row.upvoteLimitPerMinute,
      defaultLanguage: row.defaultLanguage,
    },
    requireSso: row.requireSso === 1,
  };
}

export function toTenant(record: TenantRecord, role: Role | null): Tenant {
  return { id: record.id, slug: record.slug, name: record.name, settings: record.settings, role };
}

export async function findTenantBySlug(db: Executor, slug: string): Promise<TenantRecord | undefined> {
  const row = await db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row && toTenantRecord(row);
}

export async function findTenantById(db: Executor, id: string): Promise<TenantRecord | undefined> {
  const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toTenantRecord(row);
}

/**
 * Locks the tenant's row until the transaction ends, so checks that read several rows of the tenant
 * (how many owners, the length limits) cannot be raced by a concurrent change on PostgreSQL.
 */
export async function lockTenant(trx: Executor, tenantId: string): Promise<TenantRecord> {
  const row = await trx
    .updateTable('tenants')
    .set((eb) => ({ id: eb.ref('id') }))
    .where('id', '=', tenantId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toTenantRecord(row);
}

/** Creates a tenant with its event sequence (and no meeting yet); the slug must be free. */
export async function insertTenant(trx: Executor, slug: string, name: string): Promise<TenantRecord> {
  const id = crypto.randomUUID();
  const row = await trx
    .insertInto('tenants')
    .values({
      id,
      slug,
      name,
      requireApproval: 0,
      allowGuests: 0,
      minQuestionLength: 1,
      maxQuestionLength: QUESTION_BODY_MAX,
      submitLimitPerMinute: SUBMIT_LIMIT_DEFAULT,
      upvoteLimitPerMinute: UPVOTE_LIMIT_DEFAULT,
      restrictedWords: '[]',
      displayFrameOrigins: '[]',
      createdAt: now(),
    })
    .onConflict((oc) => oc.column('slug').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw conflict(`The address "${slug}" is already taken`);
  await trx.insertInto('eventSequences').values({ tenantId: id, lastSeq: 0 }).execute();
  return toTenantRecord(row);
}

type TenantChanges = Partial<{ name: string } & TenantSettings>;

const flag = (value: boolean | undefined) => (value === undefined ? undefined : value ? 1 : 0);

/** Writes only the changes given (Kysely leaves out undefined values), so concurrent changes to other columns are kept. */
export async function updateTenant(
  trx: Executor,
  tenantId: string,
  changes: TenantChanges,
): Promise<TenantRecord> {
  const { requireApproval, allowGuests, ...rest } = changes;
  const row = await trx
    .updateTable('tenants')
    .set({ ...rest, requireApproval: flag(requireApproval), allowGuests: flag(allowGuests) })
    .where('id', '=', tenantId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toTenantRecord(row);
}

export async function findMembershipRole(
  db: Executor,
  tenantId: string,
  userId: string,
): Promise<Role | undefined> {
  const row = await db
    .selectFrom('memberships')
    .select('role')
    .where('tenantId', '=', tenantId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

export async function addMember(trx: Executor, tenantId: string, userId: string, role: Role): Promise<void> {
  await trx
    .insertInto('memberships')
    .values({ tenantId, userId, role, createdAt: now() })
    .onConflict((oc) => oc.columns(['tenantId', 'userId']).doNothing())
    .execute();
}

export function selectMembers(db: Executor, tenantId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.userId')
    .select([
      'users.id',
      'users.email',
      'users.name',
      'users.guest',
      'memberships.role',
      'memberships.teamId',
      'memberships.createdAt',
    ])
    .where('memberships.tenantId', '=', tenantId)
    .orderBy('users.name')
    .execute();
}

export async function countOwners(trx: Executor, tenantId: string): Promise<number> {
  const { count } = await trx
    .selectFrom('memberships')
    .where('tenantId', '=', tenantId)
    .where('role', '=', 'owner')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

export async function updateMemberRole(trx: Executor, tenantId: string, userId: string, role: Role) {
  await trx
    .updateTable('memberships')
    .set({ role })
    .where('tenantId', '=', tenantId)
    .where('userId', '=', userId)
    .execute();
}

/** A member of the tenant and whether their account is a guest; undefined for anyone else. */
export async function findMemberAccount(
  db: Executor,
  tenantId: string,
  userId: string,
): Promise<{ guest: boolean } | undefined> {
  const row = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.userId')
    .select('users.guest')
    .where('memberships.tenantId', '=', tenantId)
    .where('memberships.userId', '=', userId)
    .executeTakeFirst();
  return row && { guest: row.guest === 1 };
}

export async function updateMemberTeam(
  trx: Executor,
  tenantId: string,
  userId: string,
  teamId: string | null,
): Promise<void> {
  await trx
    .updateTable('memberships')
    .set({ teamId })
    .where('tenantId', '=', tenantId)
    .where('userId', '=', userId)
    .execute();
}

export async function deleteMember(trx: Executor, tenantId: string, userId: string) {
  await trx.deleteFrom('memberships').where('tenantId', '=', tenantId).where('userId', '=', userId).execute();
}

export function selectTeams(db: Executor, tenantId: string): Promise<Team[]> {
  return db
    .selectFrom('teams')
    .select(['id', 'name'])
    .where('tenantId', '=', tenantId)
    .orderBy('name')
    .execute();
}

/** False when the tenant already has a team of that name. */
export async function insertTeam(db: Executor, tenantId: string, team: Team): Promise<boolean> {
  const result = await db
    .insertInto('teams')
    .values({ ...team, tenantId, createdAt: now() })
    .onConflict((oc) => oc.columns(['tenantId', 'name']).doNothing())
    .executeTakeFirst();
  return inserted(result);
}

/** Remembers that an admin removed `userId`, so a join link cannot bring them back on its own. */
export async function recordRemoval(
  trx: Executor,
  tenantId: string,
  userId: string,
  removedBy: string,
): Promise<void> {
  const removal = { removedBy, removedAt: now() };
  await trx
    .insertInto('removedMembers')
    .values({ tenantId, userId, ...removal })
    .onConflict((oc) => oc.columns(['tenantId', 'userId']).doUpdateSet(removal))
    .execute();
}

export async function wasRemoved(db: Executor, tenantId: string, userId: string): Promise<boolean> {
  const removal = await db
    .selectFrom('removedMembers')
    .select('removedAt')
    .where('tenantId', '=', tenantId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return removal !== undefined;
}

/** Most recent first. */
export function selectRemovedMembers(db: Executor, tenantId: string) {
  return db
    .selectFrom('removedMembers')
    .innerJoin('users', 'users.id', 'removedMembers.userId')
    .select(['users.id', 'users.email', 'users.name', 'users.guest', 'removedMembers.removedAt'])
    .where('removedMembers.tenantId', '=', tenantId)
    .orderBy('removedMembers.removedAt', 'desc')
    .orderBy('users.name')
    .execute();
}

/** False when the person was not removed from the tenant. */
export async function deleteRemoval(db: Executor, tenantId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('removedMembers')
    .where('tenantId', '=', tenantId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return deleted(result);
}

export async function findTeamName(db: Executor, tenantId: string, teamId: string): Promise<string | null> {
  const team = await db
    .selectFrom('teams')
    .select('name')
    .where('id', '=', teamId)
    .where('tenantId', '=', tenantId)
    .executeTakeFirst();
  return team?.name ?? null;
}

/** The name of the member's team; null without one (or for anyone who is not a member). */
export async function findMemberTeamName(
  db: Executor,
  tenantId: string,
  userId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('memberships')
    .innerJoin('teams', 'teams.id', 'memberships.teamId')
    .select('teams.name')
    .where('memberships.tenantId', '=', tenantId)
    .where('memberships.userId', '=', userId)
    .executeTakeFirst();
  return row?.name ?? null;
}

export async function teamExists(db: Executor, tenantId: string, teamId: string): Promise<boolean> {
  const team = await db
    .selectFrom('teams')
    .select('id')
    .where('id', '=', teamId)
    .where('tenantId', '=', tenantId)
    .executeTakeFirst();
  return team !== undefined;
}
