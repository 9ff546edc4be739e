/**
 * Pulse check-ins go out exactly once with three API processes on one PostgreSQL database, all of them
 * reaching the scheduled minute together (their clocks set through TEST_CLOCK): one send per tenant,
 * day and cohort, one invitation per member of that cohort. And a minute that arrives while every
 * instance is down is sent once when they are back, the same day: nothing lost.
 */
import { mutate, sessionCookieOf } from '@pulsestage/test-harness/accounts';
import { createScratchDatabase, type ScratchDatabase } from '@pulsestage/test-harness/postgres';
import { ApiProcess, killAllProcesses } from '@pulsestage/test-harness/process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortOf } from '../src/pulse/cohorts.js';

const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl)
  console.warn('TEST_DATABASE_URL is not set: the pulse schedule test across processes is skipped.');

const TENANT = 'pulse-schedule';
const COHORTS = ['Weekday', 'Weekend'];
/** Each cohort gets this many members, so the one not invited is there to be left out. */
const MEMBERS_PER_COHORT = 4;
/** Tuesday to Friday of a week in March, when Berlin is at UTC+1: 09:00 there is 08:00 UTC. */
const DAYS = ['2031-03-04', '2031-03-05', '2031-03-06'];
const RESTART_DAY = '2031-03-07';
const justBefore = (day: string) => new Date(`${day}T07:59:59.000Z`);
const theMinute = (day: string) => new Date(`${day}T08:00:00.000Z`);

