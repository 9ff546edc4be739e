import type { Tag } from '@pulsestage/contracts';
import { inserted } from '../db/results.js';
import type { Database } from '../db/schema.js';
import { conflict } from '../errors.js';

export function listTags(db: Database, tenantId: string): Promise<Tag[]> {
  return db
    .selectFrom('tags')
    .select(['id', 'name', 'color'])
    .where('tenantId', '=', tenantId)
    .orderBy('name')
    .execute();
}

export async function createTag(
  db: Database,
  tenantId: string,
  input: { name: string; color: string },
): Promise<Tag> {
  const tag = { id: crypto.randomUUID(), name: input.name, color: input.color.toLowerCase() };
  const insertResult = await db
    .insertInto('tags')
    .values({ ...tag, tenantId, createdAt: new Date().toISOString() })
    .onConflict((oc) => oc.columns(['tenantId', 'name']).doNothing())
    .executeTakeFirst();
  if (!inserted(insertResult)) throw conflict(`A tag named "${input.name}" already exists`);
  return tag;
}
