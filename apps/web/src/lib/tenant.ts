import type { Role, Tenant } from '@pulsestage/contracts';
import { ROLES } from '@pulsestage/contracts/limits';
import { createContext, useContext } from 'react';

export const TenantContext = createContext<Tenant | null>(null);

/** The tenant of the current `/t/:tenant` page, with the caller's role in it (null for a display link). */
export function useTenant(): Tenant {
  const tenant = useContext(TenantContext);
  if (!tenant) throw new Error('useTenant is only available inside a tenant page');
  return tenant;
}

/** Whether the caller's role is at least `minimum` (roles are listed lowest first); display links have no role. */
export function hasRole(tenant: Tenant, minimum: Role): boolean {
  return tenant.role !== null && ROLES.indexOf(tenant.role) >= ROLES.indexOf(minimum);
}
