import type { Tenant } from '@pulsestage/contracts';
import { createContext, useContext } from 'react';

export const TenantContext = createContext<Tenant | null>(null);

/** The tenant of the current `/t/:tenant` page, with the caller's role in it (null for a display link). */
export function useTenant(): Tenant {
  const tenant = useContext(TenantContext);
  if (!tenant) throw new Error('useTenant is only available inside a tenant page');
  return tenant;
}

const RANKS = { member: 0, moderator: 1, admin: 2, owner: 3 } as const;

/** Whether the caller's role is at least `minimum`; display links have no role. */
export function hasRole(tenant: Tenant, minimum: keyof typeof RANKS): boolean {
  return tenant.role !== null && RANKS[tenant.role] >= RANKS[minimum];
}
