import type { Meeting } from '@pulsestage/contracts';
import { MEETING_DESCRIPTION_MAX, MEETING_TITLE_MAX } from '@pulsestage/contracts/limits';
import { TRPCClientError } from '@trpc/client';
import { t } from 'i18next';

/** A meeting setting of its own, or the organization's. */
export type Setting = 'default' | 'on' | 'off';

/** What the meeting form holds: times as a `datetime-local` input has them, in the reader's time zone. */
export interface MeetingFormValues {
  title: string;
  description: string;
  opensAt: string;
  closesAt: string;
  requireApproval: Setting;
  allowGuests: Setting;
}

export type MeetingField = keyof MeetingFormValues;
export type FieldMessages = Partial<Record<MeetingField, string>>;

export interface MeetingCheck {
  /** What must change before the form can be sent. */
  errors: FieldMessages;
  /** What the person should know but may send anyway. */
  hints: FieldMessages;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** `2026-12-03T10:00`: the date and minute in local time, as a `datetime-local` input holds them. */
function localMinute(date: Date): string {
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An ISO-8601 time as a `datetime-local` input shows it, in the reader's time zone; '' for none. */
export const toLocalInput = (iso: string | null) => (iso ? localMinute(new Date(iso)) : '');

/** A `datetime-local` value as ISO-8601 with the local offset (`2026-12-03T10:00:00+01:00`); null when empty. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${localMinute(date)}:${pad(date.getSeconds())}${zone}`;
}

const toSetting = (value: boolean | null): Setting => (value === null ? 'default' : value ? 'on' : 'off');
const fromSetting = (value: Setting): boolean | null => (value === 'default' ? null : value === 'on');

/** The form's starting values: empty for a new meeting, the meeting's own for an edit. */
export function formValuesOf(meeting: Meeting | undefined): MeetingFormValues {
  return {
    title: meeting?.title ?? '',
    description: meeting?.description ?? '',
    opensAt: toLocalInput(meeting?.opensAt ?? null),
    closesAt: toLocalInput(meeting?.closesAt ?? null),
    requireApproval: toSetting(meeting?.requireApproval ?? null),
    allowGuests: toSetting(meeting?.allowGuests ?? null),
  };
}

/** The fields of the meeting inputs, from what the form holds. */
export function meetingFieldsOf(values: MeetingFormValues) {
  const description = values.description.trim();
  return {
    title: values.title.trim(),
    description: description === '' ? null : description,
    opensAt: fromLocalInput(values.opensAt),
    closesAt: fromLocalInput(values.closesAt),
    requireApproval: fromSetting(values.requireApproval),
    allowGuests: fromSetting(values.allowGuests),
  };
}
export type MeetingFields = ReturnType<typeof meetingFieldsOf>;

/** Only what an edit changed, so an update leaves the rest (a time already past, say) as it is. */
export function changedFields(values: MeetingFormValues, initial: MeetingFormValues): Partial<MeetingFields> {
  const now = meetingFieldsOf(values);
  const before = meetingFieldsOf(initial);
  const keys = Object.keys(now) as (keyof MeetingFields)[];
  return Object.fromEntries(keys.filter((key) => now[key] !== before[key]).map((key) => [key, now[key]]));
}

function checkText(values: MeetingFormValues, errors: FieldMessages): void {
  const title = values.title.trim().length;
  if (title === 0) errors.title = t('meetingForm.errors.noTitle');
  else if (title > MEETING_TITLE_MAX)
    errors.title = t('meetingForm.errors.tooLong', { max: MEETING_TITLE_MAX, now: title });
  const description = values.description.trim().length;
  if (description > MEETING_DESCRIPTION_MAX) {
    errors.description = t('meetingForm.errors.tooLong', { max: MEETING_DESCRIPTION_MAX, now: description });
  }
}

/** Whether a time field was changed to one already past (an unchanged past time is history, not a mistake). */
function newlyPast(
  values: MeetingFormValues,
  initial: MeetingFormValues,
  field: 'opensAt' | 'closesAt',
  now: number,
) {
  const at = fromLocalInput(values[field]);
  return at !== null && values[field] !== initial[field] && Date.parse(at) <= now;
}

function checkTimes(
  values: MeetingFormValues,
  initial: MeetingFormValues,
  now: number,
  { errors, hints }: MeetingCheck,
): void {
  const opensAt = fromLocalInput(values.opensAt);
  const closesAt = fromLocalInput(values.closesAt);
  if (values.opensAt && !opensAt) errors.opensAt = t('meetingForm.errors.pickTime');
  if (values.closesAt && !closesAt) errors.closesAt = t('meetingForm.errors.pickTime');
  if (newlyPast(values, initial, 'opensAt', now)) hints.opensAt = t('meetingForm.errors.opensPast');
  if (newlyPast(values, initial, 'closesAt', now)) {
    errors.closesAt = t('meetingForm.errors.closesPast');
  } else if (opensAt && closesAt && Date.parse(closesAt) <= Date.parse(opensAt)) {
    errors.closesAt = t('meetingForm.errors.closesBeforeOpens');
  }
}

/** What is wrong with the form as it is now, field by field, checked as the person types. */
export function checkMeetingForm(
  values: MeetingFormValues,
  initial: MeetingFormValues,
  now = Date.now(),
): MeetingCheck {
  const check: MeetingCheck = { errors: {}, hints: {} };
  checkText(values, check.errors);
  checkTimes(values, initial, now, check);
  return check;
}

const FIELDS: readonly MeetingField[] = [
  'title',
  'description',
  'opensAt',
  'closesAt',
  'requireApproval',
  'allowGuests',
];
const isField = (name: string): name is MeetingField => (FIELDS as readonly string[]).includes(name);

/** How the server's messages name the fields, in the form's words. */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  opensAt: 'the opening time',
  closesAt: 'the closing time',
};

/** `must be after opensAt` → `Must be after the opening time.` */
function sentence(message: string): string {
  const worded = message.replace(/\b(opensAt|closesAt)\b/g, (field) => FIELD_WORDS[field] ?? field);
  return `${worded.charAt(0).toUpperCase()}${worded.slice(1)}${/[.!?]$/.test(worded) ? '' : '.'}`;
}

/** `title: must not be empty; closesAt: …`, as a domain refusal words it, when no issues came with it. */
function issuesInMessage(message: string): { path: string; message: string }[] {
  return message.split('; ').flatMap((part) => {
    const match = part.match(/^([A-Za-z][\w.]*): (.+)$/);
    return match?.[1] && match[2] ? [{ path: match[1], message: match[2] }] : [];
  });
}

/**
 * The server's refusals of single fields, to show next to them; an error that names no field of the
 * form gives an empty result (the form shows it above, worded as any other failure).
 */
export function serverFieldErrors(error: unknown): FieldMessages {
  if (!(error instanceof TRPCClientError)) return {};
  const sent = (error.data as { issues?: { path: string; message: string }[] } | undefined)?.issues;
  const issues = sent?.length ? sent : issuesInMessage(error.message);
  const messages: FieldMessages = {};
  for (const { path, message } of issues) {
    const field = path.split('.').at(-1) ?? '';
    if (isField(field)) messages[field] ??= sentence(message);
  }
  return messages;
}
