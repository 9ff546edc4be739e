import type {
  PulseQuestion,
  pulseQuestionCreateInput,
  pulseQuestionOrderInput,
  pulseQuestionUpdateInput,
} from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Database } from '../db/schema.js';

export async function listPulseQuestions(_db: Database, _access: TenantAccess): Promise<PulseQuestion[]> {
  throw new Error('not built yet');
}

export async function createPulseQuestion(
  _db: Database,
  _access: TenantAccess,
  _input: z.output<typeof pulseQuestionCreateInput>,
): Promise<PulseQuestion> {
  throw new Error('not built yet');
}

export async function updatePulseQuestion(
  _db: Database,
  _access: TenantAccess,
  _input: z.output<typeof pulseQuestionUpdateInput>,
): Promise<PulseQuestion> {
  throw new Error('not built yet');
}

export async function reorderPulseQuestions(
  _db: Database,
  _access: TenantAccess,
  _input: z.output<typeof pulseQuestionOrderInput>,
): Promise<PulseQuestion[]> {
  throw new Error('not built yet');
}
