import type { LatestEvent } from '@pulsestage/contracts';
import type { QuestionRow } from './repository.js';

export function createdEvent(question: QuestionRow): LatestEvent {
  return {
    type: 'question:created',
    data: {
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
      id: question.id,
      body: question.body,
      teamId: question.teamId,
      submittedAt: question.submittedAt,
    },
  };
}

export function answeredEvent(
  question: QuestionRow & { responseText: string; answeredAt: string },
): LatestEvent {
  return {
    type: 'question:answered',
    data: {
      id: question.id,
      status: 'ANSWERED',
      responseText: question.responseText,
      answeredAt: question.answeredAt,
      teamId: question.teamId,
    },
  };
}
