import type { Kysely, Migration } from 'kysely';

/**
 * Whom an admin removed from a tenant: they cannot rejoin through a join link until an admin lets
 * them back in (which deletes the row).
 */
export const removedMembers: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('removed_members')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('removed_by', 'text', (c) => c.notNull())
      .addColumn('removed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('removed_members_pk', ['tenant_id', 'user_id'])
      .execute();
  },
};
