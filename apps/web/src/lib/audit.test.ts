import { AUDIT_ACTIONS } from '@pulsestage/contracts';
import { describe, expect, it } from 'vitest';
import { actionLabel, describeTarget, NO_FILTERS, toAuditFilters } from './audit';

describe('the audit page', () => {
  it('has words for every action the log records, and shows an unknown one by its name', () => {
    for (const action of AUDIT_ACTIONS) expect(actionLabel(action)).not.toBe(action);
    expect(actionLabel('question.pin')).toBe('Pinned a question');
    expect(actionLabel('question.teleport')).toBe('question.teleport');
  });

  it('names an object by its kind and the start of its id', () => {
    expect(describeTarget({ type: 'serviceToken', id: '0123456789abcdef' })).toBe('Service token 01234567');
    expect(describeTarget({ type: 'tenant', id: null })).toBe('Organization');
  });

  it('turns a day range into instants from the first local midnight to the one after the last day', () => {
    const filters = toAuditFilters('alpha', { ...NO_FILTERS, fromDay: '2026-12-03', toDay: '2026-12-03' });
    expect(filters.from).toBe(new Date(2026, 11, 3).toISOString());
    expect(filters.to).toBe(new Date(2026, 11, 4).toISOString());
    // The last day of a month rolls into the next.
    expect(toAuditFilters('alpha', { ...NO_FILTERS, toDay: '2026-12-31' }).to).toBe(
      new Date(2027, 0, 1).toISOString(),
    );
  });

  it('leaves out what the form leaves empty', () => {
    expect(toAuditFilters('alpha', NO_FILTERS)).toEqual({
      tenant: 'alpha',
      action: undefined,
      actorId: undefined,
      from: undefined,
      to: undefined,
    });
    expect(toAuditFilters('alpha', { ...NO_FILTERS, action: 'question.pin', actorId: 'u1' })).toMatchObject({
      action: 'question.pin',
      actorId: 'u1',
    });
  });
});
