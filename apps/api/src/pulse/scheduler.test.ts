import { PULSE_INVITATION_DAYS, type PulseSettings, type Role } from '@pulsestage/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Clock, SettableClock } from '../clock.js';
import { addMember, insertTenant } from '../tenants/repository.js';
import { uniqueLabel } from '../test-support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../test-support/databases.js';
import { insertPulseQuestion } from '../test-support/pulse.js';
import { cohortOf } from './cohorts.js';
import {
  type PulseRound,
  type PulseSchedulerOptions,
  sendDueCheckins,
  startPulseScheduler,
} from './scheduler.js';
import { defaultPulseSettings } from './settings.js';
import { upsertPulseSettings } from './settings-repository.js';

const MONDAY = '2026-12-07';
const TUESDAY = '2026-12-08';
const at = (iso: string): Clock => ({ now: () => new Date(iso) });
const ONLY_MONDAYS = {
  monday: 'Weekday',
  tuesday: null,
  wednesday: null,
  thursday: null,
  friday: null,
  saturday: null,
  sunday: null,
};
const EVERY_DAY = {
  monday: 'Everyone',
  tuesday: 'Everyone',
  wednesday: 'Everyone',
  thursday: 'Everyone',
  friday: 'Everyone',
  saturday: 'Everyone',
  sunday: 'Everyone',
};

interface Person {
  userId: string;
  email?: string | null;
  guest?: boolean;
  role?: Role;
  teamId?: string | null;
  pulseEmail?: boolean;
}

