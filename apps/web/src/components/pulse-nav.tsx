import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';

const tabClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-lg px-3 py-1.5 text-sm font-medium ${isActive ? 'bg-slate-900 text-white' : 'text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50'}`;

/** The heading of the pulse pages, with the way between the setup and the results. */
export function PulseNav({ tenant, title, action }: { tenant: string; title: string; action?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="flex flex-wrap items-center gap-3 lg:col-span-2">
      <h1 className="text-2xl font-bold">{title}</h1>
      <nav aria-label={t('tenant.pulse')} className="flex gap-2">
        <NavLink to={`/t/${tenant}/pulse`} end className={tabClass}>
          {t('pulse.nav.setup')}
        </NavLink>
        <NavLink to={`/t/${tenant}/pulse/results`} className={tabClass}>
          {t('pulse.nav.results')}
        </NavLink>
      </nav>
      {action && <div className="ml-auto">{action}</div>}
    </div>
  );
}
