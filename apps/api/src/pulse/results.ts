import type { ExportFile, PulseResults, pulseResultsInput } from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';

export async function readPulseResults(
  _db: Database,
  _clock: Clock,
  _access: TenantAccess,
  _input: z.output<typeof pulseResultsInput>,
): Promise<PulseResults> {
  throw new Error('not built yet');
}

export async function exportPulseResults(
  _db: Database,
  _clock: Clock,
  _access: TenantAccess,
  _input: z.output<typeof pulseResultsInput>,
): Promise<ExportFile> {
  throw new Error('not built yet');
}