describe.each(DIALECTS)('the pulse schedule on %s', (dialect) => {
  let database: TestDatabase;
  const announced: string[] = [];
  /** What the scheduler logged: a round racing another must not fail, so nothing is logged. */
  const logged: unknown[] = [];
  const options = (mailEnabled = false): PulseSchedulerOptions => ({
    mailEnabled,
    announce: async (tenantId) => {
      announced.push(tenantId);
    },
    log: (message, error) => logged.push([message, error]),
  });

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(() => {
    expect(logged).toEqual([]);
  });
  afterAll(() => database.drop());

  const db = () => database.db;

  /** A tenant of its own with these members and pulse settings (enabled unless they say otherwise). */
  async function tenantWith(people: Person[], settings: Partial<PulseSettings> = {}): Promise<string> {
    const slug = uniqueLabel('pulse');
    const { id: tenantId } = await db()
      .transaction()
      .execute((trx) => insertTenant(trx, slug, `Pulse ${slug}`));
    for (const person of people) {
      await db()
        .insertInto('users')
        .values({
          id: person.userId,
          email: person.email === undefined ? `${uniqueLabel('person')}@example.test` : person.email,
          name: 'Person',
          passwordHash: null,
          guest: person.guest ? 1 : 0,
          createdAt: new Date().toISOString(),
        })
        .execute();
      await addMember(db(), tenantId, person.userId, person.role ?? 'member');
      await db()
        .updateTable('memberships')
        .set({ teamId: person.teamId ?? null, pulseEmail: person.pulseEmail === false ? 0 : 1 })
        .where('tenantId', '=', tenantId)
        .where('userId', '=', person.userId)
        .execute();
    }
    await upsertPulseSettings(db(), tenantId, { ...defaultPulseSettings(), enabled: true, ...settings });
    return tenantId;
  }

  async function addTeam(tenantId: string): Promise<string> {
    const id = crypto.randomUUID();
    await db()
      .insertInto('teams')
      .values({ id, tenantId, name: uniqueLabel('team'), createdAt: new Date().toISOString() })
      .execute();
    return id;
  }

  /** User ids with `count` of them in each of the cohorts, so every cohort has somebody. */
  function peopleIn(cohorts: string[], count: number): Record<string, string[]> {
    const byCohort = Object.fromEntries(cohorts.map((cohort) => [cohort, [] as string[]]));
    while (Object.values(byCohort).some((ids) => ids.length < count)) {
      const userId = crypto.randomUUID();
      const ids = byCohort[cohortOf(userId, cohorts)] ?? [];
      if (ids.length < count) ids.push(userId);
    }
    return byCohort;
  }

  const sendsOf = (tenantId: string) =>
    db().selectFrom('pulseSends').selectAll().where('tenantId', '=', tenantId).orderBy('localDate').execute();

  const invitationsOf = (tenantId: string) =>
    db()
      .selectFrom('pulseInvitations')
      .innerJoin('pulseSends', 'pulseSends.id', 'pulseInvitations.sendId')
      .select([
        'pulseInvitations.userId',
        'pulseInvitations.expiresAt',
        'pulseInvitations.used',
        'pulseInvitations.tokenHash',
        'pulseInvitations.emailState',
        'pulseInvitations.emailAttempts',
        'pulseInvitations.emailNextAt',
        'pulseSends.localDate',
        'pulseSends.questionId',
      ])
      .where('pulseInvitations.tenantId', '=', tenantId)
      .execute();

  const openedEventsOf = async (tenantId: string) => {
    const rows = await db()
      .selectFrom('events')
      .select(['type', 'audience', 'data'])
      .where('tenantId', '=', tenantId)
      .where('type', '=', 'checkin:opened')
      .orderBy('seq')
      .execute();
    return rows.map((row) => ({ ...row, data: JSON.parse(row.data) as unknown }));
  };

  const sentTo = (round: PulseRound, tenantId: string) =>
    round.sent.filter((send) => send.tenantId === tenantId);

  const usersOf = async (tenantId: string, localDate?: string) =>
    (await invitationsOf(tenantId))
      .filter((invitation) => localDate === undefined || invitation.localDate === localDate)
      .map((invitation) => invitation.userId)
      .sort();

  it("invites the day's cohort, and only it, once at the scheduled minute, with checkin:opened", async () => {
    const { Weekday: weekday = [], Weekend: weekend = [] } = peopleIn(['Weekday', 'Weekend'], 3);
    const roles: Role[] = ['owner', 'admin', 'moderator'];
    const people = [...weekday, ...weekend].map((userId, index) => ({ userId, role: roles[index] }));
    const tenantId = await tenantWith(people, { schedule: ONLY_MONDAYS });
    const questionId = await insertPulseQuestion(db(), tenantId);

    const before = await sendDueCheckins(db(), at(`${MONDAY}T08:59:59.999Z`), options());
    expect(sentTo(before, tenantId)).toEqual([]);
    expect(await sendsOf(tenantId)).toEqual([]);

    announced.length = 0;
    const round = await sendDueCheckins(db(), at(`${MONDAY}T09:00:00.000Z`), options());
    expect(sentTo(round, tenantId)).toEqual([{ tenantId, localDate: MONDAY, cohortName: 'Weekday' }]);
    expect(announced).toContain(tenantId);
    expect(await sendsOf(tenantId)).toEqual([
      {
        id: expect.any(String),
        tenantId,
        localDate: MONDAY,
        week: '2026-W50',
        cohortName: 'Weekday',
        questionId,
        sentAt: `${MONDAY}T09:00:00.000Z`,
      },
    ]);
    const expiresAt = new Date(Date.parse(`${MONDAY}T09:00:00Z`) + PULSE_INVITATION_DAYS * 86_400_000);
    expect(await invitationsOf(tenantId)).toEqual(
      expect.arrayContaining(
        weekday.map((userId) => ({
          userId,
          expiresAt: expiresAt.toISOString(),
          used: 0,
          tokenHash: null,
          emailState: 'none',
          emailAttempts: 0,
          emailNextAt: null,
          localDate: MONDAY,
          questionId,
        })),
      ),
    );
    expect(await usersOf(tenantId)).toEqual([...weekday].sort());
    expect(await openedEventsOf(tenantId)).toEqual([
      { type: 'checkin:opened', audience: 'all', data: { cohortName: 'Weekday', date: MONDAY } },
    ]);

    // Later rounds that day find the send made.
    for (const time of ['09:00:05', '13:00:00', '23:59:59']) {
      expect(sentTo(await sendDueCheckins(db(), at(`${MONDAY}T${time}Z`), options()), tenantId)).toEqual([]);
    }
    expect(await sendsOf(tenantId)).toHaveLength(1);
    expect(await invitationsOf(tenantId)).toHaveLength(weekday.length);
    expect(await openedEventsOf(tenantId)).toHaveLength(1);
  });

  it("reads the time and the weekday in each tenant's own time zone", async () => {
    const people = () => [{ userId: crypto.randomUUID() }, { userId: crypto.randomUUID() }];
    const everyone = { cohorts: ['Everyone'], schedule: EVERY_DAY };
    const berlin = await tenantWith(people(), { ...everyone, timeZone: 'Europe/Berlin', timeOfDay: '09:00' });
    const losAngeles = await tenantWith(people(), {
      ...everyone,
      timeZone: 'America/Los_Angeles',
      timeOfDay: '09:00',
    });
    const lateInLosAngeles = await tenantWith(people(), {
      cohorts: ['Weekday', 'Weekend'],
      schedule: { ...ONLY_MONDAYS, tuesday: 'Weekend' },
      timeZone: 'America/Los_Angeles',
      timeOfDay: '20:00',
    });
    for (const tenantId of [berlin, losAngeles, lateInLosAngeles]) await insertPulseQuestion(db(), tenantId);

    // 09:00 in Berlin is 00:00 in Los Angeles.
    const berlinMorning = await sendDueCheckins(db(), at(`${MONDAY}T08:00:00Z`), options());
    expect(sentTo(berlinMorning, berlin)).toEqual([
      { tenantId: berlin, localDate: MONDAY, cohortName: 'Everyone' },
    ]);
    expect(sentTo(berlinMorning, losAngeles)).toEqual([]);
    const laMorning = await sendDueCheckins(db(), at(`${MONDAY}T17:00:00Z`), options());
    expect(sentTo(laMorning, losAngeles)).toEqual([
      { tenantId: losAngeles, localDate: MONDAY, cohortName: 'Everyone' },
    ]);
    expect(sentTo(laMorning, berlin)).toEqual([]);

    // 20:00 on Monday in Los Angeles is already Tuesday in UTC: Monday's cohort is invited, for Monday.
    const laEvening = await sendDueCheckins(db(), at(`${TUESDAY}T04:00:00Z`), options());
    expect(sentTo(laEvening, lateInLosAngeles)).toEqual([
      { tenantId: lateInLosAngeles, localDate: MONDAY, cohortName: 'Weekday' },
    ]);
  });

  it('sends at the first minute after a scheduled time that daylight saving skips', async () => {
    // 02:30 does not exist in Berlin on 2026-03-29: clocks go from 02:00 to 03:00 (01:00 UTC).
    const tenantId = await tenantWith([{ userId: crypto.randomUUID() }], {
      cohorts: ['Everyone'],
      schedule: EVERY_DAY,
      timeZone: 'Europe/Berlin',
      timeOfDay: '02:30',
    });
    await insertPulseQuestion(db(), tenantId);
    expect(sentTo(await sendDueCheckins(db(), at('2026-03-29T00:59:59Z'), options()), tenantId)).toEqual([]);
    expect(sentTo(await sendDueCheckins(db(), at('2026-03-29T01:00:00Z'), options()), tenantId)).toEqual([
      { tenantId, localDate: '2026-03-29', cohortName: 'Everyone' },
    ]);
  });

  it("asks each cohort the next active question of its own rotation, wrapping around, a team's only of that team", async () => {
    const people = peopleIn(['Early', 'Late'], 3);
    const [early, late] = [people.Early ?? [], people.Late ?? []];
    const tenantId = await tenantWith(
      [...early, ...late].map((userId) => ({ userId })),
      {
        cohorts: ['Early', 'Late'],
        // Early on Monday and Wednesday, Late on Tuesday: their rotations are separate.
        schedule: {
          ...ONLY_MONDAYS,
          monday: 'Early',
          tuesday: 'Late',
          wednesday: 'Early',
          thursday: 'Early',
        },
      },
    );
    const team = await addTeam(tenantId);
    const emptyTeam = await addTeam(tenantId);
    const [teamMember] = early;
    await db()
      .updateTable('memberships')
      .set({ teamId: team })
      .where('tenantId', '=', tenantId)
      .where('userId', '=', teamMember ?? '')
      .execute();
    const first = await insertPulseQuestion(db(), tenantId, { text: 'First', position: 0 });
    const inactive = await insertPulseQuestion(db(), tenantId, { text: 'Inactive', position: 1 });
    await db().updateTable('pulseQuestions').set({ active: 0 }).where('id', '=', inactive).execute();
    const forTeam = await insertPulseQuestion(db(), tenantId, { text: 'Team', position: 2, teamId: team });
    const forNobody = await insertPulseQuestion(db(), tenantId, {
      text: 'Empty',
      position: 3,
      teamId: emptyTeam,
    });

    const days = ['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-14'];
    for (const day of days) await sendDueCheckins(db(), at(`${day}T09:00:00Z`), options());
    const sends = await sendsOf(tenantId);
    expect(sends.map((send) => [send.localDate, send.cohortName, send.questionId])).toEqual([
      ['2026-12-07', 'Early', first],
      // Late's own rotation starts at the beginning.
      ['2026-12-08', 'Late', first],
      // The inactive question is skipped.
      ['2026-12-09', 'Early', forTeam],
      // The question of a team without anybody in the cohort is passed over; the rotation wraps around.
      ['2026-12-10', 'Early', first],
      ['2026-12-14', 'Early', forTeam],
    ]);
    expect(forNobody).toBeDefined();
    expect(await usersOf(tenantId, '2026-12-07')).toEqual([...early].sort());
    expect(await usersOf(tenantId, '2026-12-08')).toEqual([...late].sort());
    expect(await usersOf(tenantId, '2026-12-09')).toEqual([teamMember]);
  });

  it('never invites guests, of any role, and never anyone of a tenant with the schedule off or never set', async () => {
    const guests = [
      { userId: crypto.randomUUID(), guest: true },
      { userId: crypto.randomUUID(), guest: true, role: 'moderator' as const },
    ];
    const member = { userId: crypto.randomUUID() };
    const withGuests = await tenantWith([...guests, member], { cohorts: ['Everyone'], schedule: EVERY_DAY });
    const disabled = await tenantWith([{ userId: crypto.randomUUID() }], {
      enabled: false,
      cohorts: ['Everyone'],
      schedule: EVERY_DAY,
    });
    const slug = uniqueLabel('unset');
    const { id: neverSet } = await db()
      .transaction()
      .execute((trx) => insertTenant(trx, slug, 'Never set'));
    for (const tenantId of [withGuests, disabled, neverSet]) await insertPulseQuestion(db(), tenantId);

    const round = await sendDueCheckins(db(), at(`${MONDAY}T09:00:00Z`), options());
    expect(sentTo(round, withGuests)).toHaveLength(1);
    expect(await usersOf(withGuests)).toEqual([member.userId]);
    for (const tenantId of [disabled, neverSet]) {
      expect(sentTo(round, tenantId)).toEqual([]);
      expect(await sendsOf(tenantId)).toEqual([]);
    }
  });

  it('makes one send and one invitation per member however many rounds run at once', async () => {
    const people = Array.from({ length: 12 }, () => ({ userId: crypto.randomUUID() }));
    const tenantId = await tenantWith(people, { cohorts: ['Everyone'], schedule: EVERY_DAY });
    await insertPulseQuestion(db(), tenantId);
    const rounds = await Promise.all(
      Array.from({ length: 6 }, () => sendDueCheckins(db(), at(`${MONDAY}T09:00:01Z`), options())),
    );
    expect(rounds.flatMap((round) => sentTo(round, tenantId))).toHaveLength(1);
    expect(await sendsOf(tenantId)).toHaveLength(1);
    expect(await usersOf(tenantId)).toEqual(people.map((person) => person.userId).sort());
    expect(await openedEventsOf(tenantId)).toHaveLength(1);
  });

  it('leaves invitations to email only when the server sends email and the member wants it and has an address', async () => {
    const wantsEmail = { userId: crypto.randomUUID() };
    const optedOut = { userId: crypto.randomUUID(), pulseEmail: false };
    const noAddress = { userId: crypto.randomUUID(), email: null };
    const everyone = { cohorts: ['Everyone'], schedule: EVERY_DAY };
    const mailing = await tenantWith([wantsEmail, optedOut, noAddress], everyone);
    const notMailing = await tenantWith([{ userId: crypto.randomUUID() }], everyone);
    for (const tenantId of [mailing, notMailing]) await insertPulseQuestion(db(), tenantId);

    const now = `${MONDAY}T09:00:00.000Z`;
    await sendDueCheckins(db(), at(now), options(true));
    const states = Object.fromEntries(
      (await invitationsOf(mailing)).map((row) => [row.userId, [row.emailState, row.emailNextAt]]),
    );
    expect(states).toEqual({
      [wantsEmail.userId]: ['pending', now],
      [optedOut.userId]: ['none', null],
      [noAddress.userId]: ['none', null],
    });
    // The same tenant settings, but a server without SMTP_URL: nobody waits for an email.
    const otherServer = await tenantWith([{ userId: crypto.randomUUID() }], everyone);
    await insertPulseQuestion(db(), otherServer);
    await sendDueCheckins(db(), at(now), options(false));
    expect((await invitationsOf(otherServer)).map((row) => row.emailState)).toEqual(['none']);
  });

  it('sends nothing without an active question, and sends once one is added later that day', async () => {
    const tenantId = await tenantWith([{ userId: crypto.randomUUID() }], {
      cohorts: ['Everyone'],
      schedule: EVERY_DAY,
    });
    const inactive = await insertPulseQuestion(db(), tenantId);
    await db().updateTable('pulseQuestions').set({ active: 0 }).where('id', '=', inactive).execute();
    const round = await sendDueCheckins(db(), at(`${MONDAY}T09:00:00Z`), options());
    expect(round.withoutQuestion.filter((send) => send.tenantId === tenantId)).toEqual([
      { tenantId, localDate: MONDAY, cohortName: 'Everyone' },
    ]);
    expect(await sendsOf(tenantId)).toEqual([]);

    await db().updateTable('pulseQuestions').set({ active: 1 }).where('id', '=', inactive).execute();
    const later = await sendDueCheckins(db(), at(`${MONDAY}T11:30:00Z`), options());
    expect(sentTo(later, tenantId)).toHaveLength(1);
  });

  it('catches up a missed minute until the local day ends, but never sends a past day late', async () => {
    const tenantId = await tenantWith([{ userId: crypto.randomUUID() }], {
      cohorts: ['Everyone'],
      schedule: EVERY_DAY,
      timeZone: 'Europe/Berlin',
    });
    await insertPulseQuestion(db(), tenantId);
    // Nobody ran at Monday's minute; Tuesday before the minute, Monday is past: nothing.
    expect(sentTo(await sendDueCheckins(db(), at(`${TUESDAY}T07:59:00Z`), options()), tenantId)).toEqual([]);
    // Tuesday 23:59 in Berlin, long after the minute: Tuesday's send is still made.
    expect(sentTo(await sendDueCheckins(db(), at(`${TUESDAY}T22:59:00Z`), options()), tenantId)).toEqual([
      { tenantId, localDate: TUESDAY, cohortName: 'Everyone' },
    ]);
    expect((await sendsOf(tenantId)).map((send) => send.localDate)).toEqual([TUESDAY]);
  });

  it('runs a round at start and whenever asked, on the clock it is given', async () => {
    const tenantId = await tenantWith([{ userId: crypto.randomUUID() }], {
      cohorts: ['Everyone'],
      schedule: EVERY_DAY,
    });
    await insertPulseQuestion(db(), tenantId);
    const clock = new SettableClock();
    clock.set(new Date(`${MONDAY}T08:59:00Z`));
    const scheduler = startPulseScheduler(db(), clock, options());
    try {
      await scheduler.runNow();
      expect(await sendsOf(tenantId)).toEqual([]);
      clock.set(new Date(`${MONDAY}T09:00:00Z`));
      await scheduler.runNow();
      expect((await sendsOf(tenantId)).map((send) => send.localDate)).toEqual([MONDAY]);
      clock.set(new Date(`${TUESDAY}T09:00:00Z`));
      // The timer's own rounds find Tuesday's send too, without being asked.
      await vi.waitFor(async () => expect(await sendsOf(tenantId)).toHaveLength(2), { timeout: 15_000 });
    } finally {
      await scheduler.stop();
    }
  });
});
