import type { Updateable } from 'kysely';
import type { Executor, QuestionTable } from '../db/schema.js';
import type { QuestionRow, Upvote } from './repository.js';

/** Stores the question; its upvote count and what the viewer did are derived, never stored. */
export async function insertQuestion(trx: Executor, tenantId: string, question: QuestionRow): Promise<void> {
  const { upvoteCount: _count, upvotedByMe: _upvoted, mine: _mine, notifyWhenAnswered, ...stored } = question;
  await trx
    .insertInto('questions')
    .values({ ...stored, tenantId, notifyAuthor: notifyWhenAnswered ? 1 : 0 })
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

/** Adds upvotes that do not exist yet. */
export async function insertUpvotes(trx: Executor, upvotes: readonly Upvote[]): Promise<void> {
  if (upvotes.length === 0) return;
  const createdAt = new Date().toISOString();
  await trx
    .insertInto('upvotes')
    .values(upvotes.map((upvote) => ({ ...upvote, createdAt })))
    .execute();
}

export async function deleteUpvotes(trx: Executor, upvotes: readonly Upvote[]): Promise<void> {
  if (upvotes.length === 0) return;
  await trx
    .deleteFrom('upvotes')
    .where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple('questionId', 'voterId'),
        'in',
        upvotes.map(({ questionId, voterId }) => tuple(questionId, voterId)),
      ),
    )
    .execute();
}

/**
 * The duplicate's upvoters, and its author, upvote the target instead: each at most once, and never
 * the target's own author.
 */
export async function moveUpvotes(
  trx: Executor,
  duplicate: Pick<QuestionRow, 'id' | 'authorId'>,
  target: Pick<QuestionRow, 'id' | 'authorId'>,
): Promise<void> {
  const upvoters = await trx
    .selectFrom('upvotes')
    .select('voterId')
    .where('questionId', '=', duplicate.id)
    .execute();
  const already = await trx
    .selectFrom('upvotes')
    .select('voterId')
    .where('questionId', '=', target.id)
    .execute();
  const excluded = new Set([target.authorId, ...already.map(({ voterId }) => voterId)]);
  const voters = new Set([duplicate.authorId, ...upvoters.map(({ voterId }) => voterId)]);
  await insertUpvotes(
    trx,
    [...voters]
      .filter((voterId) => !excluded.has(voterId))
      .map((voterId) => ({ questionId: target.id, voterId })),
  );
}

/** Takes the duplicate down like a rejection (its author alone still sees it), naming where it went. */
export async function markMerged(trx: Executor, questionId: string, intoQuestionId: string): Promise<void> {
  await markRejected(trx, questionId);
  await trx
    .updateTable('questions')
    .set((eb) => ({ mergedIntoId: intoQuestionId, mergedAt: eb.ref('rejectedAt') }))
    .where('id', '=', questionId)
    .execute();
}
