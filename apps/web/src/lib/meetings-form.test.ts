import { TRPCClientError } from '@trpc/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  changedFields,
  checkMeetingForm,
  formValuesOf,
  fromLocalInput,
  type MeetingFormValues,
  meetingFieldsOf,
  serverFieldErrors,
  toLocalInput,
} from './meetings-form';

const empty = formValuesOf(undefined);
const form = (values: Partial<MeetingFormValues>): MeetingFormValues => ({
  ...empty,
  title: 'Q1',
  ...values,
});

describe('local times', () => {
  let zone: string | undefined;
  beforeEach(() => {
    zone = process.env.TZ;
    process.env.TZ = 'Europe/Paris';
  });
  afterEach(() => {
    process.env.TZ = zone;
  });

  it('turns what a date-time input holds into ISO-8601 with the local offset', () => {
    expect(fromLocalInput('2026-12-03T10:00')).toBe('2026-12-03T10:00:00+01:00');
    expect(fromLocalInput('2026-07-03T10:00')).toBe('2026-07-03T10:00:00+02:00');
    expect(Date.parse(fromLocalInput('2026-12-03T10:00') ?? '')).toBe(Date.parse('2026-12-03T09:00:00Z'));
    expect(fromLocalInput('2026-12-03T10:00:30')).toBe('2026-12-03T10:00:30+01:00');
  });

  it('shows a stored time in local time, and nothing for none', () => {
    expect(toLocalInput('2026-12-03T09:00:00.000Z')).toBe('2026-12-03T10:00');
    expect(toLocalInput(null)).toBe('');
    expect(fromLocalInput('')).toBeNull();
  });
});

describe('checkMeetingForm', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');
  const future = toLocalInput('2026-12-03T09:00:00Z');
  const later = toLocalInput('2026-12-03T10:00:00Z');
  const past = toLocalInput('2026-11-29T09:00:00Z');

  it('accepts a title alone: a moderator opens the meeting by hand', () => {
    expect(checkMeetingForm(form({}), empty, now)).toEqual({ errors: {}, hints: {} });
  });

  it('asks for a title within the limit', () => {
    expect(checkMeetingForm(form({ title: '   ' }), empty, now).errors.title).toBe(
      'Give the meeting a title.',
    );
    expect(checkMeetingForm(form({ title: 'x'.repeat(121) }), empty, now).errors.title).toBe(
      'At most 120 characters (now 121).',
    );
    expect(checkMeetingForm(form({ description: 'x'.repeat(2001) }), empty, now).errors.description).toBe(
      'At most 2,000 characters (now 2,001).',
    );
  });

  it('refuses a meeting that closes before it opens', () => {
    const check = checkMeetingForm(form({ opensAt: later, closesAt: future }), empty, now);
    expect(check.errors).toEqual({ closesAt: 'The meeting must close after it opens.' });
    expect(checkMeetingForm(form({ opensAt: future, closesAt: later }), empty, now).errors).toEqual({});
  });

  it('explains a past opening time, and refuses a past closing time', () => {
    const check = checkMeetingForm(form({ opensAt: past, closesAt: past }), empty, now);
    expect(check.hints.opensAt).toBe('That time has passed: the meeting opens as soon as you save.');
    expect(check.errors.closesAt).toMatch(/^That time has passed/);
  });

  it('leaves alone the times an edit did not change, even when they have passed', () => {
    const initial = form({ opensAt: past });
    expect(checkMeetingForm(initial, initial, now)).toEqual({ errors: {}, hints: {} });
  });
});

describe('meeting fields', () => {
  it('sends null for what is left empty or to the organization', () => {
    expect(
      meetingFieldsOf(form({ description: '  ', allowGuests: 'on', requireApproval: 'default' })),
    ).toEqual({
      title: 'Q1',
      description: null,
      opensAt: null,
      closesAt: null,
      requireApproval: null,
      allowGuests: true,
    });
  });

  it('sends only what an edit changed', () => {
    const initial = form({ opensAt: '2026-12-03T10:00', requireApproval: 'on' });
    expect(changedFields({ ...initial, title: ' Q2 ', requireApproval: 'off' }, initial)).toEqual({
      title: 'Q2',
      requireApproval: false,
    });
    expect(changedFields(initial, initial)).toEqual({});
  });
});

describe('serverFieldErrors', () => {
  const refusal = (data: object, message = 'refused') =>
    TRPCClientError.from({ error: { message, code: -32600, data } });

  it('puts each refused field next to the field, in a sentence', () => {
    const error = refusal({
      code: 'BAD_REQUEST',
      issues: [{ path: 'closesAt', message: 'must be after opensAt' }],
    });
    expect(serverFieldErrors(error)).toEqual({ closesAt: 'Must be after the opening time.' });
  });

  it('reads the fields a refusal names in its message', () => {
    expect(serverFieldErrors(refusal({ code: 'BAD_REQUEST' }, 'title: must not be empty'))).toEqual({
      title: 'Must not be empty.',
    });
  });

  it('gives nothing for refusals that name no field of the form', () => {
    expect(serverFieldErrors(refusal({ code: 'FORBIDDEN' }, 'Only moderators may do this'))).toEqual({});
    expect(serverFieldErrors(new Error('title: nope'))).toEqual({});
  });
});
