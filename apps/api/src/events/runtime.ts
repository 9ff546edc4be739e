import type { BusTarget } from '../config.js';
import type { Database } from '../db/schema.js';
import { type EventBus, InProcessBus } from './bus.js';
import { trimOutbox } from './outbox-reader.js';
import { PostgresBus } from './postgres-bus.js';
import { RedisBus } from './redis-bus.js';

type Log = (message: string, error?: unknown) => void;

export async function connectBus(target: BusTarget, log: Log): Promise<EventBus> {
  switch (target.kind) {
    case 'memory':
      return new InProcessBus();
    case 'postgres':
      return PostgresBus.connect(target.url, log);
    case 'redis':
      return RedisBus.connect(target.url, log);
  }
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
