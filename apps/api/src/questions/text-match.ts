import { sql } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import type { Executor } from '../db/schema.js';

/**
 * How a query of questions `q` matches their text against `terms`: the one place the two dialects
 * differ. Select from `source` cross-joined with `q`, keep the rows where `matches`, order by `score`
 * (higher is closer). PostgreSQL tests the meeting's rows against their stored `body_search` (through
 * its GIN index when that pays). On SQLite the cross join keeps `source` outside: its FTS5 index finds
 * and scores the matching rows once, and each is then read by rowid (a meeting's index on the other side
 * would run the text search once per question).
 * A question matches when it has any of the terms; the last one may be a word still being typed, so it
 * also matches the words it begins. `terms` are letters and digits only (`searchTerms`), so nothing
 * typed can be read as an operator of either query language.
 */
export function textMatch(db: Executor, terms: readonly string[]) {
  const typing = terms.length - 1;
  if (isPostgres(db)) {
    const query = terms.map((term, index) => `'${term}'${index === typing ? ':*' : ''}`).join(' | ');
    return {
      source: sql`(select to_tsquery('english', ${query}) as query)`.as('questions_search'),
      matches: sql<boolean>`q.body_search @@ questions_search.query`,
      score: sql<number>`ts_rank(q.body_search, questions_search.query)`,
    };
  }
  const query = terms.map((term, index) => `"${term}"${index === typing ? '*' : ''}`).join(' OR ');
  return {
    source: sql`(
      select rowid, -bm25(questions_search) as score from questions_search where questions_search match ${query}
    )`.as('questions_search'),
    matches: sql<boolean>`q.rowid = questions_search.rowid`,
    score: sql<number>`questions_search.score`,
  };
}
