import type { LatestEvent } from '@pulsestage/contracts';
import type { QuestionRow } from './repository.js';

export function createdEvent(question: QuestionRow): LatestEvent {
  return {
    type: 'question:created',
    data: {
      meetingId: question.meetingId,
      id: question.id,
      body: question.body,
      teamId: question.teamId,
      status: 'OPEN',
      upvoteCount: question.upvoteCount,
      submittedAt: question.submittedAt,
    },
  };
}

export function pendingEvent(question: QuestionRow): LatestEvent {
  return {
    type: 'question:pending',
    data: {
      meetingId: question.meetingId,
      id: question.id,
      body: question.body,
      teamId: question.teamId,
      submittedAt: question.submittedAt,
    },
  };
}

/** What everyone learns of a question they could see when it is taken down or withdrawn. */
export function removedEvent(question: QuestionRow): LatestEvent {
  return { type: 'question:removed', data: { meetingId: question.meetingId, questionId: question.id } };
}

/** `responseText` is null when it was answered live, without text. */
export function answeredEvent(question: QuestionRow & { answeredAt: string }): LatestEvent {
  return {
    type: 'question:answered',
    data: {
      meetingId: question.meetingId,
      id: question.id,
      status: 'ANSWERED',
      responseText: question.responseText,
      answeredAt: question.answeredAt,
      teamId: question.teamId,
    },
  };
}
