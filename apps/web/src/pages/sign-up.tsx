import { PASSWORD_MIN } from '@pulsestage/contracts/limits';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { AuthCard, Field, SubmitButton } from '../components/form';
import { ErrorNotice } from '../components/notice';
import { useCredentialChange } from '../lib/credentials';
import { useFailureNotice } from '../lib/failure';
import { useNextPath, withNext } from '../lib/navigation';
import { trpc } from '../trpc';

export default function SignUp() {
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
    <AuthCard title="Create your account">
      <form onSubmit={onSubmit}>
        <ErrorNotice message={failure} />
        <Field label="Name" autoComplete="name" required value={form.name} onChange={set('name')} />
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          onChange={set('email')}
        />
        <Field
          label={`Password (at least ${PASSWORD_MIN} characters)`}
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          value={form.password}
          onChange={set('password')}
        />
        <SubmitButton pending={signUp.isPending}>
          {signUp.isPending ? 'Creating…' : 'Create account'}
        </SubmitButton>
      </form>
      <p className="mt-4 text-center text-sm text-slate-600">
        Already have an account?{' '}
        <Link to={withNext('/sign-in', next)} className="font-medium text-indigo-700 underline">
          Sign in
        </Link>
      </p>
    </AuthCard>
  );
}
