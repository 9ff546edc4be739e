import type { PulseSchedule } from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { newPulseTenant } from '../test-support/pulse.js';

const DEFAULT_SCHEDULE: PulseSchedule = {
  monday: 'Weekday',
  tuesday: 'Weekday',
  wednesday: 'Weekday',
  thursday: 'Weekday',
  friday: 'Weekday',
  saturday: 'Weekend',
  sunday: 'Weekend',
};

const DEFAULTS = {
  enabled: false,
  timeZone: 'UTC',
  timeOfDay: '09:00',
  cohorts: ['Weekday', 'Weekend'],
  schedule: DEFAULT_SCHEDULE,
  threshold: 5,
};

describe.each(DIALECTS)('pulse settings on %s', (dialect) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(dialect);
  });
  afterAll(() => app.close());

  const freshTenant = () => newPulseTenant(app);

  const storedRows = (tenantId: string) =>
    app.db.selectFrom('pulseSettings').selectAll().where('tenantId', '=', tenantId).execute();

  it('gives a tenant that never saved any the defaults, without storing them', async () => {
    const { tenant, tenantId, owner } = await freshTenant();
    expect(await owner.pulse.settings.query({ tenant })).toEqual(DEFAULTS);
    expect(await storedRows(tenantId)).toEqual([]);
  });

  it('changes only the fields sent, keeps them, and updates the one row in place', async () => {
    const { tenant, tenantId, owner } = await freshTenant();
    const first = await owner.pulse.updateSettings.mutate({
      tenant,
      enabled: true,
      timeZone: 'Europe/Berlin',
    });
    expect(first).toEqual({ ...DEFAULTS, enabled: true, timeZone: 'Europe/Berlin' });
    const second = await owner.pulse.updateSettings.mutate({ tenant, timeOfDay: '16:45', threshold: 8 });
    const expected = { ...first, timeOfDay: '16:45', threshold: 8 };
    expect(second).toEqual(expected);
    expect(await owner.pulse.settings.query({ tenant })).toEqual(expected);
    expect(await storedRows(tenantId)).toHaveLength(1);
  });

  it('records which settings an admin changed in the audit log', async () => {
    const { tenant, owner } = await freshTenant();
    await owner.pulse.updateSettings.mutate({ tenant, enabled: true, threshold: 5, timeOfDay: '10:15' });
    const [entry] = (await owner.audit.list.query({ tenant, action: 'pulse.updateSettings' })).items;
    expect(entry).toMatchObject({
      action: 'pulse.updateSettings',
      target: { type: 'tenant' },
      summary: { changed: ['enabled', 'timeOfDay'] },
    });
  });

  it('keeps both of two concurrent changes of different fields', async () => {
    const { tenant, owner } = await freshTenant();
    await Promise.all([
      owner.pulse.updateSettings.mutate({ tenant, enabled: true }),
      owner.pulse.updateSettings.mutate({ tenant, threshold: 9 }),
      owner.pulse.updateSettings.mutate({ tenant, timeOfDay: '07:30' }),
    ]);
    expect(await owner.pulse.settings.query({ tenant })).toMatchObject({
      enabled: true,
      threshold: 9,
      timeOfDay: '07:30',
    });
  });

  it('takes new cohorts together with a schedule that names them', async () => {
    const { tenant, owner } = await freshTenant();
    const schedule = { ...DEFAULT_SCHEDULE, monday: 'Early', tuesday: 'Late', saturday: null, sunday: null };
    const updated = await owner.pulse.updateSettings.mutate({
      tenant,
      cohorts: ['Early', 'Late', 'Weekday'],
      schedule,
    });
    expect(updated).toMatchObject({ cohorts: ['Early', 'Late', 'Weekday'], schedule });
  });

  it('refuses a schedule naming a cohort that is not in the list, naming the day, and changes nothing', async () => {
    const { tenant, owner } = await freshTenant();
    const schedule = { ...DEFAULT_SCHEDULE, monday: 'Mondays', friday: 'weekday' };
    const call = () => owner.pulse.updateSettings.mutate({ tenant, enabled: true, schedule });
    await app.expectNoChange(call, 'BAD_REQUEST');
    expect((await failureOf(call())).message).toBe(
      'schedule.monday: no cohort named "Mondays"; schedule.friday: no cohort named "weekday"',
    );
    expect(await owner.pulse.settings.query({ tenant })).toEqual(DEFAULTS);
  });

  it('refuses dropping or renaming a cohort the stored schedule still invites, unless the schedule comes with it', async () => {
    const { tenant, owner } = await freshTenant();
    const dropWeekend = () => owner.pulse.updateSettings.mutate({ tenant, cohorts: ['Weekday'] });
    await app.expectNoChange(dropWeekend, 'BAD_REQUEST');
    expect((await failureOf(dropWeekend())).message).toBe(
      'cohorts: "Weekend" is still scheduled on saturday, sunday; send the schedule without it in the same change',
    );
    const rename = () => owner.pulse.updateSettings.mutate({ tenant, cohorts: ['Weekday', 'Saturdays'] });
    await app.expectNoChange(rename, 'BAD_REQUEST');

    const renamed = await owner.pulse.updateSettings.mutate({
      tenant,
      cohorts: ['Weekday', 'Saturdays'],
      schedule: { ...DEFAULT_SCHEDULE, saturday: 'Saturdays', sunday: null },
    });
    expect(renamed.cohorts).toEqual(['Weekday', 'Saturdays']);
    expect(renamed.schedule).toMatchObject({ saturday: 'Saturdays', sunday: null });
    // A cohort no day names comes and goes on its own.
    await owner.pulse.updateSettings.mutate({ tenant, cohorts: ['Weekday', 'Saturdays', 'Spare'] });
    const dropped = await owner.pulse.updateSettings.mutate({ tenant, cohorts: ['Weekday', 'Saturdays'] });
    expect(dropped.cohorts).toEqual(['Weekday', 'Saturdays']);
  });

  it('refuses bad values with a message naming the field, and changes nothing', async () => {
    const { tenant, owner } = await freshTenant();
    await owner.pulse.updateSettings.mutate({ tenant, enabled: true });
    const cases: [string, Record<string, unknown>][] = [
      ['threshold', { threshold: 2 }],
      ['threshold', { threshold: 3.5 }],
      ['timeZone', { timeZone: 'Mars/Olympus_Mons' }],
      ['timeOfDay', { timeOfDay: '9:00' }],
      ['timeOfDay', { timeOfDay: '24:00' }],
      ['cohorts', { cohorts: [] }],
      ['cohorts', { cohorts: ['Weekday', 'weekday'] }],
      ['cohorts', { cohorts: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'] }],
      ['schedule', { schedule: { ...DEFAULT_SCHEDULE, holiday: 'Weekday' } }],
      ['schedule.sunday', { schedule: { ...DEFAULT_SCHEDULE, sunday: undefined } }],
    ];
    for (const [field, values] of cases) {
      const call = () => owner.pulse.updateSettings.mutate({ tenant, ...values } as never);
      await app.expectNoChange(call, 'BAD_REQUEST');
      expect((await failureOf(call())).message, JSON.stringify(values)).toMatch(new RegExp(`^${field}`));
    }
  });

  it('is for admins and owners of the tenant only', async () => {
    const [admin, moderator, member, betaOwner] = await app.clients(
      'admin',
      'moderator',
      'member',
      'betaOwner',
    );
    const alpha = { tenant: 'alpha' };
    await admin.pulse.updateSettings.mutate({ ...alpha, threshold: 6 });
    expect((await admin.pulse.settings.query(alpha)).threshold).toBe(6);
    for (const caller of [moderator, member, betaOwner]) {
      await app.expectNoChange(
        () => caller.pulse.updateSettings.mutate({ ...alpha, enabled: true }),
        'FORBIDDEN',
      );
      expect((await failureOf(caller.pulse.settings.query(alpha))).code).toBe('FORBIDDEN');
    }
    // Each tenant has its own settings.
    expect((await betaOwner.pulse.settings.query({ tenant: 'beta' })).threshold).toBe(5);
  });
});
