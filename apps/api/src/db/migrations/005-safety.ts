import { SUBMIT_LIMIT_DEFAULT, UPVOTE_LIMIT_DEFAULT } from '@pulsestage/contracts';
import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Safety: per-tenant submit and upvote limits, restricted words and the origins that may embed the
 * presenter display; sessions a person can list and end; and the audit log of moderator and admin actions.
 * Stored `tenant:updated` events are rewritten to their new payload (the limits added), so streams resume
 * across the upgrade.
 */
export const safety: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('tenants')
      .addColumn('submit_limit_per_minute', 'integer', (c) => c.notNull().defaultTo(5))
      .execute();
    await db.schema
      .alterTable('tenants')
      .addColumn('upvote_limit_per_minute', 'integer', (c) => c.notNull().defaultTo(120))
      .execute();
    await db.schema
      .alterTable('tenants')
      .addColumn('restricted_words', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema
      .alterTable('tenants')
      .addColumn('display_frame_origins', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await addLimitsToStoredSettings(db);

    await db.schema.alterTable('sessions').addColumn('public_id', 'text').execute();
    await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
    await db.schema.alterTable('sessions').addColumn('last_used_at', 'text').execute();
    await db.schema.createIndex('sessions_public_id').on('sessions').column('public_id').unique().execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target_type', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text')
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_log_tenant_time')
      .on('audit_log')
      .columns(['tenant_id', 'created_at'])
      .execute();
  },
};

async function addLimitsToStoredSettings(db: Kysely<unknown>): Promise<void> {
  const events = await sql<{ tenant: string; seq: number | string; data: string }>`
    select tenant_id as tenant, seq, data from events where type = 'tenant:updated'
  `.execute(db);
  for (const event of events.rows) {
    const payload = JSON.parse(event.data) as { name: string; settings: object };
    const settings = {
      ...payload.settings,
      submitLimitPerMinute: SUBMIT_LIMIT_DEFAULT,
      upvoteLimitPerMinute: UPVOTE_LIMIT_DEFAULT,
    };
    await sql`
      update events set data = ${JSON.stringify({ ...payload, settings })}
      where tenant_id = ${event.tenant} and seq = ${event.seq}
    `.execute(db);
  }
}
