import type { PulseQuestion, PulseScale } from '@pulsestage/contracts';
import type { Selectable } from 'kysely';
import type { Executor, PulseQuestionTable } from '../db/schema.js';

export type PulseQuestionRow = Selectable<PulseQuestionTable>;

export function toPulseQuestion(row: PulseQuestionRow): PulseQuestion {
  return {
    id: row.id,
    text: row.text,
    scale: row.scale,
    teamId: row.teamId,
    active: row.active === 1,
    position: row.position,
    createdAt: row.createdAt,
  };
}

/** The tenant's questions in rotation order: by position, ties (there should be none) by age. */
function inRotationOrder(db: Executor, tenantId: string) {
  return db
    .selectFrom('pulseQuestions')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .orderBy('position')
    .orderBy('createdAt')
    .orderBy('id');
}

export function selectPulseQuestions(db: Executor, tenantId: string): Promise<PulseQuestionRow[]> {
  return inRotationOrder(db, tenantId).execute();
}

/** The questions the rotation asks. */
export function selectActivePulseQuestions(db: Executor, tenantId: string): Promise<PulseQuestionRow[]> {
  return inRotationOrder(db, tenantId).where('active', '=', 1).execute();
}

/** A question of this tenant; another tenant's question does not exist here. */
export function findPulseQuestion(
  db: Executor,
  tenantId: string,
  questionId: string,
): Promise<PulseQuestionRow | undefined> {
  return db
    .selectFrom('pulseQuestions')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', questionId)
    .executeTakeFirst();
}

export async function countPulseQuestions(db: Executor, tenantId: string): Promise<number> {
  const { count } = await db
    .selectFrom('pulseQuestions')
    .where('tenantId', '=', tenantId)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

export interface NewPulseQuestion {
  text: string;
  scale: PulseScale;
  teamId: string | null;
  position: number;
}

export function insertPulseQuestion(
  db: Executor,
  tenantId: string,
  question: NewPulseQuestion,
): Promise<PulseQuestionRow> {
  return db
    .insertInto('pulseQuestions')
    .values({
      id: crypto.randomUUID(),
      tenantId,
      ...question,
      active: 1,
      createdAt: new Date().toISOString(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface PulseQuestionChanges {
  text?: string;
  scale?: PulseScale;
  teamId?: string | null;
  active?: boolean;
}

/** Writes only the changes given (Kysely leaves out undefined values). */
export function updatePulseQuestionRow(
  db: Executor,
  tenantId: string,
  questionId: string,
  { active, ...changes }: PulseQuestionChanges,
): Promise<PulseQuestionRow> {
  return db
    .updateTable('pulseQuestions')
    .set({ ...changes, active: active === undefined ? undefined : active ? 1 : 0 })
    .where('tenantId', '=', tenantId)
    .where('id', '=', questionId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Numbers the tenant's questions 0, 1, 2… in the order given. */
export async function writePositions(db: Executor, tenantId: string, questionIds: string[]): Promise<void> {
  for (const [position, id] of questionIds.entries()) {
    await db
      .updateTable('pulseQuestions')
      .set({ position })
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }
}

export async function hasPulseResponses(db: Executor, questionId: string): Promise<boolean> {
  const row = await db
    .selectFrom('pulseResponses')
    .select('id')
    .where('questionId', '=', questionId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
