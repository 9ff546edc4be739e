import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/schema.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../test-support/databases.js';
import { seedDemoData } from './seed.js';

/** The demo shows every state of a meeting at once: one running, one coming, one archived with answers. */
describe.each(DIALECTS)('demo data on %s', (dialect) => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = database.db;
    expect(await seedDemoData(db)).toBe(true);
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

  it('seeds only an empty database', async () => {
    expect(await seedDemoData(db)).toBe(false);
  });
});
