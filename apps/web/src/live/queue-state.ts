import type { QueueState, StreamEvent } from '@pulsestage/contracts';

/** What the event makes of a meeting's queue state: paused, and the pinned questions, most recently pinned first. */
export function applyToQueue(state: QueueState, event: StreamEvent): QueueState {
  switch (event.type) {
    case 'question:frozen.v2':
      return { ...state, frozen: event.data.frozen };
    case 'question:pinned.v2': {
      const others = state.pinnedQuestionIds.filter((id) => id !== event.data.questionId);
      return { ...state, pinnedQuestionIds: event.data.pinned ? [event.data.questionId, ...others] : others };
    }
    case 'question:removed.v2':
    case 'question:hidden.v1':
      return {
        ...state,
        pinnedQuestionIds: state.pinnedQuestionIds.filter((id) => id !== event.data.questionId),
      };
    default:
      return state;
  }
}
