import type { Kysely, Migration } from 'kysely';

/**
 * Notifications when a question is answered or merged: the author's choice on each question, each
 * account's choice of email, and one notification per question (a merged question is never answered),
 * with its email's place in the queue.
 */
export const notifications: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('questions')
      .addColumn('notify_author', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('users')
      .addColumn('answer_emails', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();

    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('question_id', 'text', (c) => c.notNull().references('questions.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('read_at', 'text')
      .addColumn('token_hash', 'text', (c) => c.unique())
      .addColumn('email_state', 'text', (c) => c.notNull())
      .addColumn('email_attempts', 'integer', (c) => c.notNull())
      .addColumn('email_next_at', 'text')
      .addUniqueConstraint('notifications_once', ['question_id'])
      .execute();
    await db.schema
      .createIndex('notifications_recipient')
      .on('notifications')
      .columns(['tenant_id', 'user_id', 'created_at', 'id'])
      .execute();
    await db.schema
      .createIndex('notifications_email_due')
      .on('notifications')
      .columns(['email_state', 'email_next_at'])
      .execute();
  },
};
