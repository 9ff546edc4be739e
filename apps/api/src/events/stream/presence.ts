import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/schema.js';

/** Rows not refreshed for this many intervals belong to an instance that stopped without cleaning up. */
const STALE_AFTER_INTERVALS = 3;

interface MeetingPresenceOptions {
  /** How often this instance publishes its counts and reads everyone's. */
  intervalMs: number;
  /** This process's open streams per meeting filter. */
  localCounts: () => ReadonlyMap<string, number>;
  /** Called after each refresh with each served meeting's total; subscribers that have it get nothing. */
  publish: (meetingId: string, watching: number) => void;
  log: (message: string, error?: unknown) => void;
}

/**
 * How many streams watch each meeting across every instance. Each instance upserts its own counts into
 * `meeting_presence` under a random instance id, drops rows nobody refreshed lately, and sums the rows
 * of the meetings it serves; each total then goes to the subscribers that have another count.
 */
export class MeetingPresence {
  private readonly instanceId = randomUUID();
  /** Watchers on other instances, as of the last refresh. */
  private elsewhere = new Map<string, number>();
  /** Meetings this instance has a row for. */
  private readonly stored = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly options: MeetingPresenceOptions,
  ) {
    this.timer = setInterval(() => void this.refresh(), options.intervalMs).unref();
  }

  /** The meeting's watchers right now: this instance's exact count plus the others' latest. */
  watching(meetingId: string): number {
    return (this.elsewhere.get(meetingId) ?? 0) + (this.options.localCounts().get(meetingId) ?? 0);
  }

  /** Publishes this instance's counts, reads the others' and hands on the totals. */
  refresh(): Promise<void> {
    this.inFlight ??= this.refreshOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Stops refreshing and removes this instance's rows, so the others stop counting its streams. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
    if (this.stored.size === 0) return;
    try {
      await this.db.deleteFrom('meetingPresence').where('instanceId', '=', this.instanceId).execute();
      this.stored.clear();
    } catch (error) {
      this.options.log('removing this instance from meeting presence failed; its rows will expire', error);
    }
  }

  private async refreshOnce(): Promise<void> {
    const counts = new Map(this.options.localCounts());
    if (counts.size === 0 && this.stored.size === 0) return;
    try {
      const now = Date.now();
      await this.store(counts, now);
      await this.db
        .deleteFrom('meetingPresence')
        .where('seenAt', '<', now - STALE_AFTER_INTERVALS * this.options.intervalMs)
        .execute();
      this.elsewhere = await this.readElsewhere([...counts.keys()]);
      for (const meetingId of counts.keys()) this.options.publish(meetingId, this.watching(meetingId));
    } catch (error) {
      this.options.log('refreshing meeting presence failed; retrying on the next interval', error);
    }
  }

  private async store(counts: ReadonlyMap<string, number>, now: number): Promise<void> {
    const gone = [...this.stored].filter((meetingId) => !counts.has(meetingId));
    if (gone.length > 0) {
      await this.db
        .deleteFrom('meetingPresence')
        .where('instanceId', '=', this.instanceId)
        .where('meetingId', 'in', gone)
        .execute();
      for (const meetingId of gone) this.stored.delete(meetingId);
    }
    // One statement per meeting: a meeting deleted under its streams fails alone, not everyone's count.
    await Promise.all([...counts].map(([meetingId, watching]) => this.upsert(meetingId, watching, now)));
  }

  /** Counts only a meeting that still exists: streams of a meeting just deleted may still be open. */
  private async upsert(meetingId: string, watching: number, seenAt: number): Promise<void> {
    try {
      await this.db
        .insertInto('meetingPresence')
        .columns(['instanceId', 'meetingId', 'watching', 'seenAt'])
        .expression((eb) =>
          eb
            .selectFrom('meetings')
            .select([
              eb.val(this.instanceId).as('instanceId'),
              'id',
              eb.val(watching).as('watching'),
              eb.val(seenAt).as('seenAt'),
            ])
            .where('id', '=', meetingId),
        )
        .onConflict((oc) => oc.columns(['instanceId', 'meetingId']).doUpdateSet({ watching, seenAt }))
        .execute();
      this.stored.add(meetingId);
    } catch (error) {
      // Deleted between the read and PostgreSQL's key check: the next refresh finds it gone and skips it.
      if (isForeignKeyViolation(error)) return;
      this.options.log(`counting the watchers of meeting ${meetingId} failed`, error);
    }
  }

  private async readElsewhere(meetingIds: string[]): Promise<Map<string, number>> {
    if (meetingIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('meetingPresence')
      .select(['meetingId', (eb) => eb.fn.sum<number | string>('watching').as('watching')])
      .where('meetingId', 'in', meetingIds)
      .where('instanceId', '<>', this.instanceId)
      .groupBy('meetingId')
      .execute();
    return new Map(rows.map((row) => [row.meetingId, Number(row.watching)]));
  }
}

/** PostgreSQL's `foreign_key_violation`; SQLite runs one statement at a time and never races here. */
const isForeignKeyViolation = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === '23503';
