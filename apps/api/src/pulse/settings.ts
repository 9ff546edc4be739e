import {
  PULSE_COHORTS_DEFAULT,
  PULSE_THRESHOLD_DEFAULT,
  type PulseSettings,
  type PulseSettingsInput,
  WEEKDAYS,
  type Weekday,
} from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import type { Database, Executor } from '../db/schema.js';
import { badRequest } from '../errors.js';
import { lockTenant } from '../tenants/repository.js';
import { findPulseSettings, upsertPulseSettings } from './settings-repository.js';

const [WEEKDAY_COHORT, WEEKEND_COHORT] = PULSE_COHORTS_DEFAULT;

/** What a tenant that never saved its pulse settings has: off, weekdays and weekends as two cohorts. */
export function defaultPulseSettings(): PulseSettings {
  return {
    enabled: false,
    timeZone: 'UTC',
    timeOfDay: '09:00',
    cohorts: [...PULSE_COHORTS_DEFAULT],
    schedule: {
      monday: WEEKDAY_COHORT,
      tuesday: WEEKDAY_COHORT,
      wednesday: WEEKDAY_COHORT,
      thursday: WEEKDAY_COHORT,
      friday: WEEKDAY_COHORT,
      saturday: WEEKEND_COHORT,
      sunday: WEEKEND_COHORT,
    },
    threshold: PULSE_THRESHOLD_DEFAULT,
  };
}

export async function readPulseSettings(db: Executor, tenantId: string): Promise<PulseSettings> {
  return (await findPulseSettings(db, tenantId)) ?? defaultPulseSettings();
}

type PulseSettingsChanges = Partial<PulseSettings>;

function scheduledDaysOf(schedule: PulseSettings['schedule'], cohort: string): Weekday[] {
  return WEEKDAYS.filter((day) => schedule[day] === cohort);
}

/**
 * The schedule may name only cohorts of the list. A day the caller scheduled names its own mistake; a
 * cohort the caller dropped (or renamed) while the stored schedule still invites it is refused, not
 * silently unscheduled: the caller sends the new schedule in the same change, so nobody's check-in
 * day disappears by accident.
 */
function checkScheduleNamesCohorts(settings: PulseSettings, changes: PulseSettingsChanges): void {
  const known = new Set(settings.cohorts);
  const problems: string[] = [];
  const dropped = new Set<string>();
  for (const day of WEEKDAYS) {
    const cohort = settings.schedule[day];
    if (cohort === null || known.has(cohort)) continue;
    if (changes.schedule) problems.push(`schedule.${day}: no cohort named "${cohort}"`);
    else dropped.add(cohort);
  }
  for (const cohort of dropped) {
    const days = scheduledDaysOf(settings.schedule, cohort).join(', ');
    problems.push(
      `cohorts: "${cohort}" is still scheduled on ${days}; send the schedule without it in the same change`,
    );
  }
  if (problems.length > 0) throw badRequest(problems.join('; '));
}

/** Only the fields the caller sent: absent ones keep their stored (or default) value. */
function changesOf(input: PulseSettingsInput): PulseSettingsChanges {
  const { tenant: _slug, ...fields } = input;
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** Merges the changes into the settings under the tenant's lock, so concurrent changes both count. */
export async function updatePulseSettings(
  db: Database,
  access: TenantAccess,
  input: PulseSettingsInput,
): Promise<PulseSettings> {
  const tenantId = access.tenant.id;
  const changes = changesOf(input);
  return db.transaction().execute(async (trx) => {
    await lockTenant(trx, tenantId);
    const settings = { ...(await readPulseSettings(trx, tenantId)), ...changes };
    checkScheduleNamesCohorts(settings, changes);
    await upsertPulseSettings(trx, tenantId, settings);
    return settings;
  });
}
