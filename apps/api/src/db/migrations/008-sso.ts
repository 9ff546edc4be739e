import type { Kysely, Migration } from 'kysely';

/**
 * Single sign-on per tenant: its provider settings (the client secret encrypted when a key is
 * configured), the short-lived attempts between leaving for the provider and coming back, the tenant's
 * "require single sign-on" flag beside its other settings (read with every access check), and which
 * tenant's single sign-on made a session.
 */
export const sso: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('tenants')
      .addColumn('require_sso', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('sessions')
      .addColumn('sso_tenant_id', 'text', (c) => c.references('tenants.id').onDelete('set null'))
      .execute();

    await db.schema
      .createTable('sso_settings')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('client_secret', 'text')
      .addColumn('allowed_domains', 'text', (c) => c.notNull())
      .addColumn('require_sso', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sso_attempts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('code_verifier', 'text', (c) => c.notNull())
      .addColumn('nonce', 'text', (c) => c.notNull())
      .addColumn('redirect_uri', 'text', (c) => c.notNull())
      .addColumn('return_path', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await db.schema.createIndex('sso_attempts_expiry').on('sso_attempts').column('expires_at').execute();
  },
};
