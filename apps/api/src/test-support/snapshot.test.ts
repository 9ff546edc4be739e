import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from './databases.js';
import { snapshotData } from './snapshot.js';

describe.each(DIALECTS)('data snapshots on %s', (dialect) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database.drop());

  it("covers every table but sessions and the migrations' own bookkeeping", async () => {
    const tables = Object.keys(await snapshotData(database.db));
    expect(tables).toContain('removed_members');
    expect(tables).not.toContain('sessions');
    expect(tables.some((name) => name.startsWith('kysely_'))).toBe(false);
  });

  it('catches a change in a table no list names', async () => {
    const { db } = database;
    await sql`create table scratch_notes (id integer primary key, body text not null)`.execute(db);
    const before = await snapshotData(db);
    await sql`insert into scratch_notes (id, body) values (1, 'written behind every list')`.execute(db);
    expect(await snapshotData(db)).not.toEqual(before);
  });
});
