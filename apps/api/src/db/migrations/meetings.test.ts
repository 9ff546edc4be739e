/**
 * Upgrading a database written by the release before meetings: every question, vote, tag, pin, answer
 * and freeze ends up in one open "Q&A" meeting per tenant, unchanged, and every stored event still
 * reads as exactly the payload each older subscriber got before.
 */
import { type EventType, eventCatalog, MEETING_CODE_LENGTH } from '@pulsestage/contracts';
import { createScratchDatabase } from '@pulsestage/test-harness/postgres';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type DialectName } from '../../test-support/databases.js';
import { migrateTo, migrateToLatest, openDatabase } from '../database.js';
import type { Database } from '../schema.js';

type Row = Record<string, unknown>;

const ids = {
  tenants: { frozen: crypto.randomUUID(), running: crypto.randomUUID() },
  owner: crypto.randomUUID(),
  member: crypto.randomUUID(),
  team: crypto.randomUUID(),
  tag: crypto.randomUUID(),
  questions: {
    open: crypto.randomUUID(),
    answered: crypto.randomUUID(),
    underReview: crypto.randomUUID(),
    rejected: crypto.randomUUID(),
    elsewhere: crypto.randomUUID(),
  },
};
const AT = '2025-11-03T09:30:00.000Z';
const LATER = '2025-11-03T10:15:00.000Z';

/** What the release before meetings stored for each family: the newest payload it knew. */
const STORED_EVENTS: { tenantId: string; type: EventType; audience: string; data: Row }[] = [
  {
    tenantId: ids.tenants.frozen,
    type: 'question:created',
    audience: 'all',
    data: {
      id: ids.questions.open,
      body: 'Will we hire in Lisbon?',
      teamId: ids.team,
      status: 'OPEN',
      upvoteCount: 0,
      submittedAt: AT,
    },
  },
  {
    tenantId: ids.tenants.frozen,
    type: 'question:upvoted',
    audience: 'all',
    data: { questionId: ids.questions.open, upvoteCount: 1 },
  },
  {
    tenantId: ids.tenants.frozen,
    type: 'question:tagged',
    audience: 'all',
    data: { questionId: ids.questions.open, tag: { id: ids.tag, name: 'Hiring', color: '#2563eb' } },
  },
  {
    tenantId: ids.tenants.frozen,
    type: 'question:untagged',
    audience: 'all',
    data: { questionId: ids.questions.open, tagId: ids.tag },
  },
  {
    tenantId: ids.tenants.frozen,
    type: 'question:pinned',
    audience: 'all',
    data: { questionId: ids.questions.open, pinned: true },
  },
  {
    tenantId: ids.tenants.frozen,
    type: 'question:answered',
    audience: 'all',
    data: {
      id: ids.questions.answered,
      status: 'ANSWERED',
      responseText: 'Yes, from March.',
      answeredAt: LATER,
      teamId: null,
    },
  },
  {
    tenantId: ids.tenants.frozen,
    type: 'question:pending',
    audience: 'moderators',
    data: { id: ids.questions.underReview, body: 'Under review', teamId: null, submittedAt: AT },
  },
  {
    tenantId: ids.tenants.frozen,
    type: 'question:removed',
    audience: 'moderators',
    data: { questionId: ids.questions.rejected },
  },
  { tenantId: ids.tenants.frozen, type: 'question:frozen', audience: 'all', data: { frozen: true } },
  {
    tenantId: ids.tenants.frozen,
    type: 'tenant:updated',
    audience: 'all',
    data: {
      name: 'Frozen Inc',
      settings: { requireApproval: true, allowGuests: false, minQuestionLength: 1, maxQuestionLength: 2000 },
    },
  },
  {
    tenantId: ids.tenants.running,
    type: 'question:created',
    audience: 'all',
    data: {
      id: ids.questions.elsewhere,
      body: 'Another tenant',
      teamId: null,
      status: 'OPEN',
      upvoteCount: 0,
      submittedAt: AT,
    },
  },
];

