import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EventLog, fetchedSequence } from './event-log';
import { makeEvent, makePages, makeQuestion, MEETING_ID as meetingId } from './test-data';

const frozen = (frozenNow: boolean) => makeEvent('question:frozen.v2', { meetingId, frozen: frozenNow });
const removed = () => makeEvent('question:removed.v2', { meetingId, questionId: randomUUID() });

describe('EventLog', () => {
  it('starts where the snapshot stood and moves with each event it records, once', () => {
    const log = new EventLog(40);
    expect(log.position).toBe(40);
    expect(log.record(40, frozen(true))).toBe(false);
    expect(log.record(41, frozen(true))).toBe(true);
    expect(log.record(43, frozen(false))).toBe(true);
    expect(log.record(42, frozen(true))).toBe(false);
    expect(log.position).toBe(43);
  });

  it('hands back the events after a snapshot, in order, while it still holds them', () => {
    const log = new EventLog(10, 3);
    const events = [removed(), removed(), removed(), removed()];
    for (const [index, event] of events.entries()) log.record(11 + index, event);
    expect(log.after(14)).toEqual([]);
    expect(log.after(12)?.map((logged) => logged.seq)).toEqual([13, 14]);
    expect(log.after(11)?.map((logged) => logged.event)).toEqual(events.slice(1));
    expect(log.after(10)).toBeNull();
  });

  it('starts over after a resync: nothing before it can be replayed', () => {
    const log = new EventLog(5);
    log.record(6, frozen(true));
    log.restart(90);
    expect(log.position).toBe(90);
    expect(log.after(90)).toEqual([]);
    expect(log.after(6)).toBeNull();
  });
});

describe('fetchedSequence', () => {
  const page = (sequence: number) => ({ items: [makeQuestion()], nextCursor: null, sequence });

  it('reads a snapshot’s own sequence, and nothing from data without one', () => {
    expect(fetchedSequence({ frozen: false, pinnedQuestionIds: [], sequence: 7 })).toBe(7);
    expect(fetchedSequence([makeQuestion()])).toBeUndefined();
    expect(fetchedSequence(undefined)).toBeUndefined();
  });

  it('takes the oldest page of a list loaded in full, and only the new page when more were loaded', () => {
    const list = { ...makePages([], []), pages: [page(30), page(12), page(25)] };
    expect(fetchedSequence(list)).toBe(12);
    expect(fetchedSequence(list, 'forward')).toBe(25);
    expect(fetchedSequence(list, 'backward')).toBe(30);
  });
});
