import type { StreamEvent } from '@pulsestage/client';

/** One line for an event, as a person would want to read it in a terminal. */
export function describeEvent(event: StreamEvent): string {
  switch (event.type) {
    case 'question:created':
      return `new question ${event.data.id}: ${JSON.stringify(event.data.body)}`;
    case 'question:upvoted':
      return `question ${event.data.questionId} now has ${event.data.upvoteCount} upvote(s)`;
    case 'question:answered':
      return `question ${event.data.id} answered: ${JSON.stringify(event.data.responseText)}`;
    case 'question:pinned':
      return `question ${event.data.questionId} ${event.data.pinned ? 'pinned' : 'unpinned'}`;
    case 'question:frozen':
      return event.data.frozen ? 'the queue is frozen' : 'the queue is open again';
    case 'question:removed':
      return `question ${event.data.questionId} removed`;
    case 'stream:resync':
      return `missed too much to replay (${event.data.reason}): a service keeping state would refetch it now`;
    default:
      return `${event.type} ${JSON.stringify(event.data)}`;
  }
}
