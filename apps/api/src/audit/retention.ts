import type { Database } from '../db/schema.js';
import { deleteAuditEntriesBefore } from './repository.js';

type Log = (message: string, error?: unknown) => void;

const DAY_MS = 24 * 60 * 60 * 1000;
const TRIM_INTERVAL_MS = 60 * 60 * 1000;

/** Deletes the entries older than `retentionDays`; returns how many. */
export function trimAuditLog(db: Database, retentionDays: number, now = Date.now()): Promise<number> {
  return deleteAuditEntriesBefore(db, new Date(now - retentionDays * DAY_MS));
}

/** Trims the audit log to its retention now and every hour; returns a stop function. */
export function startAuditRetention(db: Database, retentionDays: number, log: Log): () => void {
  const trim = () =>
    trimAuditLog(db, retentionDays).catch((error: unknown) => log('trimming the audit log failed', error));
  void trim();
  const timer = setInterval(trim, TRIM_INTERVAL_MS).unref();
  return () => clearInterval(timer);
}
