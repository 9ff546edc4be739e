import { sql } from 'kysely';
import type { Database } from '../db/schema.js';

/** Signing in legitimately adds sessions, so a refused call may leave one behind. */
const IGNORED_TABLES = new Set(['sessions']);

/** Every table the database holds now, migrations' bookkeeping and sessions aside: none is forgotten. */
async function tableNames(db: Database): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: false });
  return tables
    .filter((table) => !table.isView && !IGNORED_TABLES.has(table.name))
    .map((table) => (table.schema ? `${table.schema}.${table.name}` : table.name))
    .sort();
}

/** Every row of every table, in a stable order. */
export async function snapshotData(db: Database): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const table of await tableNames(db)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    snapshot[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return snapshot;
}
