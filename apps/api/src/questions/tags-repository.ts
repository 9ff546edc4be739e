import type { Tag } from '@pulsestage/contracts';
import { deleted, inserted } from '../db/results.js';
import type { Executor } from '../db/schema.js';

export function selectTags(db: Executor, tenantId: string): Promise<Tag[]> {
  return db
    .selectFrom('tags')
    .select(['id', 'name', 'color'])
    .where('tenantId', '=', tenantId)
    .orderBy('name')
    .execute();
}

/** False when the tenant already has a tag of that name. */
export async function insertTag(db: Executor, tenantId: string, tag: Tag): Promise<boolean> {
  const result = await db
    .insertInto('tags')
    .values({ ...tag, tenantId, createdAt: new Date().toISOString() })
    .onConflict((oc) => oc.columns(['tenantId', 'name']).doNothing())
    .executeTakeFirst();
  return inserted(result);
}

export function findTenantTag(db: Executor, tenantId: string, tagId: string): Promise<Tag | undefined> {
  return db
    .selectFrom('tags')
    .select(['id', 'name', 'color'])
    .where('id', '=', tagId)
    .where('tenantId', '=', tenantId)
    .executeTakeFirst();
}

/** False when the question already has the tag. */
export async function attachTag(trx: Executor, questionId: string, tagId: string): Promise<boolean> {
  const result = await trx
    .insertInto('questionTags')
    .values({ questionId, tagId })
    .onConflict((oc) => oc.columns(['questionId', 'tagId']).doNothing())
    .executeTakeFirst();
  return inserted(result);
}

/** False when the question does not have the tag. */
export async function detachTag(trx: Executor, questionId: string, tagId: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('questionTags')
    .where('questionId', '=', questionId)
    .where('tagId', '=', tagId)
    .executeTakeFirst();
  return deleted(result);
}
