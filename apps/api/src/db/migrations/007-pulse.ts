import type { Kysely, Migration } from 'kysely';

/**
 * Pulse: check-in questions, each tenant's schedule, the invitations of each day's cohort and the
 * anonymous answers. An answer row holds no user and no invitation; an invitation keeps only whether it
 * was used. Members get a team (what their answers count for) and a choice of email invitations.
 */
export const pulse: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('memberships')
      .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
      .execute();
    await db.schema
      .alterTable('memberships')
      .addColumn('pulse_email', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();

    await db.schema
      .createTable('pulse_settings')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('time_of_day', 'text', (c) => c.notNull())
      .addColumn('cohorts', 'text', (c) => c.notNull())
      .addColumn('schedule', 'text', (c) => c.notNull())
      .addColumn('threshold', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('pulse_questions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('scale', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('pulse_questions_tenant')
      .on('pulse_questions')
      .columns(['tenant_id', 'position'])
      .execute();

    await db.schema
      .createTable('pulse_sends')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('local_date', 'text', (c) => c.notNull())
      .addColumn('week', 'text', (c) => c.notNull())
      .addColumn('cohort_name', 'text', (c) => c.notNull())
      .addColumn('question_id', 'text', (c) =>
        c.notNull().references('pulse_questions.id').onDelete('cascade'),
      )
      .addColumn('sent_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('pulse_sends_once', ['tenant_id', 'local_date', 'cohort_name'])
      .execute();
    await db.schema
      .createIndex('pulse_sends_question')
      .on('pulse_sends')
      .columns(['question_id', 'week'])
      .execute();

    await db.schema
      .createTable('pulse_invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('send_id', 'text', (c) => c.notNull().references('pulse_sends.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('token_hash', 'text', (c) => c.unique())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used', 'integer', (c) => c.notNull())
      .addColumn('email_state', 'text', (c) => c.notNull())
      .addColumn('email_attempts', 'integer', (c) => c.notNull())
      .addColumn('email_next_at', 'text')
      .addUniqueConstraint('pulse_invitations_once', ['send_id', 'user_id'])
      .execute();
    await db.schema
      .createIndex('pulse_invitations_user')
      .on('pulse_invitations')
      .columns(['user_id', 'used'])
      .execute();
    await db.schema
      .createIndex('pulse_invitations_email')
      .on('pulse_invitations')
      .columns(['email_state', 'email_next_at'])
      .execute();

    await db.schema
      .createTable('pulse_responses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('question_id', 'text', (c) =>
        c.notNull().references('pulse_questions.id').onDelete('cascade'),
      )
      .addColumn('week', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text')
      .addColumn('cohort_name', 'text', (c) => c.notNull())
      .addColumn('score', 'integer', (c) => c.notNull())
      .addColumn('submitted_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('pulse_responses_question')
      .on('pulse_responses')
      .columns(['question_id', 'week'])
      .execute();
  },
};
