import { inserted } from '../db/results.js';
import type { Executor } from '../db/schema.js';

interface NewUser {
  id: string;
  email: string | null;
  name: string;
  passwordHash: string | null;
}

/** False when an account with the email already exists. */
export async function saveUser(db: Executor, user: NewUser): Promise<boolean> {
  const result = await db
    .insertInto('users')
    .values({ ...user, guest: user.email === null ? 1 : 0, createdAt: new Date().toISOString() })
    .onConflict((oc) => oc.column('email').doNothing())
    .executeTakeFirst();
  return inserted(result);
}

export function findUser(db: Executor, userId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'guest'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
}

export function findPasswordHash(db: Executor, email: string) {
  return db.selectFrom('users').select(['id', 'passwordHash']).where('email', '=', email).executeTakeFirst();
}

/** The user's tenants with their role in each, by tenant name. */
export function selectMemberships(db: Executor, userId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('tenants', 'tenants.id', 'memberships.tenantId')
    .select(['tenants.id', 'tenants.slug', 'tenants.name', 'memberships.role'])
    .where('memberships.userId', '=', userId)
    .orderBy('tenants.name')
    .execute();
}

/** The tenant a join code that still works lets people into. */
export function findJoinLinkTenant(db: Executor, code: string) {
  return db
    .selectFrom('links')
    .innerJoin('tenants', 'tenants.id', 'links.tenantId')
    .select(['tenants.id', 'tenants.slug', 'tenants.name', 'tenants.allowGuests', 'tenants.requireSso'])
    .where('links.code', '=', code)
    .where('links.kind', '=', 'join')
    .where('links.revokedAt', 'is', null)
    .executeTakeFirst();
}

/** A token of the tenant that is not revoked, as far as what it grants. */
export function findTokenGrant(db: Executor, tenantId: string, tokenId: string) {
  return db
    .selectFrom('serviceTokens')
    .select(['tenantId', 'role', 'createdBy'])
    .where('id', '=', tokenId)
    .where('tenantId', '=', tenantId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
}

export function findServiceTokenByHash(db: Executor, tokenHash: string) {
  return db
    .selectFrom('serviceTokens')
    .select(['id', 'tenantId', 'role', 'createdBy'])
    .where('tokenHash', '=', tokenHash)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
}

export function findDisplayLinkByHash(db: Executor, tokenHash: string) {
  return db
    .selectFrom('links')
    .select(['id', 'tenantId'])
    .where('tokenHash', '=', tokenHash)
    .where('kind', '=', 'display')
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
}
