import type { Tenant } from '@pulsestage/contracts';
import { useContext } from 'react';
import { useLocation } from 'react-router';
import { TenantContext } from '../lib/tenant';

/** What ended the stream for good: the session (signed out) or the access to the organization. */
export type AccessEnd = 'signed-out' | 'access-ended';

function wording(end: AccessEnd, tenant: Tenant | null) {
  const name = tenant?.name ?? 'this organization';
  // A display link has no role and no one to sign in: only a new link brings the screen back.
  if (tenant && tenant.role === null)
    return {
      title: 'This display’s access has ended',
      advice: `Its display link was revoked. Ask an admin of ${name} for a new display link.`,
      action: null,
    };
  if (end === 'signed-out')
    return { title: 'You were signed out', advice: `Sign in again to follow ${name}.`, action: 'Sign in' };
  return {
    title: `Your access to ${name} has ended`,
    advice: `You are no longer a member. Ask an admin of ${name} to let you back in, or sign in with another account.`,
    action: 'Sign in with another account',
  };
}

/** Shown instead of the page once access ended: its questions are gone, and it says what to do. */
export function AccessEnded({ end }: { end: AccessEnd }) {
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
