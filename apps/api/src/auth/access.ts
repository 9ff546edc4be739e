import type { Database } from '../db/schema.js';
import { DomainError, forbidden, notFound, unauthorized } from '../errors.js';
import { findMembershipRole, findTenantBySlug, type TenantRecord } from '../tenants/repository.js';
import { type Caller, callerKey, identifyCaller, type RequestCredentials } from './credentials.js';
import { type AccessRole, describePermission, hasPermission, type Permission } from './permissions.js';
import { checkSsoRequirement } from './sso/rules.js';

/** Who acts inside one tenant: `id` authors questions and casts upvotes. */
export interface Actor {
  id: string;
  role: AccessRole;
}

export interface TenantAccess {
  tenant: TenantRecord;
  actor: Actor;
}

async function actorFor(db: Database, caller: Caller, tenant: TenantRecord): Promise<Actor> {
  switch (caller.kind) {
    case 'anonymous':
      throw unauthorized('Sign in to continue');
    case 'user': {
      const role = await findMembershipRole(db, tenant.id, caller.user.id);
      if (!role) throw forbidden('You are not a member of this organization');
      checkSsoRequirement(tenant, role, caller);
      return { id: caller.user.id, role };
    }
    case 'service':
      if (caller.tenantId !== tenant.id) throw forbidden('This token is not valid for this organization');
      return { id: caller.tokenId, role: caller.role };
    case 'display':
      if (caller.tenantId !== tenant.id)
        throw forbidden('This display link is not valid for this organization');
      return { id: caller.linkId, role: 'display' };
  }
}

/** Resolves the tenant named by a request and checks that the caller may do `permission` in it. */
export async function resolveTenantAccess(
  db: Database,
  caller: Caller,
  slug: string,
  permission: Permission,
): Promise<TenantAccess> {
  if (caller.kind === 'anonymous') throw unauthorized('Sign in to continue');
  const tenant = await findTenantBySlug(db, slug);
  if (!tenant) throw notFound(`There is no organization "${slug}"`);
  const actor = await actorFor(db, caller, tenant);
  if (!hasPermission(actor.role, permission)) {
    throw forbidden(`This needs ${describePermission(permission)} role in this organization`);
  }
  return { tenant, actor };
}

/**
 * The role the credentials grant in the tenant now, or null when they no longer let the caller read it
 * or now identify someone else than `key` (a session signed out behind a display cookie, say).
 */
export async function currentRole(
  db: Database,
  credentials: RequestCredentials,
  slug: string,
  key: string,
): Promise<AccessRole | null> {
  try {
    const caller = await identifyCaller(db, credentials);
    if (callerKey(caller) !== key) return null;
    return (await resolveTenantAccess(db, caller, slug, 'read')).actor.role;
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
}
