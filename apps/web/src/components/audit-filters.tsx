import { AUDIT_ACTIONS } from '@pulsestage/contracts/audit-log';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { type AuditForm, actionLabel } from '../lib/audit';
import { Select } from './select';

interface AuditFiltersProps {
  value: AuditForm;
  /** Who can be picked: members, service tokens, and anyone already seen in the log. */
  people: readonly { id: string; name: string }[];
  onChange(change: Partial<AuditForm>): void;
}

function DayInput({ label, value, onChange }: { label: string; value: string; onChange(day: string): void }) {
  const id = useId();
  return (
    <span className="flex min-w-52 flex-1 items-center gap-2 sm:flex-none">
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        type="date"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        className="min-w-0 flex-1 rounded-lg border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      />
    </span>
  );
}

/** What the audit log is narrowed to: one action, one person, a range of days (both ends included). */
export function AuditFilters({ value, people, onChange }: AuditFiltersProps) {
  const { t } = useTranslation();
  const personOptions = [
    { value: '', label: t('common.everyone') },
    ...people.map((person) => ({ value: person.id, label: person.name })),
  ];
  return (
    <search className="flex flex-wrap items-center gap-2">
      <Select
        label={t('audit.action')}
        value={value.action}
        options={[
          { value: '' as const, label: t('audit.allActions') },
          ...AUDIT_ACTIONS.map((action) => ({ value: action, label: actionLabel(action) })),
        ]}
        onChange={(action) => onChange({ action })}
        className="min-w-40 flex-1 sm:flex-none"
      />
      <Select
        label={t('audit.person')}
        value={value.actorId}
        options={personOptions}
        onChange={(actorId) => onChange({ actorId })}
        className="min-w-40 flex-1 sm:flex-none"
      />
      <DayInput label={t('audit.from')} value={value.fromDay} onChange={(fromDay) => onChange({ fromDay })} />
      <DayInput label={t('audit.to')} value={value.toDay} onChange={(toDay) => onChange({ toDay })} />
    </search>
  );
}
