import type { AuditEntry } from '@pulsestage/contracts';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { AuditEntries } from '../components/audit-entries';
import { AuditFilters } from '../components/audit-filters';
import { SMALL_BUTTON } from '../components/button-styles';
import { DownloadButton } from '../components/download-button';
import { ErrorNotice } from '../components/notice';
import { Spinner } from '../components/spinner';
import { type AuditForm, NO_FILTERS, toAuditFilters } from '../lib/audit';
import { errorMessage } from '../lib/errors';
import { hasRole, useTenant } from '../lib/tenant';
import { trpc } from '../trpc';

const PAGE_SIZE = 50;

/** Who the person filter offers: members and service tokens now, and whoever the loaded entries name. */
function usePeople(tenant: string, entries: readonly AuditEntry[]) {
  const { t } = useTranslation();
  const members = trpc.tenant.members.useQuery({ tenant });
  const access = trpc.tenant.access.useQuery({ tenant });
  return useMemo(() => {
    const names = new Map<string, string>();
    for (const member of members.data ?? []) names.set(member.userId, member.name);
    for (const token of access.data?.serviceTokens ?? [])
      names.set(token.id, `${token.name} ${t('audit.serviceToken')}`);
    for (const { actor } of entries) {
      if (!names.has(actor.id))
        names.set(actor.id, actor.kind === 'token' ? `${actor.name} ${t('audit.serviceToken')}` : actor.name);
    }
    return [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  }, [members.data, access.data, entries]);
}

function ExportButton({ tenant, form }: { tenant: string; form: AuditForm }) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  return (
    <DownloadButton
      label={t('audit.export')}
      fetchFile={() => utils.client.audit.export.query(toAuditFilters(tenant, form))}
    />
  );
}

/** `/t/:tenant/audit`: what moderators and admins did, who, to what and when, for admins to read and export. */
export default function Audit() {
  const { t } = useTranslation();
  const tenant = useTenant();
  const [form, setForm] = useState<AuditForm>(NO_FILTERS);
  const allowed = hasRole(tenant, 'admin');
  const list = trpc.audit.list.useInfiniteQuery(
    { ...toAuditFilters(tenant.slug, form), limit: PAGE_SIZE },
    {
      enabled: allowed,
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      placeholderData: (previous) => previous,
      // The log grows with every action, and no event says so: each visit reads it afresh.
      staleTime: 0,
      refetchOnMount: 'always',
    },
  );
  const entries = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const people = usePeople(tenant.slug, entries);
  if (!allowed) return <Navigate to={`/t/${tenant.slug}`} replace />;
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-4 px-4 py-6">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <h1 className="text-xl font-bold">{t('admin.auditLog')}</h1>
          <p className="text-sm text-slate-600">
            {t('audit.intro')}{' '}
            <Link to={`/t/${tenant.slug}/admin`} className="font-medium text-indigo-700 hover:underline">
              {t('audit.back')}
            </Link>
          </p>
        </div>
        <ExportButton tenant={tenant.slug} form={form} />
      </div>
      <AuditFilters value={form} people={people} onChange={(change) => setForm({ ...form, ...change })} />
      <section className="rounded-2xl bg-white p-2 shadow-sm ring-1 ring-slate-200 sm:p-4">
        {list.isPending ? (
          <Spinner label={t('audit.loading')} />
        ) : list.isError ? (
          <ErrorNotice message={errorMessage(list.error)} className="m-2" />
        ) : entries.length === 0 ? (
          <p className="p-3 text-sm text-slate-600">
            {t(Object.values(form).every((value) => value === '') ? 'audit.emptyYet' : 'audit.emptyMatching')}
          </p>
        ) : (
          <AuditEntries entries={entries} />
        )}
      </section>
      {list.hasNextPage && (
        <button
          type="button"
          className={`${SMALL_BUTTON} self-center`}
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {t(list.isFetchingNextPage ? 'audit.loadingMore' : 'audit.loadMore')}
        </button>
      )}
    </main>
  );
}
