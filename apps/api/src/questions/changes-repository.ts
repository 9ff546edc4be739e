import type { Updateable } from 'kysely';
import { deleted, inserted } from '../db/results.js';
import type { Executor, QuestionTable } from '../db/schema.js';
import type { QuestionRow } from './repository.js';

/** Stores the question; its upvote count and what the viewer did are derived, never stored. */
export async function insertQuestion(trx: Executor, tenantId: string, question: QuestionRow): Promise<void> {
  const { upvoteCount: _count, upvotedByMe: _upvoted, mine: _mine, ...stored } = question;
  await trx
    .insertInto('questions')
    .values({ ...stored, tenantId })
    .execute();
}

export async function updateQuestion(
  trx: Executor,
  questionId: string,
  changes: Pick<
    Updateable<QuestionTable>,
    'status' | 'responseText' | 'answeredAt' | 'pinnedAt' | 'body' | 'editedAt' | 'hiddenAt'
  >,
): Promise<void> {
  await trx.updateTable('questions').set(changes).where('id', '=', questionId).execute();
}

/** Keeps the row for its author only: its upvotes, tags and pin go. */
export async function markRejected(trx: Executor, questionId: string): Promise<void> {
  await trx.deleteFrom('upvotes').where('questionId', '=', questionId).execute();
  await trx.deleteFrom('questionTags').where('questionId', '=', questionId).execute();
  await trx
    .updateTable('questions')
    .set({ rejectedAt: new Date().toISOString(), pinnedAt: null })
    .where('id', '=', questionId)
    .execute();
}

/** Deletes the question with everything attached to it: a withdrawn question leaves no trace. */
export async function deleteQuestion(trx: Executor, questionId: string): Promise<void> {
  await trx.deleteFrom('upvotes').where('questionId', '=', questionId).execute();
  await trx.deleteFrom('questionTags').where('questionId', '=', questionId).execute();
  await trx.deleteFrom('questions').where('id', '=', questionId).execute();
}

/** False when the voter had already upvoted the question. */
export async function insertUpvote(trx: Executor, questionId: string, voterId: string): Promise<boolean> {
  const result = await trx
    .insertInto('upvotes')
    .values({ questionId, voterId, createdAt: new Date().toISOString() })
    .onConflict((oc) => oc.columns(['questionId', 'voterId']).doNothing())
    .executeTakeFirst();
  return inserted(result);
}

/** False when the voter had not upvoted the question. */
export async function deleteUpvote(trx: Executor, questionId: string, voterId: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('upvotes')
    .where('questionId', '=', questionId)
    .where('voterId', '=', voterId)
    .executeTakeFirst();
  return deleted(result);
}
