import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The tenant's default language for the web app, null while the tenant has none. Stored
 * `tenant:updated` events are rewritten to the newest payload (the language added, null), so streams
 * resume across the upgrade and convert them to every version as before.
 */
export const tenantLanguage: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('tenants').addColumn('default_language', 'text').execute();
    const events = await sql<{ tenant: string; seq: number | string; data: string }>`
      select tenant_id as tenant, seq, data from events where type = 'tenant:updated'
    `.execute(db);
    for (const event of events.rows) {
      const payload = JSON.parse(event.data) as { name: string; settings: object };
      const settings = { ...payload.settings, defaultLanguage: null };
      await sql`
        update events set data = ${JSON.stringify({ ...payload, settings })}
        where tenant_id = ${event.tenant} and seq = ${event.seq}
      `.execute(db);
    }
  },
};
