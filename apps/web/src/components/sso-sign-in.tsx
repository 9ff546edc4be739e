import { SSO_START_PATH } from '@pulsestage/contracts/sso-messages';
import { useId } from 'react';
import { trpc } from '../trpc';

const BUTTON =
  'block w-full rounded-xl bg-white px-4 py-3 text-center font-semibold text-indigo-700 ring-1 ring-indigo-300 hover:ring-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600';

/** Where single sign-on starts; `next`, a page of the tenant, is where it lands (else the tenant's home). */
function ssoStartPath(tenant: string, next: string | undefined): string {
  const query = new URLSearchParams({ tenant });
  if (next) query.set('next', next);
  return `${SSO_START_PATH}?${query}`;
}

/** The way in through the organization's identity provider: a full page visit, never a fetch. */
export function SsoButton({ tenant, next }: { tenant: string; next?: string }) {
  return (
    <a href={ssoStartPath(tenant, next)} className={BUTTON}>
      Sign in with single sign-on
    </a>
  );
}

/** Asks which organization, then goes to its provider (the server says when it has none). */
function OrganizationForm() {
  const id = useId();
  return (
    <details>
      <summary className="cursor-pointer text-sm font-medium text-indigo-700">
        Sign in with single sign-on
      </summary>
      <form method="get" action={SSO_START_PATH} className="mt-3 flex flex-col gap-3">
        <label htmlFor={id} className="text-sm font-medium text-slate-700">
          Organization (as in its address, /t/your-organization)
        </label>
        <input
          id={id}
          name="tenant"
          required
          autoComplete="organization"
          className="w-full rounded-xl border-0 px-3 py-2.5 text-base ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600"
        />
        <button type="submit" className={BUTTON}>
          Continue with single sign-on
        </button>
      </form>
    </details>
  );
}

/** On the sign-in page: the tenant's button when it offers single sign-on, else a way to name one. */
export function SsoSignIn({ tenant, next }: { tenant: string | null; next: string }) {
  const available = trpc.sso.available.useQuery(
    { tenant: tenant ?? '' },
    { enabled: tenant !== null, retry: false },
  );
  const content =
    tenant === null ? <OrganizationForm /> : available.data?.sso && <SsoButton tenant={tenant} next={next} />;
  if (!content) return null;
  return <div className="mt-6 border-t border-slate-200 pt-6">{content}</div>;
}
