import type {
  LatestEvent,
  Meeting,
  OwnQuestionPage,
  Question,
  QuestionListInput,
  QuestionPage,
  questionAnswerInput,
  questionMineInput,
  questionPinInput,
  questionSubmitInput,
  UpvoteResult,
} from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Database, Executor } from '../db/schema.js';
import { badRequest } from '../errors.js';
import { lastSequence } from '../events/outbox/reader.js';
import { appendEvent } from '../events/outbox/writer.js';
import { lockMeeting, recordVisitor } from '../meetings/repository.js';
import { insertNotification } from '../notifications/repository.js';
import { teamExists } from '../tenants/repository.js';
import { changeQuestion, type QuestionRef, visibleQuestion } from './change.js';
import { insertQuestion, markRejected, updateQuestion } from './changes-repository.js';
import { needsReview } from './content-filter.js';
import { checkNotAskedBefore } from './duplicates.js';
import { answeredEvent, createdEvent, pendingEvent, removedEvent } from './events.js';
import { meetingInTenant, scopeOf } from './meeting-access.js';
import { redactQuestionText } from './redaction.js';
import {
  listAuthoredQuestions,
  listQuestions,
  type QuestionRow,
  toOwnQuestions,
  toQuestion,
  toQuestions,
} from './repository.js';
import {
  audienceOf,
  checkAcceptsQuestions,
  checkAwaitingReview,
  checkBodyLength,
  checkCanList,
  checkCanModerate,
  checkCanReopen,
  statusOnSubmit,
} from './rules.js';
import { commitVote } from './votes.js';

export async function listMeetingQuestions(
  db: Database,
  access: TenantAccess,
  input: QuestionListInput,
): Promise<QuestionPage> {
  checkCanList(input, access.actor);
  // Read before the data, so the page reflects at least this position of the tenant's stream.
  const sequence = await lastSequence(db, access.tenant.id);
  await meetingInTenant(db, access, input.meetingId);
  const statuses = input.status ? [input.status] : (['OPEN', 'ANSWERED'] as const);
  const { rows, nextCursor } = await listQuestions(db, scopeOf(access, input.meetingId), access.actor.id, {
    ...input,
    statuses: [...statuses],
    hidden: input.hidden ?? false,
  });
  return { items: await toQuestions(db, rows), nextCursor, sequence };
}

export async function getVisibleQuestion(
  db: Database,
  access: TenantAccess,
  ref: QuestionRef,
): Promise<Question> {
  return toQuestion(db, (await visibleQuestion(db, access, ref)).question);
}

export async function listMyQuestions(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionMineInput>,
): Promise<OwnQuestionPage> {
  const sequence = await lastSequence(db, access.tenant.id);
  await meetingInTenant(db, access, input.meetingId);
  const scope = scopeOf(access, input.meetingId);
  const { rows, nextCursor } = await listAuthoredQuestions(db, scope, access.actor.id, input);
  return { items: await toOwnQuestions(db, rows), nextCursor, sequence };
}

/** `flagged`: the content filter sends it to review whatever the approval setting says. */
function newQuestion(
  access: TenantAccess,
  meeting: Meeting,
  input: z.infer<typeof questionSubmitInput>,
  flagged: boolean,
) {
  return {
    id: crypto.randomUUID(),
    meetingId: meeting.id,
    teamId: input.teamId,
    authorId: access.actor.id,
    body: input.body,
    status: statusOnSubmit(meeting.effective.requireApproval || flagged),
    responseText: null,
    answeredAt: null,
    pinnedAt: null,
    submittedAt: new Date().toISOString(),
    upvoteCount: 0,
    upvotedByMe: false,
    mine: true,
    notifyWhenAnswered: input.notifyWhenAnswered,
    rejectedAt: null,
    hiddenAt: null,
    editedAt: null,
    mergedAt: null,
    mergedIntoId: null,
  } satisfies QuestionRow;
}

