import type {
  LatestEvent,
  OwnQuestionPage,
  Question,
  QuestionListInput,
  QuestionPage,
  QueueSnapshot,
  QueueState,
  questionAnswerInput,
  questionMineInput,
  questionPinInput,
  questionSubmitInput,
  questionTagInput,
  Tag,
} from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import { deleted, inserted } from '../db/results.js';
import type { Database, Executor } from '../db/schema.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { lastSequence } from '../events/outbox/reader.js';
import { type Audience, appendEvent, reserveSequence } from '../events/outbox/writer.js';
import { answeredEvent, createdEvent, pendingEvent } from './events.js';
import {
  countUpvotes,
  findQuestion,
  listAuthoredQuestions,
  listQuestions,
  lockQuestion,
  type QuestionRow,
  toOwnQuestions,
  toQuestion,
  toQuestions,
} from './repository.js';
import {
  audienceOf,
  canSee,
  checkAwaitingReview,
  checkBodyLength,
  checkCanListStatus,
  checkCanModerate,
  checkCanUpvote,
  checkQueueOpen,
  isModerator,
  statusOnSubmit,
} from './rules.js';

/** A question the actor may see, or "not found": others' hidden questions do not exist for them. */
async function visibleQuestion(db: Executor, access: TenantAccess, questionId: string): Promise<QuestionRow> {
  const question = await findQuestion(db, access.tenant.id, questionId, access.actor.id);
  if (!question || !canSee(question, access.actor)) throw notFound('Question not found');
  return question;
}

async function isFrozen(db: Executor, tenantId: string): Promise<boolean> {
  const row = await db
    .selectFrom('queueStates')
    .select('frozen')
    .where('tenantId', '=', tenantId)
    .executeTakeFirst();
  return row?.frozen === 1;
}

export async function listTenantQuestions(
  db: Database,
  access: TenantAccess,
  input: QuestionListInput,
): Promise<QuestionPage> {
  checkCanListStatus(input.status, access.actor);
  // Read before the data, so the page reflects at least this position of the tenant's stream.
  const sequence = await lastSequence(db, access.tenant.id);
  const statuses = input.status ? [input.status] : (['OPEN', 'ANSWERED'] as const);
  const { rows, nextCursor } = await listQuestions(db, access.tenant.id, access.actor.id, {
    ...input,
    statuses: [...statuses],
  });
  return { items: await toQuestions(db, rows), nextCursor, sequence };
}

export async function getVisibleQuestion(
  db: Database,
  access: TenantAccess,
  questionId: string,
): Promise<Question> {
  return toQuestion(db, await visibleQuestion(db, access, questionId));
}

export async function listMyQuestions(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionMineInput>,
): Promise<OwnQuestionPage> {
  const sequence = await lastSequence(db, access.tenant.id);
  const { rows, nextCursor } = await listAuthoredQuestions(db, access.tenant.id, access.actor.id, input);
  return { items: await toOwnQuestions(db, rows), nextCursor, sequence };
}

export async function submitQuestion(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionSubmitInput>,
): Promise<Question> {
  const { tenant, actor } = access;
  checkBodyLength(input.body, tenant.settings);
  return db.transaction().execute(async (trx) => {
    checkQueueOpen(await isFrozen(trx, tenant.id));
    if (input.teamId) {
      const team = await trx
        .selectFrom('teams')
        .select('id')
        .where('id', '=', input.teamId)
        .where('tenantId', '=', tenant.id)
        .executeTakeFirst();
      if (!team) throw badRequest('teamId: is not a team of this organization');
    }
    const row: QuestionRow = {
      id: crypto.randomUUID(),
      teamId: input.teamId,
      authorId: actor.id,
      body: input.body,
      status: statusOnSubmit(tenant.settings),
      responseText: null,
      answeredAt: null,
      pinnedAt: null,
      submittedAt: new Date().toISOString(),
      upvoteCount: 0,
      upvotedByMe: false,
      mine: true,
      rejectedAt: null,
    };
    const { upvoteCount: _count, upvotedByMe: _upvoted, mine: _mine, ...stored } = row;
    await trx
      .insertInto('questions')
      .values({ ...stored, tenantId: tenant.id })
      .execute();
    const event = row.status === 'UNDER_REVIEW' ? pendingEvent(row) : createdEvent(row);
    await appendEvent(trx, tenant.id, event, audienceOf(row.status));
    return toQuestion(trx, row);
  });
}

