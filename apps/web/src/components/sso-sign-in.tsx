import { SSO_START_PATH } from '@pulsestage/contracts/sso-messages';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { trpc } from '../trpc';
import { Field } from './form';

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
  const { t } = useTranslation();
  return (
    <a href={ssoStartPath(tenant, next)} className={BUTTON}>
      {t('sso.signIn')}
    </a>
  );
}

/**
 * Asks which organization, then goes to its provider (the server says when it has none). A plain page
 * visit, not a form submission: the page's `form-action 'self'` would stop a form's redirect to the provider.
 */
function OrganizationForm() {
  const { t } = useTranslation();
  const [tenant, setTenant] = useState('');
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    window.location.assign(ssoStartPath(tenant.trim(), undefined));
  };
  return (
    <details>
      <summary className="cursor-pointer text-sm font-medium text-indigo-700">{t('sso.signIn')}</summary>
      <form onSubmit={onSubmit} className="mt-3">
        <Field
          label={t('sso.organization')}
          required
          autoComplete="organization"
          value={tenant}
          onChange={(event) => setTenant(event.target.value)}
        />
        <button type="submit" className={BUTTON}>
          {t('sso.continue')}
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
