/**
 * Meetings open and close by themselves within a second of their times, exactly once, with three API
 * processes on one PostgreSQL database all looking for due meetings: every transition is one
 * `meeting:opened` or `meeting:closed` event in the outbox, whichever instance won it.
 */
import { mutate, sessionCookieOf } from '@pulsestage/test-harness/accounts';
import { createScratchDatabase, type ScratchDatabase } from '@pulsestage/test-harness/postgres';
import { ApiProcess, killAllProcesses } from '@pulsestage/test-harness/process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl)
  console.warn('TEST_DATABASE_URL is not set: the meeting scheduling test across processes is skipped.');

const TENANT = 'scheduling';
const MEETINGS = 3;
/** How late after its time a transition may be: the scheduler promises one second. */
const ON_TIME_MS = 1000;

interface Transition {
  meetingId: string;
  type: string;
  timestamp: number;
}

describe.runIf(adminUrl)('scheduled meetings across three instances', { timeout: 60_000 }, () => {
  let database: ScratchDatabase;
  let sql: pg.Client;
  let processes: ApiProcess[] = [];

  beforeAll(async () => {
    database = await createScratchDatabase(adminUrl ?? '');
    processes = await Promise.all(
      ['A', 'B', 'C'].map((name) =>
        ApiProcess.start({ name, databaseUrl: database.url, bus: 'postgres', env: { DEMO_MODE: '0' } }),
      ),
    );
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
  });

  afterAll(async () => {
    await Promise.all(processes.map((api) => api.stop()));
    killAllProcesses();
    await sql?.end();
    await database?.drop();
  });

  async function organizer(baseUrl: string): Promise<string> {
    const response = await fetch(`${baseUrl}/trpc/auth.signUp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'organizer@scheduling.test',
        password: 'a long enough password',
        name: 'Organizer',
      }),
    });
    const cookie = sessionCookieOf(response.headers.getSetCookie());
    if (!cookie) throw new Error(`signing up failed: ${response.status} ${await response.text()}`);
    await mutate(baseUrl, 'tenant.create', { tenant: TENANT, name: 'Scheduling Inc' }, cookie);
    return cookie;
  }

  async function transitions(meetingIds: string[]): Promise<Transition[]> {
    const { rows } = await sql.query<{ meeting_id: string; type: string; timestamp: string }>(
      `select meeting_id, type, timestamp from events
       where meeting_id = any($1) and type in ('meeting:opened', 'meeting:closed') order by seq`,
      [meetingIds],
    );
    return rows.map((row) => ({
      meetingId: row.meeting_id,
      type: row.type,
      timestamp: Number(row.timestamp),
    }));
  }

  it('opens and closes each meeting once, within a second of its times', async () => {
    const [a] = processes as [ApiProcess];
    const cookie = await organizer(a.url);
    const start = Date.now();
    const meetings = await Promise.all(
      Array.from({ length: MEETINGS }, (_, index) => {
        const api = processes[index % processes.length] as ApiProcess;
        const opensAt = new Date(start + 2000 + index * 100).toISOString();
        const closesAt = new Date(start + 4000 + index * 100).toISOString();
        return mutate<{ id: string; state: string; opensAt: string; closesAt: string }>(
          api.url,
          'meeting.create',
          { tenant: TENANT, title: `Meeting ${index}`, opensAt, closesAt },
          cookie,
        );
      }),
    );
    expect(meetings.map((meeting) => meeting.state)).toEqual(meetings.map(() => 'scheduled'));
    const ids = meetings.map((meeting) => meeting.id);

    await vi.waitFor(
      async () => {
        const { rows } = await sql.query<{ state: string }>('select state from meetings where id = any($1)', [
          ids,
        ]);
        expect(rows.map((row) => row.state)).toEqual(ids.map(() => 'closed'));
      },
      { timeout: 15_000, interval: 200 },
    );
    const events = await transitions(ids);
    for (const meeting of meetings) {
      const own = events.filter((event) => event.meetingId === meeting.id);
      expect(
        own.map((event) => event.type),
        meeting.id,
      ).toEqual(['meeting:opened', 'meeting:closed']);
      const [opened, closed] = own as [Transition, Transition];
      const lateness = [
        opened.timestamp - Date.parse(meeting.opensAt),
        closed.timestamp - Date.parse(meeting.closesAt),
      ];
      for (const late of lateness) {
        expect(late).toBeGreaterThanOrEqual(0);
        expect(late).toBeLessThan(ON_TIME_MS);
      }
    }
  });
});