/** Writes what the release before meetings wrote, statement by statement, in its own tables. */
async function writeOldReleaseData(db: Database): Promise<void> {
  const { frozen, running } = ids.tenants;
  for (const [id, slug, name, isFrozen] of [
    [frozen, 'frozen', 'Frozen Inc', 1],
    [running, 'running', 'Running LLC', 0],
  ] as const) {
    await sql`insert into tenants (id, slug, name, require_approval, allow_guests, min_question_length, max_question_length, created_at)
              values (${id}, ${slug}, ${name}, 1, 0, 1, 2000, ${AT})`.execute(db);
    await sql`insert into queue_states (tenant_id, frozen) values (${id}, ${isFrozen})`.execute(db);
    await sql`insert into event_sequences (tenant_id, last_seq) values (${id}, 0)`.execute(db);
  }
  for (const [id, email] of [
    [ids.owner, 'owner@frozen.test'],
    [ids.member, 'member@frozen.test'],
  ] as const) {
    await sql`insert into users (id, email, name, password_hash, guest, created_at)
              values (${id}, ${email}, ${email}, null, 0, ${AT})`.execute(db);
  }
  await sql`insert into memberships (tenant_id, user_id, role, created_at) values
            (${frozen}, ${ids.owner}, 'owner', ${AT}), (${frozen}, ${ids.member}, 'member', ${AT})`.execute(
    db,
  );
  await sql`insert into teams (id, tenant_id, name, created_at) values (${ids.team}, ${frozen}, 'Sales', ${AT})`.execute(
    db,
  );
  await sql`insert into tags (id, tenant_id, name, color, created_at)
            values (${ids.tag}, ${frozen}, 'Hiring', '#2563eb', ${AT})`.execute(db);
  const q = ids.questions;
  await sql`insert into questions (id, tenant_id, team_id, author_id, body, status, response_text, answered_at, pinned_at, submitted_at, rejected_at) values
    (${q.open}, ${frozen}, ${ids.team}, ${ids.member}, 'Will we hire in Lisbon?', 'OPEN', null, null, ${LATER}, ${AT}, null),
    (${q.answered}, ${frozen}, null, ${ids.owner}, 'Is parental leave changing?', 'ANSWERED', 'Yes, from March.', ${LATER}, null, ${AT}, null),
    (${q.underReview}, ${frozen}, null, ${ids.member}, 'Under review', 'UNDER_REVIEW', null, null, null, ${AT}, null),
    (${q.rejected}, ${frozen}, null, ${ids.member}, 'Rejected', 'UNDER_REVIEW', null, null, null, ${AT}, ${LATER}),
    (${q.elsewhere}, ${running}, null, ${ids.owner}, 'Another tenant', 'OPEN', null, null, null, ${AT}, null)`.execute(
    db,
  );
  await sql`insert into upvotes (question_id, voter_id, created_at) values
            (${q.open}, ${ids.owner}, ${AT}), (${q.answered}, ${ids.member}, ${AT})`.execute(db);
  await sql`insert into question_tags (question_id, tag_id) values (${q.open}, ${ids.tag})`.execute(db);
  for (const [index, event] of STORED_EVENTS.entries()) {
    await sql`insert into events (tenant_id, seq, type, audience, data, timestamp)
              values (${event.tenantId}, ${index + 1}, ${event.type}, ${event.audience}, ${JSON.stringify(event.data)}, ${1_700_000_000_000 + index})`.execute(
      db,
    );
    await sql`update event_sequences set last_seq = ${index + 1} where tenant_id = ${event.tenantId}`.execute(
      db,
    );
  }
}

/** Every row of a table, with camel-case keys as the application reads them. */
async function rows(db: Database, table: string, orderBy: string): Promise<Row[]> {
  const result = await sql<Row>`select * from ${sql.table(table)} order by ${sql.ref(orderBy)}`.execute(db);
  return result.rows;
}

/** A database that has not been migrated at all: in-memory SQLite, or a scratch PostgreSQL database. */
async function emptyDatabase(dialect: DialectName): Promise<{ db: Database; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const db = openDatabase({ kind: 'sqlite', path: ':memory:' });
    return { db, drop: () => db.destroy() };
  }
  const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL ?? '');
  const db = openDatabase({ kind: 'postgres', url: scratch.url }, () => {});
  return {
    db,
    drop: async () => {
      await db.destroy();
      await scratch.drop();
    },
  };
}

