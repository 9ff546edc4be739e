import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamSink } from './sinks.js';
import { MeetingWatchers, type Watcher } from './watchers.js';

const TENANT = 'tenant-1';
const MEETING = 'meeting-1';
const RIDE_ALONG_MS = 500;

interface FakeWatcher extends Watcher {
  written: string[];
  pending: unknown[] | null;
}

function watcher(accepts = true): FakeWatcher {
  const written: string[] = [];
  const sink = {
    encoding: 'plain',
    write(frames: string) {
      written.push(frames);
      return accepts;
    },
  } as unknown as StreamSink;
  return { sink, pending: null, closed: false, written };
}

const countIn = (frame: string) =>
  (JSON.parse(frame.slice('data: '.length)) as { data: { watching: number } }).data.watching;

describe('meeting watchers', () => {
  let refused: FakeWatcher[];
  let watchers: MeetingWatchers<FakeWatcher>;

  beforeEach(() => {
    vi.useFakeTimers();
    refused = [];
    watchers = new MeetingWatchers<FakeWatcher>(RIDE_ALONG_MS, (_tenant, refusedWatcher) =>
      refused.push(refusedWatcher),
    );
  });
  afterEach(() => {
    watchers.close();
    vi.useRealTimers();
  });

  it('hands a changed count to the next events of each subscriber, once, and writes nothing of its own', () => {
    const busy = watcher();
    watchers.add(TENANT, MEETING, busy);
    watchers.announce(MEETING, 7);

    const due = watchers.takeDue(MEETING, busy);
    expect(due && countIn(due.frame)).toBe(7);
    expect(watchers.takeDue(MEETING, busy)).toBeUndefined();

    vi.advanceTimersByTime(RIDE_ALONG_MS);
    expect(busy.written).toEqual([]);
  });

  it('writes the count alone to the subscribers no events reached within the wait', () => {
    const quiet = watcher();
    const backfilling = watcher();
    backfilling.pending = [];
    watchers.add(TENANT, MEETING, quiet);
    watchers.add(TENANT, MEETING, backfilling);
    watchers.announce(MEETING, 3);

    vi.advanceTimersByTime(RIDE_ALONG_MS - 1);
    expect(quiet.written).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(quiet.written.map(countIn)).toEqual([3]);
    expect(backfilling.written).toEqual([]);
  });

  it('brings a subscriber told another count back to the meeting count, even when it did not change', () => {
    const early = watcher();
    watchers.add(TENANT, MEETING, early);
    watchers.announce(MEETING, 2);
    vi.advanceTimersByTime(RIDE_ALONG_MS);
    const late = watcher();
    late.watching = 3;
    watchers.add(TENANT, MEETING, late);

    watchers.announce(MEETING, 2);
    vi.advanceTimersByTime(RIDE_ALONG_MS);
    expect(late.written.map(countIn)).toEqual([2]);
    expect(early.written.map(countIn)).toEqual([2]);
  });

  it('counts the subscribers of each meeting, and reports a sink that refuses its count', () => {
    const full = watcher(false);
    watchers.add(TENANT, MEETING, full);
    watchers.add(TENANT, 'meeting-2', watcher());
    expect(watchers.counts()).toEqual(
      new Map([
        [MEETING, 1],
        ['meeting-2', 1],
      ]),
    );

    watchers.announce(MEETING, 1);
    vi.advanceTimersByTime(RIDE_ALONG_MS);
    expect(refused).toEqual([full]);

    watchers.remove(MEETING, full);
    expect(watchers.counts()).toEqual(new Map([['meeting-2', 1]]));
  });
});
