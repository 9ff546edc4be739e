import { type Question, type questionSimilarInput, SIMILAR_QUESTIONS_MAX } from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Database } from '../db/schema.js';
import { meetingInTenant, scopeOf } from './meeting-access.js';
import { listSimilarQuestions, toQuestions } from './repository.js';
import { searchTerms } from './search-terms.js';

/**
 * The open questions of the meeting that say much the same as `body`, closest first, as any member
 * sees them: what someone about to ask could upvote instead.
 */
export async function findSimilarQuestions(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionSimilarInput>,
): Promise<Question[]> {
  await meetingInTenant(db, access, input.meetingId);
  const terms = searchTerms(input.body);
  if (terms.length === 0) return [];
  const scope = scopeOf(access, input.meetingId);
  const rows = await listSimilarQuestions(db, scope, access.actor.id, terms, SIMILAR_QUESTIONS_MAX);
  return toQuestions(db, rows);
}
