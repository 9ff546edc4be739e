import type {
  LatestEvent,
  Meeting,
  OwnQuestionPage,
  Question,
  QuestionListInput,
  QuestionPage,
  questionAnswerInput,
  questionEditInput,
  questionInput,
  questionMineInput,
  questionPinInput,
  questionSubmitInput,
  questionTagInput,
  Tag,
  UpvoteResult,
} from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Database, Executor } from '../db/schema.js';
import { badRequest, conflict, type DomainError, notFound } from '../errors.js';
import { lastSequence } from '../events/outbox/reader.js';
import { type Audience, appendEvent, reserveSequence } from '../events/outbox/writer.js';
import { lockMeeting, recordVisitor } from '../meetings/repository.js';
import { teamExists } from '../tenants/repository.js';
import {
  deleteQuestion,
  deleteUpvote,
  insertQuestion,
  insertUpvote,
  markRejected,
  updateQuestion,
} from './changes-repository.js';
import { answeredEvent, createdEvent, pendingEvent, removedEvent } from './events.js';
import { meetingInTenant, scopeOf } from './meeting-access.js';
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
  checkAcceptsQuestions,
  checkAcceptsVotes,
  checkAwaitingReview,
  checkBodyLength,
  checkCanEdit,
  checkCanHide,
  checkCanList,
  checkCanModerate,
  checkCanReopen,
  checkCanRestore,
  checkCanUpvote,
  checkCanWithdraw,
  isModerator,
  statusOnSubmit,
} from './rules.js';
import { attachTag, detachTag, findTenantTag } from './tags-repository.js';

/** A question named by its meeting and id, as every question procedure takes it. */
type QuestionRef = z.infer<typeof questionInput>;

/**
 * The question if the actor may see it, with its meeting. A meeting of another tenant, a question of
 * another meeting and a question hidden from the actor are "not found" like ids that exist nowhere.
 */
async function visibleQuestion(db: Executor, access: TenantAccess, ref: QuestionRef) {
  const meeting = await meetingInTenant(db, access, ref.meetingId);
  const question = await findQuestion(db, scopeOf(access, ref.meetingId), ref.questionId, access.actor.id);
  if (!question || !canSee(question, access.actor)) throw notFound('Question not found');
  return { meeting, question };
}

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

function newQuestion(access: TenantAccess, meeting: Meeting, input: z.infer<typeof questionSubmitInput>) {
  return {
    id: crypto.randomUUID(),
    meetingId: meeting.id,
    teamId: input.teamId,
    authorId: access.actor.id,
    body: input.body,
    status: statusOnSubmit(meeting.effective.requireApproval),
    responseText: null,
    answeredAt: null,
    pinnedAt: null,
    submittedAt: new Date().toISOString(),
    upvoteCount: 0,
    upvotedByMe: false,
    mine: true,
    rejectedAt: null,
    hiddenAt: null,
    editedAt: null,
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
    const row = newQuestion(access, meeting, input);
    await insertQuestion(trx, tenant.id, row);
    await recordVisitor(trx, meeting.id, access.actor.id);
    const event = row.status === 'UNDER_REVIEW' ? pendingEvent(row) : createdEvent(row);
    await appendEvent(trx, tenant.id, event, audienceOf(row));
    return toQuestion(trx, row);
  });
}

interface QuestionEvent {
  event: LatestEvent;
  /** Defaults to the audience of the question as it was before the change. */
  audience?: Audience;
  /** The event's sequence, when the change reserved it before reading what the event reports. */
  seq?: number;
}

interface QuestionChange<R> {
  events: QuestionEvent[];
  result: R;
}

/**
 * Runs a change to one question the actor can see, in a transaction that also records the events the
 * change returns. They reach moderators only while the question is under review or hidden. Changes of
 * one question, its rejection included, run one after the other: a change that comes second to a
 * rejection finds no question (NOT_FOUND) rather than writing about one that is gone.
 */
async function changeQuestion<R>(
  db: Database,
  access: TenantAccess,
  ref: QuestionRef,
  change: (trx: Executor, question: QuestionRow, meeting: Meeting) => Promise<QuestionChange<R>>,
): Promise<R> {
  return db.transaction().execute(async (trx) => {
    await lockQuestion(trx, access.tenant.id, ref.questionId);
    const { meeting, question } = await visibleQuestion(trx, access, ref);
    const { events, result } = await change(trx, question, meeting);
    for (const { event, audience = audienceOf(question), seq } of events) {
      await appendEvent(trx, access.tenant.id, event, audience, seq);
    }
    return result;
  });
}

/** Counts after reserving the event's sequence, so the count in the event matches its place in it. */
async function upvoteCountChanged(
  trx: Executor,
  access: TenantAccess,
  question: QuestionRow,
  upvotedByMe: boolean,
): Promise<QuestionChange<UpvoteResult>> {
  const seq = await reserveSequence(trx, access.tenant.id);
  const questionId = question.id;
  const upvoteCount = await countUpvotes(trx, questionId);
  const event: LatestEvent = {
    type: 'question:upvoted',
    data: { meetingId: question.meetingId, questionId, upvoteCount },
  };
  return { events: [{ event, seq }], result: { questionId, upvoteCount, upvotedByMe } };
}

