import { PULSE_COHORTS_DEFAULT } from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';
import { readPulseResults } from '../pulse/results.js';
import { readPulseSettings } from '../pulse/settings.js';
import { findTenantBySlug } from '../tenants/repository.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../test-support/databases.js';
import { PULSE_RESPONSE_COLUMNS } from '../test-support/pulse.js';
import { seedDemoData } from './seed.js';

/** A Wednesday of ISO week 2026-W49: the demo's check-ins run from W41 to W48. */
const SEEDED_AT: Clock = { now: () => new Date('2026-12-02T10:00:00Z') };
const HISTORY_WEEKS = Array.from({ length: 8 }, (_, index) => `2026-W${41 + index}`);

/** The demo shows every state of a meeting at once: one running, one coming, one archived with answers. */
describe.each(DIALECTS)('demo data on %s', (dialect) => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = database.db;
    expect(await seedDemoData(db, SEEDED_AT)).toBe(true);
  });
  afterAll(() => database?.drop());

  const meetingsOf = (slug: string) =>
    db
      .selectFrom('meetings')
      .innerJoin('tenants', 'tenants.id', 'meetings.tenantId')
      .select(['meetings.id', 'meetings.title', 'meetings.state', 'meetings.opensAt'])
      .where('tenants.slug', '=', slug)
      .orderBy('meetings.title')
      .execute();

  const questionsOf = (meetingId: string) =>
    db
      .selectFrom('questions')
      .select(['status', 'responseText'])
      .where('meetingId', '=', meetingId)
      .execute();

  it('has an open December all-hands, a Q1 kickoff a week away and a closed November all-hands', async () => {
    const meetings = await meetingsOf('demo');
    expect(meetings.map(({ title, state }) => [title, state])).toEqual([
      ['December all-hands', 'open'],
      ['November all-hands', 'closed'],
      ['Q1 kickoff', 'scheduled'],
    ]);
    const kickoff = meetings.find((meeting) => meeting.state === 'scheduled');
    const daysAway = (Date.parse(kickoff?.opensAt ?? '') - Date.now()) / 86_400_000;
    expect(daysAway).toBeGreaterThan(6.9);
    expect(daysAway).toBeLessThanOrEqual(7);
  });

  it('keeps the questions, votes and tags of the demo in the running meeting and answers in the archive', async () => {
    const [december, november, kickoff] = await meetingsOf('demo');
    expect(await questionsOf(december?.id ?? '')).toHaveLength(20);
    const archived = await questionsOf(november?.id ?? '');
    expect(archived.filter((question) => question.status === 'ANSWERED').length).toBeGreaterThanOrEqual(3);
    expect(archived.every((question) => question.status !== 'ANSWERED' || question.responseText)).toBe(true);
    expect(await questionsOf(kickoff?.id ?? '')).toEqual([]);
    const votes = await db.selectFrom('upvotes').select('voterId').execute();
    const tagged = await db.selectFrom('questionTags').select('tagId').execute();
    expect(votes.length).toBeGreaterThan(0);
    expect(tagged.length).toBeGreaterThan(0);
    expect(await meetingsOf('acme')).toMatchObject([{ state: 'open' }]);
  });

  async function demoAccess() {
    const tenant = await findTenantBySlug(db, 'demo');
    if (!tenant) throw new Error('no demo tenant');
    return { tenant, actor: { id: crypto.randomUUID(), role: 'owner' as const } };
  }

  it('runs pulse in the demo at 09:00 in its time zone, with the default cohorts and threshold', async () => {
    const { tenant } = await demoAccess();
    expect(await readPulseSettings(db, tenant.id)).toMatchObject({
      enabled: true,
      timeZone: 'Europe/Berlin',
      timeOfDay: '09:00',
      cohorts: [...PULSE_COHORTS_DEFAULT],
      threshold: 5,
    });
    const members = await db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.userId')
      .select(['memberships.teamId', 'users.guest', 'users.passwordHash', 'users.email'])
      .where('memberships.tenantId', '=', tenant.id)
      .execute();
    expect(members.length).toBeGreaterThanOrEqual(30);
    expect(members.every((member) => member.teamId !== null && member.guest === 0)).toBe(true);
    // Colleagues added for pulse cannot be signed into: only the demo accounts have a password.
    expect(
      members
        .filter((member) => member.passwordHash !== null)
        .map((member) => member.email)
        .sort(),
    ).toEqual(['alice@demo.test', 'bob@demo.test', 'mod@demo.test', 'owner@demo.test']);
  });

  it('has eight weeks of check-ins up to last week, answered as answers are stored: no user, the hour only', async () => {
    const { tenant } = await demoAccess();
    const sends = await db
      .selectFrom('pulseSends')
      .select(['week', 'localDate'])
      .where('tenantId', '=', tenant.id)
      .execute();
    expect(sends).toHaveLength(56);
    expect([...new Set(sends.map((send) => send.week))].sort()).toEqual(HISTORY_WEEKS);
    const responses = await db
      .selectFrom('pulseResponses')
      .selectAll()
      .where('tenantId', '=', tenant.id)
      .execute();
    const used = await db
      .selectFrom('pulseInvitations')
      .select(['used'])
      .where('tenantId', '=', tenant.id)
      .execute();
    expect(responses.length).toBe(used.filter((invitation) => invitation.used === 1).length);
    expect(responses.length).toBeGreaterThan(used.length / 2);
    expect(responses.length).toBeLessThan(used.length);
    for (const response of responses) {
      expect(Object.keys(response).sort()).toEqual(PULSE_RESPONSE_COLUMNS);
      expect(response.submittedAt).toMatch(/T\d\d:00:00\.000Z$/);
    }
    const acme = await findTenantBySlug(db, 'acme');
    expect(await readPulseSettings(db, acme?.id ?? '')).toMatchObject({ enabled: false });
  });

  it('shows a trend for every question on the results, with its round by team and cohort', async () => {
    const results = await readPulseResults(db, SEEDED_AT, await demoAccess(), { tenant: 'demo', weeks: 12 });
    expect(results.questions.map(({ question }) => question.scale)).toEqual([
      'agree5',
      'likely10',
      'agree5',
      'agree5',
    ]);
    const [workload, recommend, expectations, onCall] = results.questions;
    expect(onCall?.question.teamId).not.toBeNull();
    for (const entry of results.questions) {
      expect(entry.trend.map((point) => point.week)).toEqual(HISTORY_WEEKS);
      expect(entry.round).toMatchObject({ week: '2026-W48', overall: { suppressed: false } });
      expect(entry.round?.responseRate).toBeGreaterThan(0.5);
    }
    for (const entry of [workload, recommend, expectations]) {
      expect(entry?.trend.every((point) => !point.result.suppressed)).toBe(true);
      expect(entry?.round?.teams.map((team) => team.teamName)).toEqual(['Engineering', 'Sales']);
    }
    expect(onCall?.round?.teams.map((team) => team.teamName)).toEqual(['Engineering']);
    // Gently better: the last two weeks' mean above the first two weeks'.
    for (const entry of [workload, recommend]) {
      const means = (entry?.trend ?? []).map((point) =>
        point.result.suppressed ? Number.NaN : point.result.mean,
      );
      const [first = 0, second = 0] = means;
      expect(means.slice(-2).reduce((sum, mean) => sum + mean, 0)).toBeGreaterThan(first + second);
    }
  });

  it('seeds only an empty database', async () => {
    expect(await seedDemoData(db)).toBe(false);
  });
});
