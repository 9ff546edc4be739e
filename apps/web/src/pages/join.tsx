import { DISPLAY_NAME_MAX } from '@pulsestage/contracts/limits';
import { SSO_REQUIRED_MESSAGE } from '@pulsestage/contracts/sso-messages';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { AuthCard, Field, SubmitButton } from '../components/form';
import { ErrorNotice } from '../components/notice';
import { Spinner } from '../components/spinner';
import { SsoButton } from '../components/sso-sign-in';
import { useCredentialChange } from '../lib/credentials';
import { errorMessage } from '../lib/errors';
import { useFailureNotice } from '../lib/failure';
import { withNext } from '../lib/navigation';
import { trpc } from '../trpc';

/** `/join/:code`: join an organization with an account, or as a guest when it allows guests. */
export default function Join() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const [guestName, setGuestName] = useState('');
  const credentialsChanged = useCredentialChange();
  const link = trpc.auth.joinLink.useQuery({ code }, { retry: false });
  const me = trpc.auth.me.useQuery();
  const join = trpc.auth.joinWithCode.useMutation({
    onSuccess: ({ tenant }) => credentialsChanged(`/t/${tenant}`),
  });
  const failure = useFailureNotice([join]);
  const ssoRequired = failure === SSO_REQUIRED_MESSAGE;
  if (link.isPending || me.isPending) return <Spinner label={t('join.opening')} />;
  if (link.isError) {
    return (
      <AuthCard title={t('join.broken')}>
        <p className="text-slate-600">{errorMessage(link.error)}</p>
      </AuthCard>
    );
  }
  const here = `/join/${code}`;
  const joinAsGuest = (event: FormEvent) => {
    event.preventDefault();
    join.mutate({ code, name: guestName });
  };
  return (
    <AuthCard title={t('join.title', { name: link.data.name })}>
      <ErrorNotice message={ssoRequired ? t('sso.required') : failure} />
      {ssoRequired && (
        <div className="mb-4">
          <SsoButton tenant={link.data.tenant} />
        </div>
      )}
      {me.data ? (
        <button
          type="button"
          onClick={() => join.mutate({ code })}
          className="w-full rounded-xl bg-indigo-600 px-4 py-3 font-semibold text-white hover:bg-indigo-700"
        >
          {t('join.as', { name: me.data.name })}
        </button>
      ) : (
        <>
          <div className="grid grid-cols-2 gap-3">
            <Link
              to={withNext('/sign-in', here)}
              className="rounded-xl px-4 py-3 text-center font-semibold text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-50"
            >
              {t('auth.signIn')}
            </Link>
            <Link
              to={withNext('/sign-up', here)}
              className="rounded-xl px-4 py-3 text-center font-semibold text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-50"
            >
              {t('auth.createAccount')}
            </Link>
          </div>
          {link.data.allowGuests && (
            <form onSubmit={joinAsGuest} className="mt-6 border-t border-slate-200 pt-6">
              <p className="mb-3 text-sm text-slate-600">{t('join.guestIntro')}</p>
              <Field
                label={t('join.yourName')}
                required
                maxLength={DISPLAY_NAME_MAX}
                value={guestName}
                onChange={(e) => setGuestName(e.target.value)}
              />
              <SubmitButton pending={join.isPending}>{t('join.asGuest')}</SubmitButton>
            </form>
          )}
        </>
      )}
    </AuthCard>
  );
}
