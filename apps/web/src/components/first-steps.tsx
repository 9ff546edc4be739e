import type { Tenant } from '@pulsestage/contracts';
import type { ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePublicOrigin } from '../lib/public-url';
import { trpc } from '../trpc';

function Step({ done, title, children }: { done: boolean; title: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <li className="flex gap-3">
      <span
        aria-hidden
        className={`mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full text-sm font-bold ${
          done ? 'bg-emerald-600 text-white' : 'ring-2 ring-slate-300'
        }`}
      >
        {done ? '✓' : ''}
      </span>
      <div className="min-w-0">
        <p className="font-medium">
          {title}
          {done && <span className="sr-only"> {t('common.done')}</span>}
        </p>
        <div className="text-sm text-slate-600">{children}</div>
      </div>
    </li>
  );
}

/**
 * What a new organization needs before its first session, ticked off as it happens: people invited
 * with the join link, the display open on the room's screen, and a moderator to help.
 */
export function FirstSteps({ tenant, onDone }: { tenant: Tenant; onDone(): void }) {
  const { t } = useTranslation();
  const slug = tenant.slug;
  const origin = usePublicOrigin();
  const joinCode = trpc.tenant.joinCode.useQuery({ tenant: slug });
  const members = trpc.tenant.members.useQuery({ tenant: slug });
  const others = members.data?.filter((member) => member.role !== 'owner') ?? [];
  const joinUrl = origin && joinCode.data ? `${origin}/join/${joinCode.data.code}` : null;
  return (
    <section
      aria-labelledby="first-steps"
      className="rounded-2xl bg-indigo-50 p-5 ring-1 ring-indigo-200 lg:col-span-2"
    >
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <h2 id="first-steps" className="text-lg font-semibold">
          {t('firstSteps.title', { name: tenant.name })}
        </h2>
        <button
          type="button"
          onClick={onDone}
          className="ml-auto rounded-lg px-3 py-1.5 text-sm font-medium ring-1 ring-indigo-300 hover:bg-white"
        >
          {t('firstSteps.hide')}
        </button>
      </div>
      <ol className="flex flex-col gap-4">
        <Step done={others.length > 0} title={t('firstSteps.invite')}>
          {joinUrl ? (
            <code className="break-all text-indigo-900">{joinUrl}</code>
          ) : (
            t('firstSteps.createLink')
          )}{' '}
          {t('firstSteps.anyone')}
        </Step>
        <Step done={false} title={t('firstSteps.display')}>
          <Trans
            i18nKey="firstSteps.openDisplay"
            components={{
              a: <Link to={`/t/${slug}/present`} className="font-medium text-indigo-700 underline" />,
            }}
          />
        </Step>
        <Step done={others.some((member) => member.role !== 'member')} title={t('firstSteps.moderator')}>
          {t('firstSteps.moderatorHint')}
        </Step>
      </ol>
    </section>
  );
}
