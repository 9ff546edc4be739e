import type { Role, ServiceToken, TenantAccessList } from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import { effectiveTokenRole, SERVICE_TOKEN_PREFIX } from '../auth/credentials.js';
import { generateSecret, hashSecret } from '../auth/secrets.js';
import type { Database } from '../db/schema.js';
import { notFound } from '../errors.js';
import { insertServiceToken, markRevoked, selectActiveServiceTokens } from './access-repository.js';
import { checkTokenRole } from './rules.js';

/** The token's secret is returned this once: only its hash is kept. */
export async function createServiceToken(
  db: Database,
  access: TenantAccess,
  input: { name: string; role: Role },
): Promise<ServiceToken> {
  checkTokenRole(access.actor.role, input.role);
  const token = { id: crypto.randomUUID(), name: input.name, role: input.role };
  const secret = `${SERVICE_TOKEN_PREFIX}${generateSecret()}`;
  await insertServiceToken(db, access.tenant.id, access.actor.id, {
    ...token,
    tokenHash: hashSecret(secret),
  });
  return { ...token, token: secret };
}

export async function revokeServiceToken(db: Database, access: TenantAccess, tokenId: string) {
  if (!(await markRevoked(db, 'serviceTokens', access.tenant.id, tokenId))) {
    throw notFound('Service token not found or already revoked');
  }
  return { tokenId };
}

/** The tenant's tokens that are not revoked, newest first, each with what it may do now. */
export async function listServiceTokens(
  db: Database,
  tenantId: string,
): Promise<TenantAccessList['serviceTokens']> {
  const tokens = await selectActiveServiceTokens(db, tenantId);
  return Promise.all(
    tokens.map(async ({ id, name, role, createdAt, ...grant }) => ({
      id,
      name,
      role,
      effectiveRole: await effectiveTokenRole(db, { ...grant, role }),
      createdAt,
    })),
  );
}