export async function submitQuestion(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionSubmitInput>,
): Promise<Question> {
  const { tenant } = access;
  checkBodyLength(input.body, tenant.settings);
  return db.transaction().execute(async (trx) => {
    // A close racing this submit comes before it (and refuses it) or after it.
    await lockMeeting(trx, tenant.id, input.meetingId);
    const meeting = await meetingInTenant(trx, access, input.meetingId);
    checkAcceptsQuestions(meeting);
    if (input.teamId && !(await teamExists(trx, tenant.id, input.teamId))) {
      throw badRequest('teamId: is not a team of this organization');
    }
    await checkNotAskedBefore(trx, scopeOf(access, meeting.id), access.actor.id, input.body);
    // Its author is answered exactly as when approval is required: never told that a word matched.
    const flagged = await needsReview(trx, tenant.id, input.body);
    const row = newQuestion(access, meeting, input, flagged);
    await insertQuestion(trx, tenant.id, row);
    await recordVisitor(trx, meeting.id, access.actor.id);
    const event = row.status === 'UNDER_REVIEW' ? pendingEvent(row) : createdEvent(row);
    await appendEvent(trx, tenant.id, event, audienceOf(row));
    return toQuestion(trx, row);
  });
}

/** One upvote committed on its own, for callers outside a request (the demo seed). */
export function upvote(db: Database, access: TenantAccess, ref: QuestionRef): Promise<UpvoteResult> {
  return commitVote(db, { access, ref, change: 'upvote' });
}

type AnswerFields = Pick<QuestionRow, 'status' | 'responseText' | 'answeredAt'>;

/** Stores the question's answer fields and returns the question as they leave it. */
async function writeAnswer<A extends AnswerFields>(
  trx: Executor,
  question: QuestionRow,
  answer: A,
): Promise<QuestionRow & A> {
  const { status, responseText, answeredAt } = answer;
  await updateQuestion(trx, question.id, { status, responseText, answeredAt });
  return { ...question, ...answer };
}

/** With `responseText` null the question was answered live, in the room, without text. */
export function answerQuestion(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionAnswerInput>,
): Promise<Question> {
  return changeQuestion(db, access, input, async (trx, question) => {
    checkCanModerate(question, 'answer');
    const answeredAt = question.answeredAt ?? new Date().toISOString();
    const answered = await writeAnswer(trx, question, {
      status: 'ANSWERED' as const,
      responseText: input.responseText,
      answeredAt,
    });
    // Only the first answer tells its author: later edits of the text do not.
    if (question.answeredAt === null)
      await insertNotification(trx, access.tenant.id, question.id, 'answered', answeredAt);
    return { events: [{ event: answeredEvent(answered) }], result: await toQuestion(trx, answered) };
  });
}

/** An answered question is open again, its answer gone. */
export function reopenQuestion(db: Database, access: TenantAccess, ref: QuestionRef): Promise<Question> {
  return changeQuestion(db, access, ref, async (trx, question) => {
    checkCanReopen(question);
    const reopened = await writeAnswer(trx, question, {
      status: 'OPEN',
      responseText: null,
      answeredAt: null,
    });
    const event: LatestEvent = {
      type: 'question:reopened',
      data: { meetingId: question.meetingId, questionId: question.id },
    };
    return { events: [{ event }], result: await toQuestion(trx, reopened) };
  });
}

export function pinQuestion(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionPinInput>,
): Promise<Question> {
  return changeQuestion(db, access, input, async (trx, question) => {
    checkCanModerate(question, 'pin');
    const pinnedAt = input.pinned ? new Date().toISOString() : null;
    await updateQuestion(trx, question.id, { pinnedAt });
    const event: LatestEvent = {
      type: 'question:pinned',
      data: { meetingId: question.meetingId, questionId: question.id, pinned: input.pinned },
    };
    return { events: [{ event }], result: await toQuestion(trx, { ...question, pinnedAt }) };
  });
}

/** Publishes a question awaiting review: for everyone else it is created now. */
export function approveQuestion(db: Database, access: TenantAccess, ref: QuestionRef): Promise<Question> {
  return changeQuestion(db, access, ref, async (trx, question) => {
    checkAwaitingReview(question);
    const approved = { ...question, status: 'OPEN' as const };
    await updateQuestion(trx, question.id, { status: approved.status });
    return {
      events: [{ event: createdEvent(approved), audience: 'all' }],
      result: await toQuestion(trx, approved),
    };
  });
}

/**
 * Rejects a question awaiting review, or takes down a published one: it is gone for everyone with its
 * upvotes, tags and pin, but its author still finds it, marked rejected, in their own list.
 */
export function rejectQuestion(
  db: Database,
  access: TenantAccess,
  ref: QuestionRef,
): Promise<{ questionId: string }> {
  return changeQuestion(db, access, ref, async (trx, question) => {
    await markRejected(trx, question.id);
    await redactQuestionText(trx, access.tenant.id, question);
    return { events: [{ event: removedEvent(question) }], result: { questionId: question.id } };
  });
}
