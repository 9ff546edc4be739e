import type { QueueState, StreamEvent } from '@pulsestage/contracts';

/** What the event makes of the queue state: frozen, and the pinned questions, most recently pinned first. */
export function applyToQueue(state: QueueState, event: StreamEvent): QueueState {
  switch (event.type) {
    case 'question:frozen':
      return { ...state, frozen: event.data.frozen };
    case 'question:pinned': {
      const others = state.pinnedQuestionIds.filter((id) => id !== event.data.questionId);
      return { ...state, pinnedQuestionIds: event.data.pinned ? [event.data.questionId, ...others] : others };
    }
    case 'question:removed':
      return {
        ...state,
        pinnedQuestionIds: state.pinnedQuestionIds.filter((id) => id !== event.data.questionId),
      };
    default:
      return state;
  }
}
