import { createScratchDatabase } from '@pulsestage/test-harness/postgres';
import { type DatabaseTarget, migrateToLatest, openDatabase } from '../db/database.js';
import type { Database } from '../db/schema.js';

export type DialectName = 'sqlite' | 'postgres';

const postgresUrl = process.env.TEST_DATABASE_URL;

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL names a server (CI always sets it). */
export const DIALECTS: DialectName[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

if (!postgresUrl) {
  console.warn('TEST_DATABASE_URL is not set: the PostgreSQL variants of the API tests are skipped.');
}

export interface TestDatabase {
  db: Database;
  target: DatabaseTarget;
  drop(): Promise<void>;
}

/** A fresh, migrated database: in-memory SQLite, or a throw-away PostgreSQL database. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const target: DatabaseTarget = { kind: 'sqlite', path: ':memory:' };
    const db = openDatabase(target);
    await migrateToLatest(db);
    return { db, target, drop: () => db.destroy() };
  }
  if (!postgresUrl) throw new Error('TEST_DATABASE_URL is not set');
  const scratch = await createScratchDatabase(postgresUrl);
  const target: DatabaseTarget = { kind: 'postgres', url: scratch.url };
  // Dropping the database below ends connections the pool is still closing; that is expected.
  const db = openDatabase(target, () => {});
  await migrateToLatest(db);
  return {
    db,
    target,
    drop: async () => {
      await db.destroy();
      await scratch.drop();
    },
  };
}
