import type { Meeting } from '@pulsestage/contracts';
import { MEETING_DESCRIPTION_MAX, MEETING_TITLE_MAX } from '@pulsestage/contracts/limits';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFailureNotice } from '../lib/failure';
import {
  changedFields,
  checkMeetingForm,
  type FieldMessages,
  formValuesOf,
  type MeetingField,
  type MeetingFormValues,
  meetingFieldsOf,
  type Setting,
  serverFieldErrors,
} from '../lib/meetings-form';
import { useTenant } from '../lib/tenant';
import { trpc } from '../trpc';
import { ErrorNotice } from './notice';

const INPUT =
  'w-full rounded-xl border-0 px-3 py-2.5 text-base ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600 aria-invalid:ring-2 aria-invalid:ring-rose-600';

interface FieldFrameProps {
  label: string;
  error: string | undefined;
  hint: string | undefined;
  children(ids: { id: string; describedBy: string | undefined }): ReactNode;
}

/** A labelled field with, under it, what is wrong with it (or worth knowing), read out with the field. */
function FieldFrame({ label, error, hint, children }: FieldFrameProps) {
  const id = useId();
  const noteId = `${id}-note`;
  const note = error ?? hint;
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children({ id, describedBy: note ? noteId : undefined })}
      {note && (
        <p id={noteId} className={`mt-1 text-sm ${error ? 'font-medium text-rose-700' : 'text-amber-800'}`}>
          {note}
        </p>
      )}
    </div>
  );
}

const SETTINGS: readonly Setting[] = ['default', 'on', 'off'];

interface SettingFieldProps {
  label: string;
  value: Setting;
  organization: boolean;
  onChange(value: Setting): void;
}