export interface UpvoteResult {
  questionId: string;
  upvoteCount: number;
  upvotedByMe: boolean;
}

interface QuestionChange<R> {
  event: LatestEvent;
  result: R;
  /** Defaults to the audience of the question as it was before the change. */
  audience?: Audience;
  /** The event's sequence, when the change reserved it before reading what the event reports. */
  seq?: number;
}

/**
 * Runs a change to one question the actor can see, in a transaction that also records the event the
 * change returns. The event reaches moderators only while the question is under review. Changes of
 * one question, its rejection included, run one after the other: a change that comes second to a
 * rejection finds no question (NOT_FOUND) rather than writing about one that is gone.
 */
async function changeQuestion<R>(
  db: Database,
  access: TenantAccess,
  questionId: string,
  change: (trx: Executor, question: QuestionRow) => Promise<QuestionChange<R>>,
): Promise<R> {
  return db.transaction().execute(async (trx) => {
    await lockQuestion(trx, access.tenant.id, questionId);
    const question = await visibleQuestion(trx, access, questionId);
    const { event, result, audience = audienceOf(question.status), seq } = await change(trx, question);
    await appendEvent(trx, access.tenant.id, event, audience, seq);
    return result;
  });
}

/** Counts after reserving the event's sequence, so the count in the event matches its place in it. */
async function upvoteCountChanged(
  trx: Executor,
  access: TenantAccess,
  questionId: string,
  upvotedByMe: boolean,
) {
  const seq = await reserveSequence(trx, access.tenant.id);
  const upvoteCount = await countUpvotes(trx, questionId);
  return {
    seq,
    event: { type: 'question:upvoted', data: { questionId, upvoteCount } } satisfies LatestEvent,
    result: { questionId, upvoteCount, upvotedByMe },
  };
}

export function upvote(db: Database, access: TenantAccess, questionId: string): Promise<UpvoteResult> {
  return changeQuestion(db, access, questionId, async (trx, question) => {
    checkCanUpvote(question, access.actor);
    const result = await trx
      .insertInto('upvotes')
      .values({ questionId, voterId: access.actor.id, createdAt: new Date().toISOString() })
      .onConflict((oc) => oc.columns(['questionId', 'voterId']).doNothing())
      .executeTakeFirst();
    if (!inserted(result)) throw conflict('You have already upvoted this question');
    return upvoteCountChanged(trx, access, questionId, true);
  });
}

export function removeUpvote(db: Database, access: TenantAccess, questionId: string): Promise<UpvoteResult> {
  return changeQuestion(db, access, questionId, async (trx) => {
    const result = await trx
      .deleteFrom('upvotes')
      .where('questionId', '=', questionId)
      .where('voterId', '=', access.actor.id)
      .executeTakeFirst();
    if (!deleted(result)) throw notFound('You have not upvoted this question');
    return upvoteCountChanged(trx, access, questionId, false);
  });
}

export function answerQuestion(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionAnswerInput>,
): Promise<Question> {
  return changeQuestion(db, access, input.questionId, async (trx, question) => {
    checkCanModerate(question, 'answer');
    const answered = {
      ...question,
      status: 'ANSWERED' as const,
      responseText: input.responseText,
      answeredAt: question.answeredAt ?? new Date().toISOString(),
    };
    await trx
      .updateTable('questions')
      .set({ status: answered.status, responseText: answered.responseText, answeredAt: answered.answeredAt })
      .where('id', '=', question.id)
      .execute();
    return { event: answeredEvent(answered), result: await toQuestion(trx, answered) };
  });
}

async function tenantTag(db: Executor, tenantId: string, tagId: string): Promise<Tag> {
  const tag = await db
    .selectFrom('tags')
    .select(['id', 'name', 'color'])
    .where('id', '=', tagId)
    .where('tenantId', '=', tenantId)
    .executeTakeFirst();
  if (!tag) throw notFound('Tag not found');
  return tag;
}

