import type { MeetingState, QuestionStatus, TenantSettings } from '@pulsestage/contracts';
import type { Actor } from '../auth/access.js';
import { hasPermission } from '../auth/permissions.js';
import { badRequest, conflict, forbidden, notFound, preconditionFailed } from '../errors.js';
import type { Audience } from '../events/outbox/writer.js';

interface QuestionFacts {
  authorId: string;
  status: QuestionStatus;
  hiddenAt: string | null;
  answeredAt: string | null;
}

interface MeetingFacts {
  state: MeetingState;
  paused: boolean;
}

export const isModerator = (actor: Actor) => hasPermission(actor.role, 'moderate');

/**
 * Hidden questions are seen only by moderators; questions under review only by moderators and by
 * their author.
 */
export function canSee(question: QuestionFacts, actor: Actor): boolean {
  if (isModerator(actor)) return true;
  if (question.hiddenAt !== null) return false;
  return question.status !== 'UNDER_REVIEW' || question.authorId === actor.id;
}

/**
 * The question if the actor may see it. A question they may not see is "not found" with the same
 * message as an id that exists nowhere.
 */
export function visibleTo<Q extends QuestionFacts>(question: Q | undefined, actor: Actor): Q {
  if (!question || !canSee(question, actor)) throw notFound('Question not found');
  return question;
}

/** Anything about a question under review, or hidden, reaches moderators only. */
export function audienceOf(question: Pick<QuestionFacts, 'status' | 'hiddenAt'>): Audience {
  return question.status === 'UNDER_REVIEW' || question.hiddenAt !== null ? 'moderators' : 'all';
}

export function statusOnSubmit(requireApproval: boolean): QuestionStatus {
  return requireApproval ? 'UNDER_REVIEW' : 'OPEN';
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

const NOT_OPEN: Record<Exclude<MeetingState, 'open'>, string> = {
  scheduled: 'The meeting is scheduled: it has not opened yet',
  closed: 'The meeting is closed: it is an archive now',
};

/** Submits, upvotes and authors' changes happen only while the meeting is open. */
export function checkMeetingOpen(meeting: MeetingFacts, refused: string): void {
  if (meeting.state !== 'open') throw preconditionFailed(`${NOT_OPEN[meeting.state]}, ${refused}`);
}

export function checkAcceptsQuestions(meeting: MeetingFacts): void {
  checkMeetingOpen(meeting, 'so it does not accept questions');
  if (meeting.paused) {
    throw preconditionFailed('The meeting is paused: new questions are not accepted right now');
  }
}

export function checkAcceptsVotes(meeting: MeetingFacts): void {
  checkMeetingOpen(meeting, 'so votes cannot change');
}

export function checkCanUpvote(question: QuestionFacts, actor: Actor): void {
  if (question.authorId === actor.id) throw forbidden('You cannot upvote your own question');
  if (question.status !== 'OPEN') throw preconditionFailed('Only open questions can be upvoted');
  if (question.hiddenAt !== null) throw preconditionFailed('Hidden questions cannot be upvoted');
}

/** Authors change their own question only while it is still waiting: open or under review, unanswered. */
function checkAuthorMayChange(question: QuestionFacts, actor: Actor, verb: string, participle: string) {
  if (question.authorId !== actor.id) throw forbidden(`Only its author can ${verb} this question`);
  if (question.status === 'ANSWERED' || question.answeredAt !== null) {
    throw preconditionFailed(`An answered question cannot be ${participle}`);
  }
}

/** Moderators edit any time, the meeting closed or not; authors only while their question waits. */
export function checkCanEdit(question: QuestionFacts, actor: Actor, meeting: MeetingFacts): void {
  if (isModerator(actor)) return;
  checkAuthorMayChange(question, actor, 'edit', 'edited');
  checkMeetingOpen(meeting, 'so its questions cannot be edited');
}

export function checkCanWithdraw(question: QuestionFacts, actor: Actor, meeting: MeetingFacts): void {
  checkAuthorMayChange(question, actor, 'withdraw', 'withdrawn');
  if (meeting.state === 'closed') throw preconditionFailed(`${NOT_OPEN.closed}, so its questions stay`);
}

export function checkCanHide(question: QuestionFacts): void {
  if (question.status === 'UNDER_REVIEW') {
    throw preconditionFailed('The question is under review: approve or reject it first');
  }
  if (question.hiddenAt !== null) throw conflict('The question is already hidden');
}

export function checkCanRestore(question: QuestionFacts): void {
  if (question.hiddenAt === null) throw conflict('The question is not hidden');
}

export function checkCanReopen(question: QuestionFacts): void {
  if (question.status !== 'ANSWERED') throw preconditionFailed('Only answered questions can be reopened');
}

export function checkCanModerate(question: QuestionFacts, action: string): void {
  if (question.status === 'UNDER_REVIEW') {
    throw preconditionFailed(`Approve the question before you ${action} it`);
  }
}

export function checkAwaitingReview(question: QuestionFacts): void {
  if (question.status !== 'UNDER_REVIEW') throw preconditionFailed('The question is not awaiting review');
}

export function checkCanList(filters: { status?: QuestionStatus; hidden?: boolean }, actor: Actor): void {
  if (isModerator(actor)) return;
  if (filters.status === 'UNDER_REVIEW') throw forbidden('Only moderators can list questions under review');
  if (filters.hidden) throw forbidden('Only moderators can list hidden questions');
}

/** What merging needs to know of each question. */
interface MergeFacts extends QuestionFacts {
  id: string;
  meetingId: string;
}

/** Only an open, shown question can be merged, or merged into. */
function checkMergeable(question: MergeFacts, which: string): void {
  if (question.status === 'UNDER_REVIEW') {
    throw preconditionFailed(`${which} is under review: approve or reject it first`);
  }
  if (question.hiddenAt !== null) throw preconditionFailed(`${which} is hidden: restore it first`);
  if (question.status !== 'OPEN') throw preconditionFailed(`${which} is answered: only open questions merge`);
}

/**
 * A duplicate merges into another open question of its own meeting. `target` is undefined when no
 * question of the tenant has that id, or it was rejected or merged itself.
 */
export function checkCanMerge(duplicate: MergeFacts, target: MergeFacts | undefined): MergeFacts {
  if (duplicate.id === target?.id)
    throw badRequest('intoQuestionId: a question cannot be merged into itself');
  if (!target) throw notFound('The question to merge into was not found');
  if (target.meetingId !== duplicate.meetingId) {
    throw badRequest('intoQuestionId: is a question of another meeting');
  }
  checkMergeable(duplicate, 'The question');
  checkMergeable(target, 'The question to merge into');
  return target;
}
