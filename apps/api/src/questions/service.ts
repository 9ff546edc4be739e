import type {
  LatestEvent,
  OwnQuestionPage,
  Question,
  QuestionListInput,
  QuestionPage,
  questionAnswerInput,
  questionMineInput,
  questionPinInput,
  questionSubmitInput,
  questionTagInput,
  UpvoteResult,
} from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Database, Executor } from '../db/schema.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { lastSequence } from '../events/outbox/reader.js';
import { type Audience, appendEvent, reserveSequence } from '../events/outbox/writer.js';
import { teamExists } from '../tenants/repository.js';
import {
  deleteUpvote,
  insertQuestion,
  insertUpvote,
  markRejected,
  updateQuestion,
} from './changes-repository.js';
import { answeredEvent, createdEvent, pendingEvent } from './events.js';
import { isFrozen } from './queue-repository.js';
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
  statusOnSubmit,
} from './rules.js';
import { attachTag, detachTag, findTenantTag } from './tags-repository.js';

/** A question the actor may see, or "not found": others' hidden questions do not exist for them. */
async function visibleQuestion(db: Executor, access: TenantAccess, questionId: string): Promise<QuestionRow> {
  const question = await findQuestion(db, access.tenant.id, questionId, access.actor.id);
  if (!question || !canSee(question, access.actor)) throw notFound('Question not found');
  return question;
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
    if (input.teamId && !(await teamExists(trx, tenant.id, input.teamId))) {
      throw badRequest('teamId: is not a team of this organization');
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
    await insertQuestion(trx, tenant.id, row);
    const event = row.status === 'UNDER_REVIEW' ? pendingEvent(row) : createdEvent(row);
    await appendEvent(trx, tenant.id, event, audienceOf(row.status));
    return toQuestion(trx, row);
  });
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
    if (!(await insertUpvote(trx, questionId, access.actor.id))) {
      throw conflict('You have already upvoted this question');
    }
    return upvoteCountChanged(trx, access, questionId, true);
  });
}

export function removeUpvote(db: Database, access: TenantAccess, questionId: string): Promise<UpvoteResult> {
  return changeQuestion(db, access, questionId, async (trx) => {
    if (!(await deleteUpvote(trx, questionId, access.actor.id))) {
      throw notFound('You have not upvoted this question');
    }
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
    const { status, responseText, answeredAt } = answered;
    await updateQuestion(trx, question.id, { status, responseText, answeredAt });
    return { event: answeredEvent(answered), result: await toQuestion(trx, answered) };
  });
}

async function tenantTag(db: Executor, tenantId: string, tagId: string) {
  const tag = await findTenantTag(db, tenantId, tagId);
  if (!tag) throw notFound('Tag not found');
  return tag;
}

export function tagQuestion(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionTagInput>,
): Promise<Question> {
  return changeQuestion(db, access, input.questionId, async (trx, question) => {
    const tag = await tenantTag(trx, access.tenant.id, input.tagId);
    if (!(await attachTag(trx, question.id, tag.id))) throw conflict('The question already has this tag');
    return {
      event: { type: 'question:tagged', data: { questionId: question.id, tag } },
      result: await toQuestion(trx, question),
    };
  });
}

export function untagQuestion(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionTagInput>,
): Promise<Question> {
  return changeQuestion(db, access, input.questionId, async (trx, question) => {
    const tag = await tenantTag(trx, access.tenant.id, input.tagId);
    if (!(await detachTag(trx, question.id, tag.id))) throw notFound('The question does not have this tag');
    return {
      event: { type: 'question:untagged', data: { questionId: question.id, tagId: tag.id } },
      result: await toQuestion(trx, question),
    };
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
    await updateQuestion(trx, question.id, { pinnedAt });
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
    await updateQuestion(trx, question.id, { status: approved.status });
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
    await markRejected(trx, question.id);
    return { event: { type: 'question:removed', data: { questionId } }, result: { questionId } };
  });
}
