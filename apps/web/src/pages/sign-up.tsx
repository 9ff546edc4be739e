import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { AuthCard, Field, FormError, SubmitButton } from '../components/form';
import { errorMessage } from '../lib/errors';
import { useNextPath, withNext } from '../lib/navigation';
import { trpc } from '../trpc';

export default function SignUp() {
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const next = useNextPath();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signUp = trpc.auth.signUp.useMutation({
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      navigate(next, { replace: true });
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    signUp.mutate(form);
  };
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [key]: event.target.value });
  return (
    <AuthCard title="Create your account">
      <form onSubmit={onSubmit}>
        <FormError message={signUp.isError ? errorMessage(signUp.error) : null} />
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
          label="Password (at least 8 characters)"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
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
