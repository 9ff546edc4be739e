import type { QuestionStatus, TenantSettings } from '@pulsestage/contracts';
import type { Actor } from '../auth/access.js';
import { hasPermission } from '../auth/permissions.js';
import { badRequest, forbidden, preconditionFailed } from '../errors.js';
import type { Audience } from '../events/outbox/writer.js';

interface QuestionFacts {
  authorId: string;
  status: QuestionStatus;
}

export const isModerator = (actor: Actor) => hasPermission(actor.role, 'moderate');

/** Questions under review are seen only by moderators and by their author. */
export function canSee(question: QuestionFacts, actor: Actor): boolean {
  return question.status !== 'UNDER_REVIEW' || isModerator(actor) || question.authorId === actor.id;
}

/** Anything about a question under review reaches moderators only. */
export function audienceOf(status: QuestionStatus): Audience {
  return status === 'UNDER_REVIEW' ? 'moderators' : 'all';
}

export function statusOnSubmit(settings: TenantSettings): QuestionStatus {
  return settings.requireApproval ? 'UNDER_REVIEW' : 'OPEN';
}

export function checkBodyLength(body: string, settings: TenantSettings): void {
  const length = [...body].length;
  if (length < settings.minQuestionLength) {
    throw badRequest(`body: must be at least ${settings.minQuestionLength} characters`);
  }
  if (length > settings.maxQuestionLength) {
    throw badRequest(`body: must be at most ${settings.maxQuestionLength} characters`);
  }
}

export function checkQueueOpen(frozen: boolean): void {
  if (frozen) throw preconditionFailed('The queue is frozen: new questions are not accepted right now');
}

export function checkCanUpvote(question: QuestionFacts, actor: Actor): void {
  if (question.authorId === actor.id) throw forbidden('You cannot upvote your own question');
  if (question.status !== 'OPEN') throw preconditionFailed('Only open questions can be upvoted');
}

export function checkCanModerate(question: QuestionFacts, action: string): void {
  if (question.status === 'UNDER_REVIEW') {
    throw preconditionFailed(`Approve the question before you ${action} it`);
  }
}

export function checkAwaitingReview(question: QuestionFacts): void {
  if (question.status !== 'UNDER_REVIEW') throw preconditionFailed('The question is not awaiting review');
}

export function checkCanListStatus(status: QuestionStatus | undefined, actor: Actor): void {
  if (status === 'UNDER_REVIEW' && !isModerator(actor)) {
    throw forbidden('Only moderators can list questions under review');
  }
}
