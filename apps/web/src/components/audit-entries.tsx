import type { AuditEntry } from '@pulsestage/contracts';
import { describeAuditSummary } from '@pulsestage/contracts/audit-log';
import { useTranslation } from 'react-i18next';
import { actionLabel, describeTarget } from '../lib/audit';

const cell = 'block px-3 py-0.5 align-top sm:table-cell sm:py-2';
/** On a phone each row is a card and each cell says what it is; on wider screens the header does. */
const phoneLabel = 'mr-1 font-medium text-slate-500 sm:hidden';

function EntryRow({ entry }: { entry: AuditEntry }) {
  const { t, i18n } = useTranslation();
  const change = describeAuditSummary(entry.summary);
  return (
    <tr className="block py-2 sm:table-row sm:py-0" data-testid="audit-entry">
      <td className={`${cell} whitespace-nowrap text-slate-600`}>
        <time dateTime={entry.createdAt}>
          {new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' }).format(
            new Date(entry.createdAt),
          )}
        </time>
      </td>
      <td className={`${cell} break-words font-medium`}>
        <span className={phoneLabel}>{t('audit.columns.who')}</span>
        {entry.actor.name}
        {entry.actor.kind === 'token' && (
          <span className="font-normal text-slate-600"> {t('audit.serviceToken')}</span>
        )}
      </td>
      <td className={cell}>
        <span className={phoneLabel}>{t('audit.columns.what')}</span>
        {actionLabel(entry.action)}
      </td>
      <td className={`${cell} text-slate-600`}>
        <span className={phoneLabel}>{t('audit.columns.object')}</span>
        <span title={entry.target.id ?? undefined}>{describeTarget(entry.target)}</span>
      </td>
      <td className={`${cell} break-words text-slate-600`}>
        {change && <span className={phoneLabel}>{t('audit.columns.change')}</span>}
        {change}
      </td>
    </tr>
  );
}

/** The audit log as a table, newest first; on a phone, one card per entry. */
export function AuditEntries({ entries }: { entries: readonly AuditEntry[] }) {
  const { t } = useTranslation();
  return (
    <table className="block w-full text-sm sm:table">
      <thead className="sr-only sm:not-sr-only sm:table-header-group">
        <tr className="border-b border-slate-200 text-left text-slate-600">
          {(['when', 'who', 'what', 'object', 'change'] as const).map((heading) => (
            <th key={heading} scope="col" className="px-3 py-2 font-medium">
              {t(`audit.columns.${heading}`)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="block divide-y divide-slate-100 sm:table-row-group">
        {entries.map((entry) => (
          <EntryRow key={entry.id} entry={entry} />
        ))}
      </tbody>
    </table>
  );
}
