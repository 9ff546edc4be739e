/**
 * How often the hub reads a tenant's outbox: at once after a quiet spell, every 25 ms at most while
 * events trickle in or nothing else needs the process, and, when they come faster than they are handed
 * on while other work keeps the process busy, no more often than leaves the dispatch half of the time,
 * up to 400 ms apart.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { appendBacklog } from '../../test-support/sse.js';
import { InProcessBus } from '../bus/in-process-bus.js';
import { EventHub, earliestNextRead } from './hub.js';

const BUSY = 0.9;
const IDLE = 0.1;

describe('when the hub reads next', () => {
  it('reads 25 ms after the last read while events come one at a time', () => {
    expect(earliestNextRead({ events: 1, startedAt: 1000, endedAt: 1180, loopBusy: BUSY })).toBe(1025);
  });

  it('leaves a burst’s dispatch half of the time while other work keeps the process busy', () => {
    expect(earliestNextRead({ events: 40, startedAt: 1000, endedAt: 1060, loopBusy: BUSY })).toBe(1120);
    expect(earliestNextRead({ events: 40, startedAt: 1000, endedAt: 1005, loopBusy: BUSY })).toBe(1025);
  });

  it('reads again at once after a burst when nothing else needed the process', () => {
    expect(earliestNextRead({ events: 40, startedAt: 1000, endedAt: 1060, loopBusy: IDLE })).toBe(1025);
  });

  it('writes a tenant’s subscribers at least every 400 ms however long a dispatch takes', () => {
    expect(earliestNextRead({ events: 40, startedAt: 1000, endedAt: 1250, loopBusy: BUSY })).toBe(1400);
    expect(earliestNextRead({ events: 40, startedAt: 1000, endedAt: 1400, loopBusy: BUSY })).toBe(1400);
  });
});

/** Keeps the event loop busy for `ms`, as writing to thousands of sockets does. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

interface Dispatch {
  startedAt: number;
  costMs: number;
  events: number;
}

describe('a hub in a storm', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('sqlite');
  });
  afterAll(() => app.close());

  it.each([
    ['while the listener runs', (work: () => void) => work()],
    ['in the socket writes node:http flushes on the next tick', (work: () => void) => process.nextTick(work)],
  ])(
    'spaces the dispatches of a storm by their cost, paid %s, so the votes still get answered',
    async (_when, spend) => {
      const hub = new EventHub(app.db, new InProcessBus(), {
        pollIntervalMs: 60_000,
        accessSweepMs: 60_000,
        log: () => {},
      });
      const dispatches: Dispatch[] = [];
      const feed = await hub.listen(app.tenantIds.alpha, (events) => {
        const startedAt = performance.now();
        spend(() => {
          busyFor(40);
          dispatches.push({ startedAt, costMs: performance.now() - startedAt, events: events.length });
        });
      });
      const batched = () => dispatches.filter(({ events }) => events > 1).length;
      // Votes keep the process busy between the dispatches, as in a storm.
      while (batched() < 6) {
        await appendBacklog(app, 3);
        await hub.announce(app.tenantIds.alpha);
        busyFor(8);
        await sleep(1);
      }
      feed.stop();
      await hub.close();

      for (const [index, dispatch] of dispatches.entries()) {
        const next = dispatches[index + 1];
        if (!next || dispatch.events <= 1) continue;
        expect(next.startedAt - dispatch.startedAt).toBeGreaterThanOrEqual(
          Math.min(2 * dispatch.costMs, 400),
        );
      }
    },
  );
});
