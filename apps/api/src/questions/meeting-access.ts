import type { Meeting } from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import type { Executor } from '../db/schema.js';
import { tenantMeeting } from '../meetings/lookup.js';
import { toMeeting } from '../meetings/repository.js';
import type { MeetingScope } from './repository.js';

export const scopeOf = (access: TenantAccess, meetingId: string): MeetingScope => ({
  tenantId: access.tenant.id,
  meetingId,
});

/** A meeting of the caller's tenant; another tenant's is "not found" like an id that exists nowhere. */
export async function meetingInTenant(
  db: Executor,
  access: TenantAccess,
  meetingId: string,
): Promise<Meeting> {
  return toMeeting(await tenantMeeting(db, access.tenant.id, meetingId), access.tenant.settings);
}
