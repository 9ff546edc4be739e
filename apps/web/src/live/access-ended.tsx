import type { Tenant } from '@pulsestage/contracts';
import { t } from 'i18next';
import { useContext } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { TenantContext } from '../lib/tenant';

/** What ended the stream for good: the session (signed out) or the access to the organization. */
export type AccessEnd = 'signed-out' | 'access-ended';

function wording(end: AccessEnd, tenant: Tenant | null) {
  const name = tenant?.name ?? t('accessEnded.thisOrganization');
  // A display link has no role and no one to sign in: only a new link brings the screen back.
  if (tenant && tenant.role === null)
    return {
      title: t('accessEnded.display.title'),
      advice: t('accessEnded.display.advice', { name }),
      action: null,
    };
  if (end === 'signed-out')
    return {
      title: t('accessEnded.signedOut.title'),
      advice: t('accessEnded.signedOut.advice', { name }),
      action: t('auth.signIn'),
    };
  return {
    title: t('accessEnded.removed.title', { name }),
    advice: t('accessEnded.removed.advice', { name }),
    action: t('accessEnded.removed.action'),
  };
}

/** Shown instead of the page once access ended: its questions are gone, and it says what to do. */
export function AccessEnded({ end }: { end: AccessEnd }) {
  useTranslation();
  const tenant = useContext(TenantContext);
  const location = useLocation();
  const { title, advice, action } = wording(end, tenant);
  return (
    <div className="min-h-dvh bg-white">
      <main data-access-ended={end} className="mx-auto max-w-lg p-8 text-center">
        <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
        <p className="mt-2 text-slate-700">{advice}</p>
        {action && (
          <a
            className="mt-4 inline-block rounded-md bg-indigo-700 px-4 py-2 font-medium text-white"
            href={`/sign-in?next=${encodeURIComponent(location.pathname)}`}
          >
            {action}
          </a>
        )}
      </main>
    </div>
  );
}
