import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from './catalog.js';
import { conflate, conflationKey, enqueueConflated, streamConflationKey } from './conflation.js';

const tenantId = randomUUID();
const meetingId = randomUUID();
const [first, second] = [randomUUID(), randomUUID()];

interface Item {
  id: string;
  event: { type: string; data: unknown };
}

const upvoted = (id: number, questionId: string, upvoteCount: number): Item => ({
  id: String(id),
  event: { type: 'question:upvoted.v2', data: { meetingId, questionId, upvoteCount } },
});
const answered = (id: number, questionId: string): Item => ({
  id: String(id),
  event: { type: 'question:answered.v3', data: { id: questionId, status: 'ANSWERED' } },
});
const keyOf = (item: Item) => streamConflationKey(item.event);
const ids = (items: readonly Item[]) => items.map((item) => item.id);

describe('conflation', () => {
  it('conflates only upvote counts among the stored families, keyed by question', () => {
    const conflated = EVENT_TYPES.filter((type) => conflationKey(type, { questionId: first }) !== undefined);
    expect(conflated).toEqual(['question:upvoted']);
    expect(conflationKey('question:upvoted', { questionId: first })).not.toBe(
      conflationKey('question:upvoted', { questionId: second }),
    );
  });

  it('reads the family of every version of a wire event, and the meeting of a presence count', () => {
    const bare = { type: 'question:upvoted', data: { questionId: first, upvoteCount: 1 } };
    const v2 = { type: 'question:upvoted.v2', data: { meetingId, questionId: first, upvoteCount: 2 } };
    expect(streamConflationKey(bare)).toBe(streamConflationKey(v2));
    const presence = { type: 'meeting:presence.v1', tenantId, data: { meetingId, watching: 3 } };
    expect(streamConflationKey(presence)).toBe(`meeting:presence|${meetingId}`);
    expect(streamConflationKey({ type: 'heartbeat', data: { timestamp: 1 } })).toBeUndefined();
  });

  it('keeps the newest count of each question with its id, and every other event, in order', () => {
    const items = [
      upvoted(1, first, 1),
      upvoted(2, second, 1),
      answered(3, first),
      upvoted(4, first, 2),
      upvoted(5, first, 3),
      upvoted(6, second, 0),
    ];
    const kept = conflate(items, keyOf);
    expect(ids(kept)).toEqual(['3', '5', '6']);
    expect(kept.map((item) => (item.event.data as { upvoteCount?: number }).upvoteCount)).toEqual([
      undefined,
      3,
      0,
    ]);
  });

  it('hands back the same list when nothing is superseded', () => {
    const items = [upvoted(1, first, 1), upvoted(2, second, 1), answered(3, first)];
    expect(conflate(items, keyOf)).toBe(items);
  });

  it('replaces a queued count with a newer one, at the end of the queue so ids still rise', () => {
    const queue = [upvoted(1, first, 1), answered(2, second)];
    expect(enqueueConflated(queue, upvoted(3, first, 2), keyOf)).toBe(true);
    expect(ids(queue)).toEqual(['2', '3']);
    expect(enqueueConflated(queue, upvoted(4, second, 1), keyOf)).toBe(false);
    expect(ids(queue)).toEqual(['2', '3', '4']);
  });
});
