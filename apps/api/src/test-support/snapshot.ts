import type { Database, DatabaseSchema } from '../db/schema.js';

const TABLES: (keyof DatabaseSchema)[] = [
  'tenants',
  'teams',
  'users',
  'memberships',
  'removedMembers',
  'links',
  'serviceTokens',
  'tags',
  'questions',
  'upvotes',
  'questionTags',
  'queueStates',
  'eventSequences',
  'events',
];

/** Every row of every table except sessions (signing in legitimately adds those), in a stable order. */
export async function snapshotData(db: Database): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const rows = await db.selectFrom(table).selectAll().execute();
    snapshot[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return snapshot;
}
