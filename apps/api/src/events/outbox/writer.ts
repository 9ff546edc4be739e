import { type LatestEvent, meetingOf } from '@pulsestage/contracts';
import { sql } from 'kysely';
import type { Executor } from '../../db/schema.js';

/** Who may receive an event: every member, moderators and above, or admins and owners. */
export type Audience = 'all' | 'moderators' | 'admins';

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
  await trx
    .insertInto('events')
    .values({
      tenantId,
      seq,
      type: event.type,
      meetingId: meetingOf(event),
      audience,
      data: JSON.stringify(event.data),
      timestamp,
    })
    .execute();
  return seq;
}

/**
 * Takes the tenant's next sequence number, and with it the tenant's outbox lock (held until commit).
 * Take it before reading state that the event reports (such as a count), so the value in the event
 * is the one as of this transaction's place in commit order; then pass it to `appendEvent`.
 */
export async function reserveSequence(trx: Executor, tenantId: string): Promise<number> {
  const { lastSeq } = await trx
    .updateTable('eventSequences')
    .set({ lastSeq: sql`last_seq + 1` })
    .where('tenantId', '=', tenantId)
    .returning('lastSeq')
    .executeTakeFirstOrThrow();
  return lastSeq;
}
