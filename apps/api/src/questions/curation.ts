import type {
  LatestEvent,
  Meeting,
  Question,
  questionEditInput,
  questionTagInput,
  Tag,
} from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Database, Executor } from '../db/schema.js';
import { conflict, type DomainError, notFound } from '../errors.js';
import { changeQuestion, type QuestionEvent, type QuestionRef } from './change.js';
import { deleteQuestion, updateQuestion } from './changes-repository.js';
import { needsReview } from './content-filter.js';
import { pendingEvent, removedEvent } from './events.js';
import { redactQuestionText } from './redaction.js';
import { type QuestionRow, toQuestion } from './repository.js';
import {
  checkBodyLength,
  checkCanEdit,
  checkCanHide,
  checkCanRestore,
  checkCanWithdraw,
  isModerator,
} from './rules.js';
import { attachTag, detachTag, findTenantTag } from './tags-repository.js';

// Curating a question: its wording, whether it is shown, its tags, and its author taking it back.

/**
 * Whether an edit by this actor sends the question back to review: an author's, when approval is on or
 * the new text trips the content filter. Moderators' wording is never filtered.
 */
async function editNeedsReview(
  trx: Executor,
  access: TenantAccess,
  question: QuestionRow,
  meeting: Meeting,
  body: string,
): Promise<boolean> {
  if (isModerator(access.actor) || question.status !== 'OPEN') return false;
  return meeting.effective.requireApproval || (await needsReview(trx, access.tenant.id, body));
}

/**
 * Changes the question's text. An author's edit of a published question, when the meeting requires
 * approval or the content filter matches the new text, takes it down for everyone and puts it back
 * under review.
 */
export function editQuestion(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionEditInput>,
): Promise<Question> {
  checkBodyLength(input.body, access.tenant.settings);
  return changeQuestion(db, access, input, async (trx, question, meeting) => {
    checkCanEdit(question, access.actor, meeting);
    const backToReview = await editNeedsReview(trx, access, question, meeting, input.body);
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
    await redactQuestionText(trx, access.tenant.id, question);
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
