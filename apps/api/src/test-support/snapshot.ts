import { sql } from 'kysely';
import type { Database } from '../db/schema.js';

/** Signing in legitimately adds sessions, so a refused call may leave one behind. */
const IGNORED_TABLES = new Set(['sessions']);
/**
 * SQLite's text index of question bodies and its own tables: triggers write it from `questions`, so it
 * changes exactly when they do, and its rows count index pages rather than anything stored.
 */
const isSearchIndex = (name: string) => name === 'questions_search' || name.startsWith('questions_search_');

/** Every table the database holds now, migrations' bookkeeping and sessions aside: none is forgotten. */
async function tables(db: Database) {
  const found = await db.introspection.getTables({ withInternalKyselyTables: false });
  return found
    .filter((table) => !table.isView && !IGNORED_TABLES.has(table.name) && !isSearchIndex(table.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every row of every table by the table's name, in a stable order. */
export async function snapshotData(db: Database): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const { schema, name } of await tables(db)) {
    const table = sql.table(schema ? `${schema}.${name}` : name);
    const { rows } = await sql<Record<string, unknown>>`select * from ${table}`.execute(db);
    snapshot[name] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return snapshot;
}
