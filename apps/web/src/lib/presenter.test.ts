import { describe, expect, it } from 'vitest';
import { makeQuestion } from '../live/test-data';
import { afterShowing, mostUpvoted, nextQuestion, previousQuestion } from './presenter';

const top = makeQuestion({ upvoteCount: 9 });
const second = makeQuestion({ upvoteCount: 5 });
const third = makeQuestion({ upvoteCount: 1 });
const open = [top, second, third];

describe('presenter keys', () => {
  it('shows the most upvoted question not yet shown next', () => {
    expect(nextQuestion({ open, shown: [] })).toBe(top);
    expect(nextQuestion({ open, shown: [top.id] })).toBe(second);
    expect(nextQuestion({ open, shown: [top.id, second.id, third.id] })).toBeUndefined();
  });

  it('shows the most upvoted question even when it was shown before', () => {
    expect(mostUpvoted({ open, shown: [top.id] })).toBe(top);
    expect(mostUpvoted({ open: [], shown: [] })).toBeUndefined();
  });

  it('goes back to the question shown before, skipping those no longer open', () => {
    const gone = makeQuestion();
    const back = previousQuestion({ open, shown: [second.id, gone.id, third.id] });
    expect(back.question).toBe(second);
    expect(back.shown).toEqual([second.id]);
  });

  it('has nothing to go back to with one question shown', () => {
    expect(previousQuestion({ open, shown: [top.id] }).question).toBeUndefined();
  });

  it('moves a question shown again to the end of the history', () => {
    expect(afterShowing([top.id, second.id], top)).toEqual([second.id, top.id]);
  });
});
