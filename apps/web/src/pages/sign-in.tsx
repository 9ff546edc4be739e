import { isSsoFailure } from '@pulsestage/contracts/sso-messages';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { AuthCard, Field, SubmitButton } from '../components/form';
import { MeetingCodeBox } from '../components/meeting-code-box';
import { ErrorNotice } from '../components/notice';
import { SsoSignIn } from '../components/sso-sign-in';
import { useCredentialChange } from '../lib/credentials';
import { waitIn } from '../lib/errors';
import { useFailureNotice } from '../lib/failure';
import { useNextPath, withNext } from '../lib/navigation';
import { trpc } from '../trpc';

/** The organization the page is for: named in the address, or the one the person was on the way to. */
function useTenantOfPage(next: string): string | null {
  const [params] = useSearchParams();
  return params.get('tenant') ?? /^\/t\/([^/?#]+)/.exec(next)?.[1] ?? null;
}

/** A refusal for too many attempts says how long it lasts; a minute when the address lost that. */
const DEFAULT_RETRY_SECONDS = 60;

/** Why single sign-on sent the person back here, if it did. */
function useSsoFailure(): string | null {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const failure = params.get('sso_error');
  const retryAfter = Number(params.get('retry_after'));
  const wait = waitIn(Number.isInteger(retryAfter) && retryAfter > 0 ? retryAfter : DEFAULT_RETRY_SECONDS);
  return isSsoFailure(failure) ? t(`sso.failures.${failure}`, { wait }) : null;
}

export default function SignIn() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const next = useNextPath();
  const credentialsChanged = useCredentialChange();
  const demo = trpc.auth.demoAccounts.useQuery();
  const signIn = trpc.auth.signIn.useMutation({
    onSuccess: () => credentialsChanged(next),
  });
  const failure = useFailureNotice([signIn]);
  const tenant = useTenantOfPage(next);
  const ssoFailure = useSsoFailure();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password });
  };
  return (
    <AuthCard title={t('auth.signIn')}>
      <form onSubmit={onSubmit}>
        <ErrorNotice message={failure ?? ssoFailure} />
        <Field
          label={t('auth.email')}
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label={t('auth.password')}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <SubmitButton pending={signIn.isPending}>
          {t(signIn.isPending ? 'auth.signingIn' : 'auth.signIn')}
        </SubmitButton>
      </form>
      <SsoSignIn tenant={tenant} next={next} />
      <p className="mt-4 text-center text-sm text-slate-600">
        {t('auth.newHere')}{' '}
        <Link to={withNext('/sign-up', next)} className="font-medium text-indigo-700 underline">
          {t('auth.createAnAccount')}
        </Link>
      </p>
      {/* Someone who came to sign in on the way somewhere has no code to type. */}
      {next === '/' && (
        <div className="mt-6 border-t border-slate-200 pt-6">
          <MeetingCodeBox framed={false} />
        </div>
      )}
      {demo.data && (
        <section
          aria-labelledby="demo-accounts"
          className="mt-6 rounded-2xl bg-slate-50 p-4 ring-1 ring-slate-200"
        >
          <h2 id="demo-accounts" className="text-sm font-semibold text-slate-900">
            {t('auth.demoAccounts')}
          </h2>
          <p className="mb-3 text-xs text-slate-600">
            {t('auth.password')}{' '}
            <code className="rounded bg-white px-1 ring-1 ring-slate-200">{demo.data.password}</code>
          </p>
          <ul className="grid gap-2">
            {demo.data.accounts.map((account) => (
              <li key={account.email}>
                <button
                  type="button"
                  onClick={() => signIn.mutate({ email: account.email, password: demo.data?.password ?? '' })}
                  className="flex w-full items-center justify-between rounded-xl bg-white px-3 py-2 text-left text-sm ring-1 ring-slate-200 hover:ring-indigo-400"
                >
                  <span>
                    <span className="block font-medium text-slate-900">{account.name}</span>
                    <span className="text-slate-600">{account.email}</span>
                  </span>
                  <span className="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-800">
                    {t(`roles.${account.role}`)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </AuthCard>
  );
}
