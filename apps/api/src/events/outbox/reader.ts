import type { LatestEvent } from '@pulsestage/contracts';
import type { Executor } from '../../db/schema.js';
import type { Audience } from './writer.js';

export const OUTBOX_PAGE_SIZE = 1000;

export type StoredEvent = LatestEvent & {
  seq: number;
  audience: Audience;
  /** The meeting the event belongs to; null for tenant-wide events. */
  meetingId: string | null;
  timestamp: number;
};

export async function readEventsAfter(
  db: Executor,
  tenantId: string,
  afterSeq: number,
  throughSeq = Number.MAX_SAFE_INTEGER,
  limit = OUTBOX_PAGE_SIZE,
): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom('events')
    .select(['seq', 'type', 'audience', 'meetingId', 'data', 'timestamp'])
    .where('tenantId', '=', tenantId)
    .where('seq', '>', afterSeq)
    .where('seq', '<=', throughSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  // Rows were written by appendEvent from a typed LatestEvent, so the pairing of type and data holds.
  return rows.map((row) => ({ ...row, data: JSON.parse(row.data) }) as StoredEvent);
}

export async function lastSequences(db: Executor, tenantIds: string[]): Promise<Map<string, number>> {
  if (tenantIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('eventSequences')
    .select(['tenantId', 'lastSeq'])
    .where('tenantId', 'in', tenantIds)
    .execute();
  return new Map(rows.map((row) => [row.tenantId, Number(row.lastSeq)]));
}

export async function lastSequence(db: Executor, tenantId: string): Promise<number> {
  return (await lastSequences(db, [tenantId])).get(tenantId) ?? 0;
}

/** The oldest sequence still kept for the tenant, or undefined when retention trimmed them all. */
export async function oldestRetainedSequence(db: Executor, tenantId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.min('seq').as('oldest'))
    .where('tenantId', '=', tenantId)
    .executeTakeFirst();
  return row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest);
}
