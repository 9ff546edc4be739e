import { sql } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import type { Executor } from '../db/schema.js';
import type { MeetingScope } from './repository.js';

/** A question of the meeting whose text matches, and how closely: higher is closer. */
export interface TextMatch {
  questionId: string;
  score: number;
}

/**
 * The meeting's questions whose text has any of `terms` (or a word they begin), scored: the one place
 * the two dialects differ. `terms` are letters and digits only (`searchTerms`), so nothing typed can be
 * read as an operator of either query language.
 */
export function textMatches(db: Executor, scope: MeetingScope, terms: readonly string[]) {
  if (isPostgres(db)) {
    const query = terms.map((term) => `'${term}':*`).join(' | ');
    return sql<TextMatch>`(
      select id as question_id, ts_rank(to_tsvector('english', body), to_tsquery('english', ${query})) as score
      from questions
      where tenant_id = ${scope.tenantId} and meeting_id = ${scope.meetingId}
        and to_tsvector('english', body) @@ to_tsquery('english', ${query})
    )`.as('match');
  }
  const query = terms.map((term) => `"${term}"*`).join(' OR ');
  return sql<TextMatch>`(
    select questions.id as question_id, -bm25(questions_search) as score
    from questions_search join questions on questions.rowid = questions_search.rowid
    where questions_search match ${query}
      and questions.tenant_id = ${scope.tenantId} and questions.meeting_id = ${scope.meetingId}
  )`.as('match');
}
