import type { DisplayLink, JoinLink, TenantAccessList } from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import { DISPLAY_TOKEN_PREFIX } from '../auth/credentials.js';
import { generateSecret, hashSecret } from '../auth/secrets.js';
import type { Database, Executor } from '../db/schema.js';
import { notFound } from '../errors.js';
import {
  insertDisplayLink,
  insertJoinLink,
  markRevoked,
  newestJoinCode,
  selectActiveLinks,
} from './access-repository.js';

/** A new join link of the tenant; its code is meant to be shared, so it is kept as it is. */
export async function openJoinLink(
  executor: Executor,
  tenantId: string,
  createdBy: string,
): Promise<JoinLink> {
  const link = {
    id: crypto.randomUUID(),
    code: generateSecret().slice(0, 16),
    createdAt: new Date().toISOString(),
  };
  await insertJoinLink(executor, tenantId, createdBy, link);
  return link;
}

export function createJoinLink(db: Database, access: TenantAccess): Promise<JoinLink> {
  return openJoinLink(db, access.tenant.id, access.actor.id);
}

/** A display link's token is shown once: only its hash is kept. */
export async function createDisplayLink(db: Database, access: TenantAccess): Promise<DisplayLink> {
  const link = {
    id: crypto.randomUUID(),
    token: `${DISPLAY_TOKEN_PREFIX}${generateSecret()}`,
    createdAt: new Date().toISOString(),
  };
  await insertDisplayLink(db, access.tenant.id, access.actor.id, {
    id: link.id,
    tokenHash: hashSecret(link.token),
    createdAt: link.createdAt,
  });
  return link;
}

export async function revokeLink(db: Database, access: TenantAccess, linkId: string) {
  if (!(await markRevoked(db, 'links', access.tenant.id, linkId))) {
    throw notFound('Link not found or already revoked');
  }
  return { linkId };
}

/** The tenant's links that still work, newest first; display links without their secret. */
export async function listLinks(
  db: Database,
  tenantId: string,
): Promise<Pick<TenantAccessList, 'joinLinks' | 'displayLinks'>> {
  const links = await selectActiveLinks(db, tenantId);
  return {
    joinLinks: links.flatMap(({ id, kind, code, createdAt }) =>
      kind === 'join' && code ? [{ id, code, createdAt }] : [],
    ),
    displayLinks: links
      .filter((link) => link.kind === 'display')
      .map(({ id, createdAt }) => ({ id, createdAt })),
  };
}

/** The newest join link that still works, for everyone in the tenant to share (and the display's QR code). */
export async function currentJoinCode(db: Database, tenantId: string): Promise<{ code: string } | null> {
  const code = await newestJoinCode(db, tenantId);
  return code ? { code } : null;
}
