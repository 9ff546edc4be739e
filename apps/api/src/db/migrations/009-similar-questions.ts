import { type Kysely, type Migration, sql } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Similar questions and merges. A text index of question bodies ranks the open questions that say
 * much the same as the text being typed: on PostgreSQL a stored English `tsvector` of the body (computed
 * once per write, not per search) with a GIN index; on
 * SQLite an FTS5 table over `questions` (external content, by rowid) that triggers keep in step.
 * A duplicate merged into another question stays for its author only, like a rejected one, and says
 * which question it joined.
 */
export const similarQuestions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('questions').addColumn('merged_into_id', 'text').execute();
    await db.schema.alterTable('questions').addColumn('merged_at', 'text').execute();
    if (isPostgres(db)) {
      await sql`
        alter table questions
        add column body_search tsvector generated always as (to_tsvector('english', body)) stored
      `.execute(db);
      await sql`create index questions_body_search on questions using gin (body_search)`.execute(db);
      return;
    }
    await sql`
      create virtual table questions_search using fts5(
        body, content = 'questions', content_rowid = 'rowid', tokenize = 'porter unicode61 remove_diacritics 2'
      )
    `.execute(db);
    await sql`
      create trigger questions_search_insert after insert on questions begin
        insert into questions_search (rowid, body) values (new.rowid, new.body);
      end
    `.execute(db);
    await sql`
      create trigger questions_search_delete after delete on questions begin
        insert into questions_search (questions_search, rowid, body) values ('delete', old.rowid, old.body);
      end
    `.execute(db);
    await sql`
      create trigger questions_search_update after update of body on questions begin
        insert into questions_search (questions_search, rowid, body) values ('delete', old.rowid, old.body);
        insert into questions_search (rowid, body) values (new.rowid, new.body);
      end
    `.execute(db);
    await sql`insert into questions_search (questions_search) values ('rebuild')`.execute(db);
  },
};
