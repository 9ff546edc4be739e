import { type LatestEvent, meetingOf } from '@pulsestage/contracts';
import { sql } from 'kysely';
import type { Executor } from '../../db/schema.js';

/** Who may receive an event: every member, moderators and above, or admins and owners. */
export type Audience = 'all' | 'moderators' | 'admins';

/** An event to append, with who may receive it. */
export interface OutboxEntry {
  event: LatestEvent;
  audience: Audience;
}

/**
 * Appends an event to the tenant's outbox inside the caller's transaction and returns its sequence:
 * `reserved` if the transaction took one with `reserveSequence`, else the next one.
 *
 * Bumping the tenant's sequence row takes a row lock that is held until commit, so concurrent
 * writers of one tenant get their numbers in commit order and a reader never sees seq N+1
 * before seq N. Call it as late in the transaction as possible: it serializes the tenant's writers.
 * `timestamp` is the envelope's time, now unless the event may tell no more than its data (pulse
 * answers pass theirs, truncated to the hour).
 */
export async function appendEvent(
  trx: Executor,
  tenantId: string,
  event: LatestEvent,
  audience: Audience,
  reserved?: number,
  timestamp = Date.now(),
): Promise<number> {
  const seq = reserved ?? (await reserveSequence(trx, tenantId));
  await appendEvents(trx, tenantId, [{ event, audience }], seq, timestamp);
  return seq;
}

/**
 * Appends events numbered `firstSeq`, `firstSeq + 1`, … in one statement, in the order given. The
 * numbers must have been reserved in this transaction (`reserveSequences`).
 */
export async function appendEvents(
  trx: Executor,
  tenantId: string,
  entries: readonly OutboxEntry[],
  firstSeq: number,
  timestamp = Date.now(),
): Promise<void> {
  if (entries.length === 0) return;
  await trx
    .insertInto('events')
    .values(
      entries.map(({ event, audience }, index) => ({
        tenantId,
        seq: firstSeq + index,
        type: event.type,
        meetingId: meetingOf(event),
        audience,
        data: JSON.stringify(event.data),
        timestamp,
      })),
    )
    .execute();
}

/**
 * Takes the tenant's next sequence number, and with it the tenant's outbox lock (held until commit).
 * Take it before reading state that the event reports (such as a count), so the value in the event
 * is the one as of this transaction's place in commit order; then pass it to `appendEvent`.
 */
export function reserveSequence(trx: Executor, tenantId: string): Promise<number> {
  return reserveSequences(trx, tenantId, 1);
}

/**
 * Takes the tenant's next `count` sequence numbers at once, with the tenant's outbox lock, and returns
 * the first of them: for a transaction that appends several events (`appendEvents`).
 */
export async function reserveSequences(trx: Executor, tenantId: string, count: number): Promise<number> {
  const { lastSeq } = await trx
    .updateTable('eventSequences')
    .set({ lastSeq: sql`last_seq + ${count}` })
    .where('tenantId', '=', tenantId)
    .returning('lastSeq')
    .executeTakeFirstOrThrow();
  return lastSeq - count + 1;
}
