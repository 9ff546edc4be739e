import {
  PULSE_QUESTIONS_MAX,
  type PulseQuestion,
  type pulseQuestionCreateInput,
  type pulseQuestionOrderInput,
  type pulseQuestionUpdateInput,
} from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Database, Executor } from '../db/schema.js';
import { badRequest, notFound, preconditionFailed } from '../errors.js';
import { lockTenant, teamExists } from '../tenants/repository.js';
import {
  countPulseQuestions,
  findPulseQuestion,
  hasPulseResponses,
  insertPulseQuestion,
  type PulseQuestionRow,
  selectPulseQuestions,
  toPulseQuestion,
  updatePulseQuestionRow,
  writePositions,
} from './questions-repository.js';

/** A team of another tenant is refused exactly like one that exists nowhere. */
async function checkTeamOfTenant(db: Executor, tenantId: string, teamId: string | null | undefined) {
  if (teamId && !(await teamExists(db, tenantId, teamId))) {
    throw badRequest('teamId: is not a team of this organization');
  }
}

async function tenantQuestion(db: Executor, tenantId: string, questionId: string): Promise<PulseQuestionRow> {
  const row = await findPulseQuestion(db, tenantId, questionId);
  if (!row) throw notFound('Pulse question not found');
  return row;
}

export async function listPulseQuestions(db: Database, access: TenantAccess): Promise<PulseQuestion[]> {
  return (await selectPulseQuestions(db, access.tenant.id)).map(toPulseQuestion);
}

/** Appends the question to the end of the rotation, active. */
export async function createPulseQuestion(
  db: Database,
  access: TenantAccess,
  input: z.output<typeof pulseQuestionCreateInput>,
): Promise<PulseQuestion> {
  const tenantId = access.tenant.id;
  const row = await db.transaction().execute(async (trx) => {
    // The tenant's lock keeps concurrent creations from taking the same position or passing the limit.
    await lockTenant(trx, tenantId);
    const count = await countPulseQuestions(trx, tenantId);
    if (count >= PULSE_QUESTIONS_MAX) {
      throw preconditionFailed(
        `An organization has at most ${PULSE_QUESTIONS_MAX} pulse questions: reword or deactivate one instead`,
      );
    }
    await checkTeamOfTenant(trx, tenantId, input.teamId);
    return insertPulseQuestion(trx, tenantId, {
      text: input.text,
      scale: input.scale,
      teamId: input.teamId ?? null,
      position: count,
    });
  });
  return toPulseQuestion(row);
}

/** Changes only the fields sent; the scale stays once anybody answered, so all answers compare. */
export async function updatePulseQuestion(
  db: Database,
  access: TenantAccess,
  input: z.output<typeof pulseQuestionUpdateInput>,
): Promise<PulseQuestion> {
  const tenantId = access.tenant.id;
  const { tenant: _slug, questionId, ...changes } = input;
  const row = await db.transaction().execute(async (trx) => {
    await lockTenant(trx, tenantId);
    const current = await tenantQuestion(trx, tenantId, questionId);
    await checkTeamOfTenant(trx, tenantId, changes.teamId);
    const scaleChanges = changes.scale !== undefined && changes.scale !== current.scale;
    if (scaleChanges && (await hasPulseResponses(trx, questionId))) {
      throw preconditionFailed(
        'scale: cannot change once somebody answered, or old and new answers would not compare; add a new question instead',
      );
    }
    return updatePulseQuestionRow(trx, tenantId, questionId, changes);
  });
  return toPulseQuestion(row);
}

/** Why a new order is not a permutation of the tenant's questions, or nothing. */
function orderProblems(questionIds: string[], known: PulseQuestionRow[]): string[] {
  const knownIds = new Set(known.map((question) => question.id));
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const [index, id] of questionIds.entries()) {
    if (!knownIds.has(id))
      problems.push(`questionIds.${index}: is not a pulse question of this organization`);
    else if (seen.has(id)) problems.push(`questionIds.${index}: names a question a second time`);
    seen.add(id);
  }
  if (problems.length > 0) return problems;
  const missing = known.filter((question) => !seen.has(question.id));
  if (missing.length > 0) {
    const named = missing.map((question) => `"${question.text}" (${question.id})`).join(', ');
    problems.push(`questionIds: must name every pulse question; missing ${named}`);
  }
  return problems;
}

/** Puts the rotation in the given order, which must name each of the tenant's questions exactly once. */
export async function reorderPulseQuestions(
  db: Database,
  access: TenantAccess,
  input: z.output<typeof pulseQuestionOrderInput>,
): Promise<PulseQuestion[]> {
  const tenantId = access.tenant.id;
  const rows = await db.transaction().execute(async (trx) => {
    await lockTenant(trx, tenantId);
    const problems = orderProblems(input.questionIds, await selectPulseQuestions(trx, tenantId));
    if (problems.length > 0) throw badRequest(problems.join('; '));
    await writePositions(trx, tenantId, input.questionIds);
    return selectPulseQuestions(trx, tenantId);
  });
  return rows.map(toPulseQuestion);
}
