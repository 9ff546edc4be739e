import type { Tag } from '@pulsestage/contracts';
import type { Database } from '../db/schema.js';
import { conflict } from '../errors.js';
import { insertTag, selectTags } from './tags-repository.js';

export function listTags(db: Database, tenantId: string): Promise<Tag[]> {
  return selectTags(db, tenantId);
}

export async function createTag(
  db: Database,
  tenantId: string,
  input: { name: string; color: string },
): Promise<Tag> {
  const tag = { id: crypto.randomUUID(), name: input.name, color: input.color.toLowerCase() };
  if (!(await insertTag(db, tenantId, tag))) throw conflict(`A tag named "${input.name}" already exists`);
  return tag;
}
