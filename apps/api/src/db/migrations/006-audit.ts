import type { Kysely, Migration } from 'kysely';

/**
 * The audit log is read a page at a time after an entry's time and id, newest first, and trimmed by
 * age across tenants every hour: one index serves each, in place of the tenant-and-time one.
 */
export const auditIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('audit_log_tenant_time_id')
      .on('audit_log')
      .columns(['tenant_id', 'created_at', 'id'])
      .execute();
    await db.schema.dropIndex('audit_log_tenant_time').execute();
    await db.schema.createIndex('audit_log_time').on('audit_log').column('created_at').execute();
  },
};
