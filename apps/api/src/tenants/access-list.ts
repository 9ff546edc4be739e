import type { TenantAccessList } from '@pulsestage/contracts';
import type { Database } from '../db/schema.js';
import { listLinks } from './links.js';
import { listServiceTokens } from './tokens.js';

/** The tenant's links and tokens that still work, newest first; their secrets are never listed. */
export async function listAccess(db: Database, tenantId: string): Promise<TenantAccessList> {
  const [links, serviceTokens] = await Promise.all([
    listLinks(db, tenantId),
    listServiceTokens(db, tenantId),
  ]);
  return { ...links, serviceTokens };
}
