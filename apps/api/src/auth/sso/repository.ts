import type { Executor, SsoAttemptTable, SsoSettingsTable } from '../../db/schema.js';

export function findSsoSettings(db: Executor, tenantId: string) {
  return db.selectFrom('ssoSettings').selectAll().where('tenantId', '=', tenantId).executeTakeFirst();
}

/** The settings of the tenant with this slug, with the slug. */
export function findSsoSettingsBySlug(db: Executor, slug: string) {
  return db
    .selectFrom('ssoSettings')
    .innerJoin('tenants', 'tenants.id', 'ssoSettings.tenantId')
    .selectAll('ssoSettings')
    .select('tenants.slug')
    .where('tenants.slug', '=', slug)
    .executeTakeFirst();
}

export async function upsertSsoSettings(trx: Executor, row: SsoSettingsTable): Promise<void> {
  const { tenantId, ...changes } = row;
  await trx
    .insertInto('ssoSettings')
    .values(row)
    .onConflict((oc) => oc.column('tenantId').doUpdateSet(changes))
    .execute();
}

export async function setTenantRequireSso(trx: Executor, tenantId: string, required: boolean): Promise<void> {
  await trx
    .updateTable('tenants')
    .set({ requireSso: required ? 1 : 0 })
    .where('id', '=', tenantId)
    .execute();
}

export async function insertSsoAttempt(db: Executor, attempt: SsoAttemptTable): Promise<void> {
  await db.insertInto('ssoAttempts').values(attempt).execute();
}

export function findSsoAttempt(db: Executor, id: string) {
  return db
    .selectFrom('ssoAttempts')
    .innerJoin('tenants', 'tenants.id', 'ssoAttempts.tenantId')
    .selectAll('ssoAttempts')
    .select('tenants.slug')
    .where('ssoAttempts.id', '=', id)
    .executeTakeFirst();
}

/** True for the one caller that used the attempt first; a replay (or a racing twin) gets false. */
export async function markSsoAttemptUsed(db: Executor, id: string, usedAt: string): Promise<boolean> {
  const result = await db
    .updateTable('ssoAttempts')
    .set({ usedAt })
    .where('id', '=', id)
    .where('usedAt', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteSsoAttemptsExpiredBefore(db: Executor, before: string): Promise<void> {
  await db.deleteFrom('ssoAttempts').where('expiresAt', '<', before).execute();
}

export function findUserIdByEmail(db: Executor, email: string) {
  return db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
}
