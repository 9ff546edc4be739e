import type { Role, Tenant, TenantSettings } from '@pulsestage/contracts';
import type { Selectable } from 'kysely';
import type { Executor, TenantTable } from '../db/schema.js';

export interface TenantRecord {
  id: string;
  slug: string;
  name: string;
  settings: TenantSettings;
}

export function toTenantRecord(row: Selectable<TenantTable>): TenantRecord {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    settings: {
      requireApproval: row.requireApproval === 1,
      allowGuests: row.allowGuests === 1,
      minQuestionLength: row.minQuestionLength,
      maxQuestionLength: row.maxQuestionLength,
    },
  };
}

export function toTenant(record: TenantRecord, role: Role | null): Tenant {
  return { ...record, role };
}

export async function findTenantBySlug(db: Executor, slug: string): Promise<TenantRecord | undefined> {
  const row = await db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row && toTenantRecord(row);
}

export async function findTenantById(db: Executor, id: string): Promise<TenantRecord | undefined> {
  const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toTenantRecord(row);
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