describe.each(DIALECTS)('migrating a database of the release before meetings on %s', (dialect) => {
  let database: { db: Database; drop(): Promise<void> };
  let db: Database;
  const before: Record<string, Row[]> = {};

  beforeAll(async () => {
    database = await emptyDatabase(dialect);
    db = database.db;
    await migrateTo(db, '003-removed-members');
    await writeOldReleaseData(db);
    for (const [table, order] of KEPT_TABLES) before[table] = await rows(db, table, order);
    await migrateToLatest(db);
  });
  afterAll(() => database?.drop());

  const meetingOf = async (tenantId: string) =>
    db.selectFrom('meetings').selectAll().where('tenantId', '=', tenantId).execute();

  it('gives each tenant one open "Q&A" meeting, paused where the queue was frozen', async () => {
    const frozen = await meetingOf(ids.tenants.frozen);
    const running = await meetingOf(ids.tenants.running);
    expect(frozen).toMatchObject([{ title: 'Q&A', state: 'open', paused: 1, requireApproval: null }]);
    expect(running).toMatchObject([{ title: 'Q&A', state: 'open', paused: 0, allowGuests: null }]);
    const codes = [...frozen, ...running].map((meeting) => meeting.code);
    for (const code of codes) expect(code).toMatch(new RegExp(`^\\d{${MEETING_CODE_LENGTH}}$`));
    expect(new Set(codes).size).toBe(2);
  });

  it("moves every question into its tenant's meeting without changing it, votes, tags and pin included", async () => {
    const [frozen] = await meetingOf(ids.tenants.frozen);
    const [running] = await meetingOf(ids.tenants.running);
    const meetingIdOf = { [ids.tenants.frozen]: frozen?.id, [ids.tenants.running]: running?.id };
    // PostgreSQL also stores each body's search vector (`009-similar-questions`), derived from the body.
    const questions = (await rows(db, 'questions', 'id')).map(
      ({ bodySearch: _derived, ...question }) => question,
    );
    expect(questions).toEqual(
      (before.questions ?? []).map((question) => ({
        ...question,
        meetingId: meetingIdOf[String(question.tenantId)],
        hiddenAt: null,
        editedAt: null,
        // Added by a later migration: nobody had asked to be told of an answer.
        notifyAuthor: 0,
        mergedIntoId: null,
        mergedAt: null,
      })),
    );
    for (const [table, order] of KEPT_TABLES.filter(([table]) => table !== 'questions')) {
      expect(await rows(db, table, order), table).toMatchObject(before[table] ?? []);
    }
  });

  it('drops the queue table: the pause now lives on the meeting', async () => {
    const tables = await db.introspection.getTables();
    expect(tables.map((table) => table.name)).not.toContain('queue_states');
  });

  it('rewrites stored events to the newest payloads, which downgrade to exactly what older subscribers got', async () => {
    const [frozen] = await meetingOf(ids.tenants.frozen);
    const [running] = await meetingOf(ids.tenants.running);
    const stored = await db.selectFrom('events').selectAll().orderBy('tenantId').orderBy('seq').execute();
    expect(stored).toHaveLength(STORED_EVENTS.length);
    for (const [index, old] of STORED_EVENTS.entries()) {
      const row = stored.find((event) => event.tenantId === old.tenantId && Number(event.seq) === index + 1);
      expect(row, `${old.type} #${index + 1}`).toBeDefined();
      if (!row) continue;
      const family = eventCatalog[old.type];
      const latest = family.versions[family.latest as keyof typeof family.versions] as {
        parse(data: unknown): unknown;
      };
      const payload = latest.parse(JSON.parse(row.data));
      const meetingId = old.tenantId === ids.tenants.frozen ? frozen?.id : running?.id;
      const isQuestionEvent = old.type.startsWith('question:');
      expect(row.meetingId, old.type).toBe(isQuestionEvent ? meetingId : null);
      expect({ type: row.type, audience: row.audience }).toEqual({ type: old.type, audience: old.audience });
      const downgrades = family.downgrade as Record<number, (latest: unknown) => unknown>;
      const previousNewest = old.type === 'question:answered' ? 2 : 1;
      expect(downgrades[previousNewest]?.(payload), old.type).toEqual(old.data);
    }
  });
});

/** Tables the upgrade must leave as they were (questions: but for the new columns), with a stable order. */
const KEPT_TABLES: [string, string][] = [
  ['tenants', 'id'],
  ['users', 'id'],
  ['memberships', 'user_id'],
  ['teams', 'id'],
  ['tags', 'id'],
  ['questions', 'id'],
  ['upvotes', 'question_id'],
  ['question_tags', 'question_id'],
  ['event_sequences', 'tenant_id'],
];
