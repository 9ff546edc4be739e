import type { Tenant } from '@pulsestage/contracts';
import { t } from 'i18next';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../lib/errors';
import { timeAgo } from '../lib/time';
import { trpc } from '../trpc';

/** What removing someone does, said before it is done. */
export function removalWarning(name: string): string {
  return t('removed.warning', { name });
}

/** After a removal, the list of removed people changes too. */
export function useRefreshRemovedMembers(tenant: string): () => void {
  const utils = trpc.useUtils();
  return () => void utils.tenant.removedMembers.invalidate({ tenant });
}

/** The people an admin removed, who cannot rejoin until someone lets them back in; nothing when none. */
export function RemovedMembers({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation();
  const removed = trpc.tenant.removedMembers.useQuery({ tenant: tenant.slug });
  const utils = trpc.useUtils();
  const readmit = trpc.tenant.readmitMember.useMutation({
    onSuccess: (list) => utils.tenant.removedMembers.setData({ tenant: tenant.slug }, list),
  });
  if (!removed.data?.length) return null;
  return (
    <section
      aria-labelledby="removed-members"
      className="rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200"
    >
      <h2 id="removed-members" className="text-lg font-semibold">
        {t('removed.title', { count: removed.data.length })}
      </h2>
      <p className="mb-3 text-sm text-slate-600">{t('removed.intro')}</p>
      {readmit.error && (
        <p role="alert" className="mb-3 rounded-xl bg-rose-50 p-3 text-sm text-rose-800 ring-1 ring-rose-200">
          {errorMessage(readmit.error)}
        </p>
      )}
      <ul className="divide-y divide-slate-100">
        {removed.data.map((person) => (
          <li key={person.userId} className="flex flex-wrap items-center gap-3 py-2">
            <span className="min-w-48 flex-1 break-words">
              <span className="block font-medium">{person.name}</span>
              <span className="text-sm text-slate-600">
                {person.guest ? t('admin.guest') : person.email} ·{' '}
                {t('removed.when', { ago: timeAgo(person.removedAt) })}
              </span>
            </span>
            <button
              type="button"
              disabled={readmit.isPending}
              className="rounded-lg px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-50"
              aria-label={t('removed.readmitNamed', { name: person.name })}
              onClick={() => readmit.mutate({ tenant: tenant.slug, userId: person.userId })}
            >
              {t('removed.readmit')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
