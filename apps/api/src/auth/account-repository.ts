import type { Executor } from '../db/schema.js';

/**
 * Gives a public id to the user's sessions made before sessions had one, so every session can be
 * listed and ended; the guard keeps a concurrent listing from renaming one twice.
 */
async function namePublicly(db: Executor, userId: string): Promise<void> {
  const unnamed = await db
    .selectFrom('sessions')
    .select('id')
    .where('userId', '=', userId)
    .where('publicId', 'is', null)
    .execute();
  for (const { id } of unnamed) {
    await db
      .updateTable('sessions')
      .set({ publicId: crypto.randomUUID() })
      .where('id', '=', id)
      .where('publicId', 'is', null)
      .execute();
  }
}

/** The user's sessions that have not expired, most recently used first. */
export async function selectSessions(db: Executor, userId: string) {
  await namePublicly(db, userId);
  return db
    .selectFrom('sessions')
    .select(['id', 'publicId', 'userAgent', 'createdAt', 'lastUsedAt'])
    .where('userId', '=', userId)
    .where('expiresAt', '>', new Date().toISOString())
    .where('publicId', 'is not', null)
    .$narrowType<{ publicId: string }>()
    .orderBy((eb) => eb.fn.coalesce('lastUsedAt', 'createdAt'), 'desc')
    .orderBy('publicId')
    .execute();
}

/** The hash-named id of the user's session with that public id; undefined when the user has none such. */
export async function findSessionId(db: Executor, userId: string, publicId: string) {
  const row = await db
    .selectFrom('sessions')
    .select('id')
    .where('userId', '=', userId)
    .where('publicId', '=', publicId)
    .executeTakeFirst();
  return row?.id;
}

/** Ends every session of the user; returns how many there were. */
export async function deleteSessionsOf(db: Executor, userId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('userId', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
