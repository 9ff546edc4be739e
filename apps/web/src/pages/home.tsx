import { type FormEvent, useState } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';
import { Field, FormError, SubmitButton } from '../components/form';
import { Spinner } from '../components/spinner';
import { UserMenu } from '../components/user-menu';
import { errorMessage } from '../lib/errors';
import { trpc } from '../trpc';

function CreateOrganization() {
  const [form, setForm] = useState({ name: '', tenant: '' });
  const navigate = useNavigate();
  const create = trpc.tenant.create.useMutation({
    onSuccess: (tenant) => navigate(`/t/${tenant.slug}/admin`),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(form);
  };
  return (
    <form onSubmit={onSubmit} className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 className="mb-4 text-lg font-semibold">Create an organization</h2>
      <FormError message={create.isError ? errorMessage(create.error) : null} />
      <Field
        label="Name"
        required
        value={form.name}
        onChange={(e) => setForm({ ...form, name: e.target.value })}
      />
      <Field
        label="Address (lowercase letters, digits and dashes)"
        required
        value={form.tenant}
        onChange={(e) => setForm({ ...form, tenant: e.target.value.toLowerCase() })}
        placeholder="acme-town-hall"
      />
      <SubmitButton pending={create.isPending}>Create</SubmitButton>
    </form>
  );
}

/** `/`: the organizations the signed-in person belongs to. */
export function Home() {
  const me = trpc.auth.me.useQuery();
  if (me.isPending) return <Spinner label="Loading" />;
  if (me.isError) return <p className="p-8 text-center text-rose-700">{errorMessage(me.error)}</p>;
  if (!me.data) return <Navigate to="/sign-in" replace />;
  const { memberships, guest } = me.data;
  if (memberships.length === 1 && guest) return <Navigate to={`/t/${memberships[0]?.tenant}`} replace />;
  return (
    <div className="min-h-dvh">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-3xl items-center gap-3 px-4 py-3">
          <img src="/favicon.svg" alt="" className="size-7" />
          <span className="font-semibold">PulseStage</span>
          <div className="ml-auto">
            <UserMenu />
          </div>
        </div>
      </header>
      <main className="mx-auto flex max-w-3xl flex-col gap-6 px-4 py-8">
        <h1 className="text-2xl font-bold">Your organizations</h1>
        {memberships.length === 0 ? (
          <p className="text-slate-600">
            You are not in any organization yet. Open a join link, or create one below.
          </p>
        ) : (
          <ul className="grid gap-3 sm:grid-cols-2">
            {memberships.map((membership) => (
              <li key={membership.tenant}>
                <Link
                  to={`/t/${membership.tenant}`}
                  className="block rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200 hover:ring-indigo-400"
                >
                  <span className="block text-lg font-semibold text-slate-900">{membership.name}</span>
                  <span className="text-sm text-slate-600">
                    /{membership.tenant} · {membership.role}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {!guest && <CreateOrganization />}
      </main>
    </div>
  );
}
