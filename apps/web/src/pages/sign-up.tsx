import { PASSWORD_MIN } from '@pulsestage/contracts/limits';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AuthCard, Field, SubmitButton } from '../components/form';
import { ErrorNotice } from '../components/notice';
import { useCredentialChange } from '../lib/credentials';
import { useFailureNotice } from '../lib/failure';
import { useNextPath, withNext } from '../lib/navigation';
import { trpc } from '../trpc';

export default function SignUp() {
  const { t } = useTranslation();
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const next = useNextPath();
  const credentialsChanged = useCredentialChange();
  const signUp = trpc.auth.signUp.useMutation({
    onSuccess: () => credentialsChanged(next),
  });
  const failure = useFailureNotice([signUp]);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    signUp.mutate(form);
  };
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [key]: event.target.value });
  return (
    <AuthCard title={t('auth.createYourAccount')}>
      <form onSubmit={onSubmit}>
        <ErrorNotice message={failure} />
        <Field label={t('auth.name')} autoComplete="name" required value={form.name} onChange={set('name')} />
        <Field
          label={t('auth.email')}
          type="email"
          autoComplete="email"
          required
          value={form.email}
          onChange={set('email')}
        />
        <Field
          label={t('auth.newPassword', { count: PASSWORD_MIN })}
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          value={form.password}
          onChange={set('password')}
        />
        <SubmitButton pending={signUp.isPending}>
          {t(signUp.isPending ? 'auth.creating' : 'auth.createAccount')}
        </SubmitButton>
      </form>
      <p className="mt-4 text-center text-sm text-slate-600">
        {t('auth.haveAccount')}{' '}
        <Link to={withNext('/sign-in', next)} className="font-medium text-indigo-700 underline">
          {t('auth.signIn')}
        </Link>
      </p>
    </AuthCard>
  );
}