function SettingField({ label, value, organization, onChange }: SettingFieldProps) {
  const { t } = useTranslation();
  return (
    <FieldFrame label={label} error={undefined} hint={undefined}>
      {({ id }) => (
        <select
          id={id}
          value={value}
          onChange={(event) => onChange(event.target.value as Setting)}
          className={INPUT}
        >
          {SETTINGS.map((setting) => (
            <option key={setting} value={setting}>
              {setting === 'default'
                ? t(organization ? 'meetingForm.asOrganizationOn' : 'meetingForm.asOrganizationOff')
                : t(`meetingForm.${setting}`)}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

interface SaveCallbacks {
  onSaved(meeting: Meeting): void;
  onRefused(fields: FieldMessages): void;
}

/** Saves the meeting: creates it, or sends what an edit changed. */
function useSaveMeeting(meeting: Meeting | undefined, { onSaved, onRefused }: SaveCallbacks) {
  const { slug } = useTenant();
  const utils = trpc.useUtils();
  const handlers = {
    onSuccess: (saved: Meeting) => {
      void utils.meeting.list.invalidate({ tenant: slug });
      onSaved(saved);
    },
    onError: (error: unknown) => onRefused(serverFieldErrors(error)),
  };
  const create = trpc.meeting.create.useMutation(handlers);
  const update = trpc.meeting.update.useMutation(handlers);
  const save = (values: MeetingFormValues, initial: MeetingFormValues) => {
    if (!meeting) return create.mutate({ tenant: slug, ...meetingFieldsOf(values) });
    const changes = changedFields(values, initial);
    if (Object.keys(changes).length === 0) return onSaved(meeting);
    update.mutate({ tenant: slug, meetingId: meeting.id, ...changes });
  };
  return { save, attempt: meeting ? update : create };
}

interface MeetingFormProps {
  /** The meeting to edit; a new one is created without it. */
  meeting?: Meeting;
  onSaved(meeting: Meeting): void;
  onCancel(): void;
}

/**
 * Creates or edits a meeting. Each field says what is wrong with it as the person types (once they
 * have typed in it, or tried to save), and the server's refusal of a field shows next to that field.
 */
export function MeetingForm({ meeting, onSaved, onCancel }: MeetingFormProps) {
  const { t } = useTranslation();
  const { settings } = useTenant();
  const [initial] = useState(() => formValuesOf(meeting));
  const [values, setValues] = useState(initial);
  const [touched, setTouched] = useState<ReadonlySet<MeetingField>>(new Set());
  const [refused, setRefused] = useState<FieldMessages>({});
  const { save, attempt } = useSaveMeeting(meeting, { onSaved, onRefused: setRefused });
  const check = checkMeetingForm(values, initial);
  const shown = { ...pick(check.errors, touched), ...refused };
  // A refusal of single fields is shown next to them; the notice above is for every other failure.
  const refusedFields = Object.keys(serverFieldErrors(attempt.error)).length > 0;
  const failure = useFailureNotice([attempt]);

  const set = (field: MeetingField) => (value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setTouched((current) => new Set(current).add(field));
    setRefused(({ [field]: _cleared, ...rest }) => rest);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(new Set(Object.keys(values) as MeetingField[]));
    // Checked again as it is sent: a time can pass while the form sits there.
    if (Object.keys(checkMeetingForm(values, initial).errors).length === 0) save(values, initial);
  };
  const fieldProps = (field: MeetingField, describedBy: string | undefined) => ({
    'aria-invalid': shown[field] ? true : undefined,
    'aria-describedby': describedBy,
    className: INPUT,
  });

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="grid gap-4 sm:grid-cols-2"
      aria-label={t(meeting ? 'meetingForm.edit' : 'meetings.new')}
    >
      <div className="sm:col-span-2">
        <ErrorNotice message={refusedFields ? null : failure} className="" />
      </div>
      <div className="sm:col-span-2">
        <FieldFrame
          label={t('meetingForm.title', { count: MEETING_TITLE_MAX })}
          error={shown.title}
          hint={undefined}
        >
          {({ id, describedBy }) => (
            <input
              id={id}
              value={values.title}
              onChange={(event) => set('title')(event.target.value)}
              placeholder={t('meetingForm.titlePlaceholder')}
              {...fieldProps('title', describedBy)}
            />
          )}
        </FieldFrame>
      </div>
      <div className="sm:col-span-2">
        <FieldFrame
          label={t('meetingForm.description', { count: MEETING_DESCRIPTION_MAX })}
          error={shown.description}
          hint={undefined}
        >
          {({ id, describedBy }) => (
            <textarea
              id={id}
              rows={3}
              value={values.description}
              onChange={(event) => set('description')(event.target.value)}
              {...fieldProps('description', describedBy)}
            />
          )}
        </FieldFrame>
      </div>
      {(['opensAt', 'closesAt'] as const).map((field) => (
        <FieldFrame
          key={field}
          label={t(`meetingForm.${field}`)}
          error={shown[field]}
          hint={check.hints[field]}
        >
          {({ id, describedBy }) => (
            <input
              id={id}
              type="datetime-local"
              value={values[field]}
              onChange={(event) => set(field)(event.target.value)}
              {...fieldProps(field, describedBy)}
            />
          )}
        </FieldFrame>
      ))}
      <SettingField
        label={t('meetingForm.requireApproval')}
        value={values.requireApproval}
        organization={settings.requireApproval}
        onChange={set('requireApproval')}
      />
      <SettingField
        label={t('meetingForm.allowGuests')}
        value={values.allowGuests}
        organization={settings.allowGuests}
        onChange={set('allowGuests')}
      />
      <p className="text-sm text-slate-600 sm:col-span-2">{t('meetingForm.timesNote')}</p>
      <div className="flex gap-3 sm:col-span-2">
        <button
          type="submit"
          disabled={attempt.isPending}
          className="rounded-xl bg-indigo-600 px-5 py-2.5 font-semibold text-white hover:bg-indigo-700 disabled:bg-slate-300"
        >
          {t(attempt.isPending ? 'meetingForm.saving' : meeting ? 'meetingForm.save' : 'meetingForm.create')}
        </button>
        <button
          type="button"
          onClick={onCancel}
          className="rounded-xl px-5 py-2.5 font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50"
        >
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function pick(messages: FieldMessages, fields: ReadonlySet<MeetingField>): FieldMessages {
  return Object.fromEntries(Object.entries(messages).filter(([field]) => fields.has(field as MeetingField)));
}
