import type { Role } from '@pulsestage/contracts';
import type { Executor } from '../db/schema.js';

const now = () => new Date().toISOString();

interface NewJoinLink {
  id: string;
  code: string;
  createdAt: string;
}

interface NewDisplayLink {
  id: string;
  tokenHash: string;
  createdAt: string;
}

interface NewServiceToken {
  id: string;
  name: string;
  role: Role;
  tokenHash: string;
}

export async function insertJoinLink(db: Executor, tenantId: string, createdBy: string, link: NewJoinLink) {
  await db
    .insertInto('links')
    .values({ ...link, tenantId, kind: 'join', tokenHash: null, createdBy })
    .execute();
}

export async function insertDisplayLink(
  db: Executor,
  tenantId: string,
  createdBy: string,
  link: NewDisplayLink,
) {
  await db
    .insertInto('links')
    .values({ ...link, tenantId, kind: 'display', code: null, createdBy })
    .execute();
}

export async function insertServiceToken(
  db: Executor,
  tenantId: string,
  createdBy: string,
  token: NewServiceToken,
) {
  await db
    .insertInto('serviceTokens')
    .values({ ...token, tenantId, createdBy, createdAt: now() })
    .execute();
}

/** Marks a tenant's link or token revoked; false when the id is unknown, foreign or already revoked. */
export async function markRevoked(
  db: Executor,
  table: 'links' | 'serviceTokens',
  tenantId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .updateTable(table)
    .set({ revokedAt: now() })
    .where('id', '=', id)
    .where('tenantId', '=', tenantId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The tenant's links that still work, newest first. */
export function selectActiveLinks(db: Executor, tenantId: string) {
  return db
    .selectFrom('links')
    .select(['id', 'kind', 'code', 'createdAt'])
    .where('tenantId', '=', tenantId)
    .where('revokedAt', 'is', null)
    .orderBy('createdAt', 'desc')
    .execute();
}

/** The tenant's service tokens that are not revoked, newest first. */
export function selectActiveServiceTokens(db: Executor, tenantId: string) {
  return db
    .selectFrom('serviceTokens')
    .select(['id', 'tenantId', 'name', 'role', 'createdBy', 'createdAt'])
    .where('tenantId', '=', tenantId)
    .where('revokedAt', 'is', null)
    .orderBy('createdAt', 'desc')
    .execute();
}

export async function newestJoinCode(db: Executor, tenantId: string): Promise<string | null> {
  const link = await db
    .selectFrom('links')
    .select('code')
    .where('tenantId', '=', tenantId)
    .where('kind', '=', 'join')
    .where('revokedAt', 'is', null)
    .orderBy('createdAt', 'desc')
    .executeTakeFirst();
  return link?.code ?? null;
}
