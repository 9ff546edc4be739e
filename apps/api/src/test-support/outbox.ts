import type { Executor } from '../db/schema.js';
import { trimOutbox } from '../events/outbox/retention.js';
import type { TestApp } from './app.js';

/** An outbox row with its JSON payload parsed. */
export interface StoredEvent {
  seq: number;
  type: string;
  audience: string;
  data: unknown;
  timestamp: number;
}

/** The sequence number of the newest event of a tenant (0 before its first). */
export async function lastSeqOf(app: TestApp, tenantId: string): Promise<number> {
  const row = await app.db
    .selectFrom('eventSequences')
    .select('lastSeq')
    .where('tenantId', '=', tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.lastSeq);
}

/** All events of a tenant after `afterSeq`, in sequence order. */
export async function eventsOf(app: TestApp, tenantId: string, afterSeq = 0): Promise<StoredEvent[]> {
  const rows = await app.db
    .selectFrom('events')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({
    seq: Number(row.seq),
    type: row.type,
    audience: row.audience,
    data: JSON.parse(row.data) as unknown,
    timestamp: Number(row.timestamp),
  }));
}

/** Trims every event committed so far, as the retention job does once they are old enough. */
export function trimEveryEvent(db: Executor): Promise<number> {
  return trimOutbox(db, 0, Date.now() + 1);
}
