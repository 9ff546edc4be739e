import type { Kysely, Migration } from 'kysely';

/**
 * A rejected question stays as a tombstone its author alone can see ("not published"), instead of
 * vanishing from their own list without a word.
 */
export const rejectedQuestions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('questions').addColumn('rejected_at', 'text').execute();
  },
};
