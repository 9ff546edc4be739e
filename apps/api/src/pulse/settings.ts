import type { PulseSettings, PulseSettingsInput } from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import type { Database, Executor } from '../db/schema.js';

export async function readPulseSettings(_db: Executor, _tenantId: string): Promise<PulseSettings> {
  throw new Error('not built yet');
}

export async function updatePulseSettings(
  _db: Database,
  _access: TenantAccess,
  _input: PulseSettingsInput,
): Promise<PulseSettings> {
  throw new Error('not built yet');
}
