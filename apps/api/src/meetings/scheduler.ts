import type { Database } from '../db/schema.js';
import { appendEvent } from '../events/outbox/writer.js';
import { applyDueTransition, selectDueMeetings, toMeetingPublic } from './repository.js';

type Transition = 'open' | 'close';

const EVENT_OF = { open: 'meeting:opened', close: 'meeting:closed' } as const;

export interface SchedulerOptions {
  /** How often due meetings are looked for: well under a second, so each transition is on time. */
  intervalMs: number;
  /** Told after each transition, so the tenant's streams read the event at once. */
  announce: (tenantId: string) => Promise<void>;
  log: (message: string, error?: unknown) => void;
}

/**
 * Opens each due meeting (or closes it) in a transaction with its event. The update applies only
 * while the meeting is still due, so when several instances find it at once exactly one of them
 * changes it and writes the event; the others change nothing and write nothing.
 */
async function applyDue(db: Database, transition: Transition, announce: SchedulerOptions['announce']) {
  const now = new Date().toISOString();
  for (const due of await selectDueMeetings(db, transition, now)) {
    const applied = await db.transaction().execute(async (trx) => {
      const row = await applyDueTransition(trx, due.id, transition, now);
      if (!row) return false;
      const event = { type: EVENT_OF[transition], data: toMeetingPublic(row) };
      await appendEvent(trx, row.tenantId, event, 'all');
      return true;
    });
    if (applied) await announce(due.tenantId);
  }
}

/** Runs one round of due openings, then closings (so a meeting both due opens, then closes). */
export async function applyDueTransitions(
  db: Database,
  announce: SchedulerOptions['announce'],
): Promise<void> {
  await applyDue(db, 'open', announce);
  await applyDue(db, 'close', announce);
}

/** Starts looking for due meetings every `intervalMs`; the returned function stops it after the round under way. */
export function startMeetingScheduler(db: Database, options: SchedulerOptions): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();
  const tick = () => {
    round = applyDueTransitions(db, options.announce)
      .catch((error: unknown) => options.log('opening or closing due meetings failed', error))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs);
      });
  };
  timer = setTimeout(tick, 0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await round;
  };
}