export function upvote(db: Database, access: TenantAccess, ref: QuestionRef): Promise<UpvoteResult> {
  return changeQuestion(db, access, ref, async (trx, question, meeting) => {
    checkAcceptsVotes(meeting);
    checkCanUpvote(question, access.actor);
    if (!(await insertUpvote(trx, question.id, access.actor.id))) {
      throw conflict('You have already upvoted this question');
    }
    await recordVisitor(trx, meeting.id, access.actor.id);
    return upvoteCountChanged(trx, access, question, true);
  });
}

export function removeUpvote(db: Database, access: TenantAccess, ref: QuestionRef): Promise<UpvoteResult> {
  return changeQuestion(db, access, ref, async (trx, question, meeting) => {
    checkAcceptsVotes(meeting);
    if (!(await deleteUpvote(trx, question.id, access.actor.id))) {
      throw notFound('You have not upvoted this question');
    }
    return upvoteCountChanged(trx, access, question, false);
  });
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
    const answered = await writeAnswer(trx, question, {
      status: 'ANSWERED' as const,
      responseText: input.responseText,
      answeredAt: question.answeredAt ?? new Date().toISOString(),
    });
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

/** Whether an edit by this actor sends the question back to review: an author's, when approval is on. */
function editNeedsReview(access: TenantAccess, question: QuestionRow, meeting: Meeting): boolean {
  return !isModerator(access.actor) && question.status === 'OPEN' && meeting.effective.requireApproval;
}

/**
 * Changes the question's text. An author's edit of a published question, when the meeting requires
 * approval, takes it down for everyone and puts it back under review.
 */
export function editQuestion(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionEditInput>,
): Promise<Question> {
  checkBodyLength(input.body, access.tenant.settings);
  return changeQuestion(db, access, input, async (trx, question, meeting) => {
    checkCanEdit(question, access.actor, meeting);
    const backToReview = editNeedsReview(access, question, meeting);
    const edited: QuestionRow = {
      ...question,
      body: input.body,
      editedAt: new Date().toISOString(),
      status: backToReview ? 'UNDER_REVIEW' : question.status,
    };
    const { body, editedAt, status } = edited;
    await updateQuestion(trx, question.id, { body, editedAt, status });
    const events: QuestionEvent[] = backToReview
      ? [
          { event: removedEvent(edited), audience: 'all' },
          { event: pendingEvent(edited), audience: 'moderators' },
        ]
      : [
          {
            event: {
              type: 'question:edited',
              data: { meetingId: question.meetingId, questionId: question.id, body },
            },
          },
        ];
    return { events, result: await toQuestion(trx, edited) };
  });
}

/** Hides a published question from everyone but moderators, or brings it back. */
function setHidden(hidden: boolean) {
  return (db: Database, access: TenantAccess, ref: QuestionRef): Promise<Question> =>
    changeQuestion(db, access, ref, async (trx, question) => {
      if (hidden) checkCanHide(question);
      else checkCanRestore(question);
      const hiddenAt = hidden ? new Date().toISOString() : null;
      await updateQuestion(trx, question.id, { hiddenAt });
      const event: LatestEvent = {
        type: hidden ? 'question:hidden' : 'question:restored',
        data: { meetingId: question.meetingId, questionId: question.id },
      };
      return {
        events: [{ event, audience: 'all' }],
        result: await toQuestion(trx, { ...question, hiddenAt }),
      };
    });
}

export const hideQuestion = setHidden(true);
export const restoreQuestion = setHidden(false);

/** The author takes back a question nobody has answered: it is deleted with its upvotes and tags. */
export function withdrawQuestion(
  db: Database,
  access: TenantAccess,
  ref: QuestionRef,
): Promise<{ questionId: string }> {
  return changeQuestion(db, access, ref, async (trx, question, meeting) => {
    checkCanWithdraw(question, access.actor, meeting);
    await deleteQuestion(trx, question.id);
    return { events: [{ event: removedEvent(question) }], result: { questionId: question.id } };
  });
}

async function tenantTag(db: Executor, tenantId: string, tagId: string) {
  const tag = await findTenantTag(db, tenantId, tagId);
  if (!tag) throw notFound('Tag not found');
  return tag;
}

interface TagChange {
  /** False when there was nothing to change. */
  apply: (trx: Executor, questionId: string, tagId: string) => Promise<boolean>;
  unchanged: () => DomainError;
  event: (question: QuestionRow, tag: Tag) => LatestEvent;
}

function changeTags({ apply, unchanged, event }: TagChange) {
  return (db: Database, access: TenantAccess, input: z.infer<typeof questionTagInput>): Promise<Question> =>
    changeQuestion(db, access, input, async (trx, question) => {
      const tag = await tenantTag(trx, access.tenant.id, input.tagId);
      if (!(await apply(trx, question.id, tag.id))) throw unchanged();
      return { events: [{ event: event(question, tag) }], result: await toQuestion(trx, question) };
    });
}

export const tagQuestion = changeTags({
  apply: attachTag,
  unchanged: () => conflict('The question already has this tag'),
  event: (question, tag) => ({
    type: 'question:tagged',
    data: { meetingId: question.meetingId, questionId: question.id, tag },
  }),
});

export const untagQuestion = changeTags({
  apply: detachTag,
  unchanged: () => notFound('The question does not have this tag'),
  event: (question, tag) => ({
    type: 'question:untagged',
    data: { meetingId: question.meetingId, questionId: question.id, tagId: tag.id },
  }),
});

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
    return { events: [{ event: removedEvent(question) }], result: { questionId: question.id } };
  });
}
