import { type PulseSettings, pulseSchedule } from '@pulsestage/contracts';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Executor, PulseSettingsTable } from '../db/schema.js';

const cohortList = z.array(z.string());

function toPulseSettings(row: Selectable<PulseSettingsTable>): PulseSettings {
  return {
    enabled: row.enabled === 1,
    timeZone: row.timeZone,
    timeOfDay: row.timeOfDay,
    cohorts: cohortList.parse(JSON.parse(row.cohorts)),
    schedule: pulseSchedule.parse(JSON.parse(row.schedule)),
    threshold: row.threshold,
  };
}

function toColumns(settings: PulseSettings) {
  return {
    enabled: settings.enabled ? 1 : 0,
    timeZone: settings.timeZone,
    timeOfDay: settings.timeOfDay,
    cohorts: JSON.stringify(settings.cohorts),
    schedule: JSON.stringify(settings.schedule),
    threshold: settings.threshold,
  };
}

/** The tenant's stored settings; undefined while it has none (it then has the defaults). */
export async function findPulseSettings(db: Executor, tenantId: string): Promise<PulseSettings | undefined> {
  const row = await db
    .selectFrom('pulseSettings')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .executeTakeFirst();
  return row && toPulseSettings(row);
}

export async function upsertPulseSettings(
  db: Executor,
  tenantId: string,
  settings: PulseSettings,
): Promise<void> {
  const columns = toColumns(settings);
  await db
    .insertInto('pulseSettings')
    .values({ tenantId, ...columns })
    .onConflict((oc) => oc.column('tenantId').doUpdateSet(columns))
    .execute();
}

export interface EnabledPulseSettings {
  tenantId: string;
  settings: PulseSettings;
  /** Without one, nothing can be sent. */
  hasActiveQuestion: boolean;
}

/** Every tenant whose schedule is on, in one query: a tenant without a row has it off. */
export async function selectEnabledPulseSettings(db: Executor): Promise<EnabledPulseSettings[]> {
  const rows = await db
    .selectFrom('pulseSettings')
    .selectAll()
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('pulseQuestions')
            .select('pulseQuestions.id')
            .whereRef('pulseQuestions.tenantId', '=', 'pulseSettings.tenantId')
            .where('pulseQuestions.active', '=', 1),
        )
        .as('hasActiveQuestion'),
    )
    .where('enabled', '=', 1)
    .execute();
  return rows.map(({ hasActiveQuestion, ...row }) => ({
    tenantId: row.tenantId,
    settings: toPulseSettings(row),
    // PostgreSQL answers a boolean, SQLite 0 or 1.
    hasActiveQuestion: Boolean(hasActiveQuestion),
  }));
}
