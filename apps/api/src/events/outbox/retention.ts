import type { Database, Executor } from '../../db/schema.js';

type Log = (message: string, error?: unknown) => void;

/** Deletes events older than the retention window; returns how many. */
export async function trimOutbox(db: Executor, retentionMs: number, now = Date.now()): Promise<number> {
  const result = await db
    .deleteFrom('events')
    .where('timestamp', '<', now - retentionMs)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

const TRIM_INTERVAL_MS = 10 * 60 * 1000;

/** Trims the outbox to the retention window now and every ten minutes; returns a stop function. */
export function startRetention(db: Database, retentionMs: number, log: Log): () => void {
  const trim = () =>
    trimOutbox(db, retentionMs).catch((error: unknown) => log('trimming the outbox failed', error));
  void trim();
  const timer = setInterval(trim, Math.min(TRIM_INTERVAL_MS, retentionMs)).unref();
  return () => clearInterval(timer);
}