describe.runIf(adminUrl)('the pulse schedule across three instances', { timeout: 120_000 }, () => {
  let database: ScratchDatabase;
  let sql: pg.Client;
  let processes: ApiProcess[] = [];
  let tenantId: string;
  /** The members of the cohort scheduled every day, by user id. */
  let invited: string[];

  const start = (name: string, port?: number) =>
    ApiProcess.start({
      name,
      port,
      databaseUrl: database.url,
      bus: 'postgres',
      env: { DEMO_MODE: '0', TEST_CLOCK: 'on' },
    });

  const setClocks = (at: Date) => Promise.all(processes.map((api) => api.setClock(at)));

  beforeAll(async () => {
    database = await createScratchDatabase(adminUrl ?? '');
    processes = await Promise.all(['A', 'B', 'C'].map((name) => start(name)));
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    tenantId = await setUpTenant(processes[0] as ApiProcess);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((api) => api.stop()));
    killAllProcesses();
    await sql?.end();
    await database?.drop();
  });

  /** An organizer's tenant with pulse on: one question, the Weekday cohort every day, members in both cohorts and a guest. */
  async function setUpTenant(api: ApiProcess): Promise<string> {
    const signedUp = await fetch(`${api.url}/trpc/auth.signUp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'organizer@pulse.test',
        password: 'a long enough password',
        name: 'Organizer',
      }),
    });
    const cookie = sessionCookieOf(signedUp.headers.getSetCookie());
    if (!cookie) throw new Error(`signing up failed: ${signedUp.status} ${await signedUp.text()}`);
    const tenant = await mutate<{ id: string }>(
      api.url,
      'tenant.create',
      { tenant: TENANT, name: 'Pulse Inc' },
      cookie,
    );
    await mutate(
      api.url,
      'pulse.createQuestion',
      { tenant: TENANT, text: 'How was your week?', scale: 'agree5' },
      cookie,
    );
    const everyDay = Object.fromEntries(
      ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((day) => [
        day,
        'Weekday',
      ]),
    );
    await mutate(
      api.url,
      'pulse.updateSettings',
      {
        tenant: TENANT,
        enabled: true,
        timeZone: 'Europe/Berlin',
        timeOfDay: '09:00',
        cohorts: COHORTS,
        schedule: everyDay,
      },
      cookie,
    );

    const byCohort = new Map(COHORTS.map((cohort) => [cohort, [] as string[]]));
    const { rows } = await sql.query<{ user_id: string }>(
      'select user_id from memberships where tenant_id = $1',
      [tenant.id],
    );
    const organizerId = rows[0]?.user_id;
    if (organizerId) byCohort.get(cohortOf(organizerId, COHORTS))?.push(organizerId);
    while ([...byCohort.values()].some((ids) => ids.length < MEMBERS_PER_COHORT)) {
      const userId = crypto.randomUUID();
      const ids = byCohort.get(cohortOf(userId, COHORTS)) ?? [];
      if (ids.length >= MEMBERS_PER_COHORT) continue;
      await addPerson(tenant.id, userId, false);
      ids.push(userId);
    }
    const guestId = crypto.randomUUID();
    await addPerson(tenant.id, guestId, true);
    invited = (byCohort.get('Weekday') ?? []).sort();
    return tenant.id;
  }

  async function addPerson(tenant: string, userId: string, guest: boolean): Promise<void> {
    const now = new Date().toISOString();
    await sql.query(
      `insert into users (id, email, name, password_hash, guest, created_at) values ($1, $2, 'Person', null, $3, $4)`,
      [userId, guest ? null : `${userId}@pulse.test`, guest ? 1 : 0, now],
    );
    await sql.query(
      `insert into memberships (tenant_id, user_id, role, created_at) values ($1, $2, 'member', $3)`,
      [tenant, userId, now],
    );
  }

  async function sendsOn(day: string): Promise<{ id: string; cohort_name: string }[]> {
    const { rows } = await sql.query<{ id: string; cohort_name: string }>(
      'select id, cohort_name from pulse_sends where tenant_id = $1 and local_date = $2',
      [tenantId, day],
    );
    return rows;
  }

  /** Each invited user of the day with how many invitations they got. */
  async function invitationsOn(day: string): Promise<[string, number][]> {
    const { rows } = await sql.query<{ user_id: string; count: string }>(
      `select i.user_id, count(*) as count from pulse_invitations i join pulse_sends s on s.id = i.send_id
       where s.tenant_id = $1 and s.local_date = $2 group by i.user_id order by i.user_id`,
      [tenantId, day],
    );
    return rows.map((row) => [row.user_id, Number(row.count)]);
  }

  async function openedEventsOn(day: string): Promise<number> {
    const { rows } = await sql.query<{ count: string }>(
      `select count(*) as count from events where tenant_id = $1 and type = 'checkin:opened' and data like $2`,
      [tenantId, `%"date":"${day}"%`],
    );
    return Number(rows[0]?.count);
  }

  /** The instances that lost a race stopped quietly: a claim that conflicts is no error. */
  const failuresLogged = () =>
    processes.flatMap((api) => api.logs().split('\n')).filter((line) => line.includes('pulse check-ins'));

  async function expectSentOnce(day: string): Promise<void> {
    expect(await sendsOn(day), day).toEqual([{ id: expect.any(String), cohort_name: 'Weekday' }]);
    expect(await invitationsOn(day), day).toEqual(invited.map((userId) => [userId, 1]));
    expect(await openedEventsOn(day), day).toBe(1);
    expect(failuresLogged()).toEqual([]);
  }

  it('sends each day once, to each member of the cohort once, with every instance at the minute together', async () => {
    expect(invited).toHaveLength(MEMBERS_PER_COHORT);
    for (const day of DAYS) {
      await setClocks(justBefore(day));
      expect(await sendsOn(day), day).toEqual([]);
      // Each instance looks at the new time before its clock move is acknowledged: all three race.
      await setClocks(theMinute(day));
      await expectSentOnce(day);
    }
  });

  it('sends the minute that came while every instance was down once they are back, once', async () => {
    await setClocks(justBefore(RESTART_DAY));
    for (const api of processes) api.kill('SIGKILL');
    await Promise.all(processes.map((api) => api.exited));
    expect(await sendsOn(RESTART_DAY)).toEqual([]);

    processes = await Promise.all(processes.map((api) => start(api.name, api.port)));
    await setClocks(new Date(theMinute(RESTART_DAY).getTime() + 30_000));
    await expectSentOnce(RESTART_DAY);
  });
});
