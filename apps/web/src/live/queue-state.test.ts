import { randomUUID } from 'node:crypto';
import type { QueueState, StreamEvent } from '@pulsestage/contracts';
import { describe, expect, it } from 'vitest';
import { applyToQueue } from './queue-state';
import { makeEvent, MEETING_ID as meetingId } from './test-data';

const FIRST = randomUUID();
const SECOND = randomUUID();
const THIRD = randomUUID();

function makeState(overrides: Partial<QueueState> = {}): QueueState {
  return Object.freeze({
    frozen: false,
    pinnedQuestionIds: Object.freeze([FIRST, SECOND]) as string[],
    ...overrides,
  });
}

const pinned = (questionId: string, isPinned: boolean) =>
  makeEvent('question:pinned.v2', { meetingId, questionId, pinned: isPinned });
const frozen = (isFrozen: boolean) => makeEvent('question:frozen.v2', { meetingId, frozen: isFrozen });
const removed = (questionId: string) => makeEvent('question:removed.v2', { meetingId, questionId });
const hidden = (questionId: string) => makeEvent('question:hidden.v1', { meetingId, questionId });

describe('applyToQueue', () => {
  describe('question:frozen', () => {
    it('freezes and unfreezes the queue, keeping the pins', () => {
      const open = makeState();
      const frozenState = applyToQueue(open, frozen(true));
      expect(frozenState).toEqual({ frozen: true, pinnedQuestionIds: [FIRST, SECOND] });
      expect(applyToQueue(frozenState, frozen(false))).toEqual({
        frozen: false,
        pinnedQuestionIds: [FIRST, SECOND],
      });
    });

    it('stays frozen when frozen again', () => {
      expect(applyToQueue(makeState({ frozen: true }), frozen(true))).toEqual({
        frozen: true,
        pinnedQuestionIds: [FIRST, SECOND],
      });
    });
  });

  describe('question:pinned', () => {
    it('puts a newly pinned question first', () => {
      expect(applyToQueue(makeState(), pinned(THIRD, true))).toEqual({
        frozen: false,
        pinnedQuestionIds: [THIRD, FIRST, SECOND],
      });
    });

    it('moves a question pinned again to the front without listing it twice', () => {
      expect(applyToQueue(makeState(), pinned(SECOND, true)).pinnedQuestionIds).toEqual([SECOND, FIRST]);
      expect(applyToQueue(makeState(), pinned(FIRST, true)).pinnedQuestionIds).toEqual([FIRST, SECOND]);
    });

    it('pins into an empty queue', () => {
      expect(
        applyToQueue(makeState({ pinnedQuestionIds: [] }), pinned(THIRD, true)).pinnedQuestionIds,
      ).toEqual([THIRD]);
    });

    it('removes an unpinned question and keeps the order of the others', () => {
      const state = makeState({ pinnedQuestionIds: [FIRST, SECOND, THIRD] });
      expect(applyToQueue(state, pinned(SECOND, false))).toEqual({
        frozen: false,
        pinnedQuestionIds: [FIRST, THIRD],
      });
    });

    it('unpinning a question that was not pinned leaves the pins as they were', () => {
      expect(applyToQueue(makeState(), pinned(THIRD, false)).pinnedQuestionIds).toEqual([FIRST, SECOND]);
    });

    it('keeps the frozen flag', () => {
      expect(applyToQueue(makeState({ frozen: true }), pinned(THIRD, true)).frozen).toBe(true);
    });
  });

  describe('question:removed', () => {
    it('drops a removed pinned question', () => {
      expect(applyToQueue(makeState({ frozen: true }), removed(FIRST))).toEqual({
        frozen: true,
        pinnedQuestionIds: [SECOND],
      });
    });

    it('leaves the pins as they were when the removed question was not pinned', () => {
      expect(applyToQueue(makeState(), removed(THIRD))).toEqual({
        frozen: false,
        pinnedQuestionIds: [FIRST, SECOND],
      });
    });
  });

  describe('question:hidden', () => {
    it('drops a hidden pinned question: it leaves every screen', () => {
      expect(applyToQueue(makeState(), hidden(FIRST)).pinnedQuestionIds).toEqual([SECOND]);
    });
  });

  describe('other events', () => {
    const question = {
      id: FIRST,
      body: 'Why?',
      teamId: null,
      submittedAt: '2025-03-10T11:00:00.000Z',
    };
    const others: StreamEvent[] = [
      makeEvent('question:created.v2', { ...question, meetingId, status: 'OPEN', upvoteCount: 0 }),
      makeEvent('question:upvoted.v2', { meetingId, questionId: FIRST, upvoteCount: 4 }),
      makeEvent('question:answered.v3', {
        meetingId,
        id: FIRST,
        status: 'ANSWERED',
        responseText: null,
        answeredAt: '2025-03-10T11:30:00.000Z',
        teamId: null,
      }),
      makeEvent('question:tagged.v2', {
        meetingId,
        questionId: FIRST,
        tag: { id: randomUUID(), name: 'x', color: '#123456' },
      }),
      makeEvent('question:untagged.v2', { meetingId, questionId: FIRST, tagId: randomUUID() }),
      makeEvent('question:pending.v2', { ...question, meetingId, id: THIRD }),
      makeEvent('question:edited.v1', { meetingId, questionId: FIRST, body: 'Why not?' }),
      makeEvent('question:reopened.v1', { meetingId, questionId: FIRST }),
      makeEvent('stream:resync', { reason: 'too old' }),
    ];

    it.each(others.map((event) => [event.type, event] as const))(
      '%s returns the same state object',
      (_, event) => {
        const state = makeState({ frozen: true });
        expect(applyToQueue(state, event)).toBe(state);
      },
    );
  });
});
