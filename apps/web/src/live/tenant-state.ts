import type { StreamEvent, TenantSnapshot } from '@pulsestage/contracts';

/** What the event makes of the cached tenant: its name and settings as they are now. */
export function applyToTenant(tenant: TenantSnapshot, event: StreamEvent): TenantSnapshot {
  if (event.type !== 'tenant:updated.v3') return tenant;
  return { ...tenant, name: event.data.name, settings: event.data.settings };
}