async function attachTag(trx: Executor, questionId: string, tag: Tag): Promise<LatestEvent> {
  const result = await trx
    .insertInto('questionTags')
    .values({ questionId, tagId: tag.id })
    .onConflict((oc) => oc.columns(['questionId', 'tagId']).doNothing())
    .executeTakeFirst();
  if (!inserted(result)) throw conflict('The question already has this tag');
  return { type: 'question:tagged', data: { questionId, tag } };
}

async function detachTag(trx: Executor, questionId: string, tag: Tag): Promise<LatestEvent> {
  const result = await trx
    .deleteFrom('questionTags')
    .where('questionId', '=', questionId)
    .where('tagId', '=', tag.id)
    .executeTakeFirst();
  if (!deleted(result)) throw notFound('The question does not have this tag');
  return { type: 'question:untagged', data: { questionId, tagId: tag.id } };
}

/** Adds (`tagged`) or removes a tenant tag on a question. */
export function setQuestionTag(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionTagInput>,
  tagged: boolean,
): Promise<Question> {
  return changeQuestion(db, access, input.questionId, async (trx, question) => {
    const tag = await tenantTag(trx, access.tenant.id, input.tagId);
    const event = await (tagged ? attachTag : detachTag)(trx, question.id, tag);
    return { event, result: await toQuestion(trx, question) };
  });
}

export function pinQuestion(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionPinInput>,
): Promise<Question> {
  return changeQuestion(db, access, input.questionId, async (trx, question) => {
    checkCanModerate(question, 'pin');
    const pinnedAt = input.pinned ? new Date().toISOString() : null;
    await trx.updateTable('questions').set({ pinnedAt }).where('id', '=', question.id).execute();
    return {
      event: { type: 'question:pinned', data: { questionId: question.id, pinned: input.pinned } },
      result: await toQuestion(trx, { ...question, pinnedAt }),
    };
  });
}

/** Publishes a question awaiting review: for everyone else it is created now. */
export function approveQuestion(db: Database, access: TenantAccess, questionId: string): Promise<Question> {
  return changeQuestion(db, access, questionId, async (trx, question) => {
    checkAwaitingReview(question);
    const approved = { ...question, status: 'OPEN' as const };
    await trx
      .updateTable('questions')
      .set({ status: approved.status })
      .where('id', '=', question.id)
      .execute();
    return { event: createdEvent(approved), audience: 'all', result: await toQuestion(trx, approved) };
  });
}

/**
 * Rejects a question awaiting review, or takes down a published one: it is gone for everyone with its
 * upvotes, tags and pin, but its author still finds it, marked rejected, in their own list.
 */
export function rejectQuestion(
  db: Database,
  access: TenantAccess,
  questionId: string,
): Promise<{ questionId: string }> {
  return changeQuestion(db, access, questionId, async (trx, question) => {
    await trx.deleteFrom('upvotes').where('questionId', '=', question.id).execute();
    await trx.deleteFrom('questionTags').where('questionId', '=', question.id).execute();
    await trx
      .updateTable('questions')
      .set({ rejectedAt: new Date().toISOString(), pinnedAt: null })
      .where('id', '=', question.id)
      .execute();
    return { event: { type: 'question:removed', data: { questionId } }, result: { questionId } };
  });
}

export async function queueState(db: Database, access: TenantAccess): Promise<QueueSnapshot> {
  const sequence = await lastSequence(db, access.tenant.id);
  const pinned = await db
    .selectFrom('questions')
    .select(['id', 'status'])
    .where('tenantId', '=', access.tenant.id)
    .where('pinnedAt', 'is not', null)
    .orderBy('pinnedAt', 'desc')
    .execute();
  return {
    frozen: await isFrozen(db, access.tenant.id),
    pinnedQuestionIds: pinned
      .filter((row) => row.status !== 'UNDER_REVIEW' || isModerator(access.actor))
      .map((row) => row.id),
    sequence,
  };
}

export async function freezeQueue(db: Database, access: TenantAccess, frozen: boolean): Promise<QueueState> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('queueStates')
      .set({ frozen: frozen ? 1 : 0 })
      .where('tenantId', '=', access.tenant.id)
      .execute();
    await appendEvent(trx, access.tenant.id, { type: 'question:frozen', data: { frozen } }, 'all');
  });
  return queueState(db, access);
}
