import type { Tenant, TenantSnapshot, tenantSettingsInput } from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Database } from '../db/schema.js';
import { lastSequence } from '../events/outbox/reader.js';
import { appendEvent } from '../events/outbox/writer.js';
import { openJoinLink } from './links.js';
import { addMember, findTenantById, insertTenant, lockTenant, toTenant, updateTenant } from './repository.js';
import { checkCanCreateTenant, checkQuestionLengths } from './rules.js';

function describeTenant(access: TenantAccess): Tenant {
  const role = access.actor.role === 'display' ? null : access.actor.role;
  return toTenant(access.tenant, role);
}

/**
 * The tenant as of at least its current event sequence: the sequence is read before the tenant row,
 * so a settings change committed meanwhile is in the row, or comes after the sequence on the stream.
 */
export async function readTenantSnapshot(db: Database, access: TenantAccess): Promise<TenantSnapshot> {
  const sequence = await lastSequence(db, access.tenant.id);
  const record = (await findTenantById(db, access.tenant.id)) ?? access.tenant;
  return { ...describeTenant({ ...access, tenant: record }), sequence };
}

export async function createTenant(
  db: Database,
  owner: { id: string; guest: boolean },
  input: { tenant: string; name: string },
): Promise<Tenant> {
  checkCanCreateTenant(owner);
  const record = await db.transaction().execute(async (trx) => {
    const tenant = await insertTenant(trx, input.tenant, input.name);
    await addMember(trx, tenant.id, owner.id, 'owner');
    // The display shows a QR code from the first minute, before anyone thinks of creating a link.
    await openJoinLink(trx, tenant.id, owner.id);
    return tenant;
  });
  return toTenant(record, 'owner');
}

/** Changes only the settings the caller sent, so concurrent changes to other settings are kept. */
export async function updateSettings(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof tenantSettingsInput>,
): Promise<TenantSnapshot> {
  const { tenant: _slug, ...changes } = input;
  const { record, sequence } = await db.transaction().execute(async (trx) => {
    const current = await lockTenant(trx, access.tenant.id);
    checkQuestionLengths(
      changes.minQuestionLength ?? current.settings.minQuestionLength,
      changes.maxQuestionLength ?? current.settings.maxQuestionLength,
    );
    if (Object.values(changes).every((value) => value === undefined))
      return { record: current, sequence: await lastSequence(trx, access.tenant.id) };
    const updated = await updateTenant(trx, access.tenant.id, changes);
    // Open pages follow the change live: the submit box's limits, the review notice, the name.
    const event = {
      type: 'tenant:updated',
      data: { name: updated.name, settings: updated.settings },
    } as const;
    return { record: updated, sequence: await appendEvent(trx, access.tenant.id, event, 'all') };
  });
  return { ...describeTenant({ ...access, tenant: record }), sequence };
}
