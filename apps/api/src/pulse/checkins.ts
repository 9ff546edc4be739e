import type {
  PulsePending,
  PulseRecorded,
  pulseEmailPreferenceInput,
  pulseLinkResponseInput,
  pulseRespondInput,
} from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';

export async function readPendingCheckins(
  _db: Database,
  _clock: Clock,
  _access: TenantAccess,
): Promise<PulsePending> {
  throw new Error('not built yet');
}

export async function respondToCheckin(
  _db: Database,
  _clock: Clock,
  _access: TenantAccess,
  _input: z.output<typeof pulseRespondInput>,
): Promise<PulseRecorded> {
  throw new Error('not built yet');
}

export async function setPulseEmailPreference(
  _db: Database,
  _clock: Clock,
  _access: TenantAccess,
  _input: z.output<typeof pulseEmailPreferenceInput>,
): Promise<PulsePending> {
  throw new Error('not built yet');
}

export async function respondWithLink(
  _db: Database,
  _clock: Clock,
  _input: z.output<typeof pulseLinkResponseInput>,
  _announce: (tenantId: string) => Promise<void>,
): Promise<PulseRecorded> {
  throw new Error('not built yet');
}
