import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { Field, SubmitButton } from '../components/form';
import { MeetingCodeBox } from '../components/meeting-code-box';
import { ErrorNotice } from '../components/notice';
import { Spinner } from '../components/spinner';
import { UserMenu } from '../components/user-menu';
import { useCredentialChange } from '../lib/credentials';
import { errorMessage, isUnreachable } from '../lib/errors';
import { useFailureNotice } from '../lib/failure';
import { slugFromName } from '../lib/slug';
import { trpc } from '../trpc';

function CreateOrganization() {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  // The address follows the name until the person edits it.
  const [address, setAddress] = useState<string | null>(null);
  const tenant = address ?? slugFromName(name);
  const credentialsChanged = useCredentialChange();
  const create = trpc.tenant.create.useMutation({
    onSuccess: (created) => credentialsChanged(`/t/${created.slug}/admin?welcome`),
  });
  const failure = useFailureNotice([create], {
    name: t('home.nameField'),
    tenant: t('home.addressField'),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, tenant });
  };
  return (
    <form onSubmit={onSubmit}>
      <ErrorNotice message={failure} />
      <Field label={t('auth.name')} required value={name} onChange={(e) => setName(e.target.value)} />
      <Field
        label={t('home.address')}
        required
        value={tenant}
        onChange={(e) => setAddress(e.target.value.toLowerCase())}
        placeholder="acme-town-hall"
      />
      <SubmitButton pending={create.isPending}>{t('home.create')}</SubmitButton>
    </form>
  );
}

/**
 * Organizers (and newcomers who belong nowhere yet) are offered a new organization up front; people
 * who only attend, having joined through a link, find it folded away below their organizations.
 */
function NewOrganization({ attendee }: { attendee: boolean }) {
  const { t } = useTranslation();
  const card = 'rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200';
  if (attendee) {
    return (
      <details className={card}>
        <summary className="cursor-pointer text-sm font-medium text-slate-700">
          {t('home.organizing')}
        </summary>
        <div className="mt-4">
          <CreateOrganization />
        </div>
      </details>
    );
  }
  return (
    <section aria-labelledby="create-organization" className={card}>
      <h2 id="create-organization" className="mb-4 text-lg font-semibold">
        {t('home.createOrganization')}
      </h2>
      <CreateOrganization />
    </section>
  );
}

/** `/`: the organizations the signed-in person belongs to. */
export function Home() {
  const { t } = useTranslation();
  // While PulseStage cannot be reached, keep asking (backing off) and say so.
  const me = trpc.auth.me.useQuery(undefined, { retry: (_count, error) => isUnreachable(error) });
  if (me.isPending) {
    if (me.failureCount === 0) return <Spinner label={t('common.loading')} />;
    return <ErrorNotice message={errorMessage(me.failureReason)} className="m-8" />;
  }
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
        <MeetingCodeBox />
        <h1 className="text-2xl font-bold">{t('home.title')}</h1>
        {memberships.length === 0 ? (
          <p className="text-slate-600">{t('home.none')}</p>
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
                    /{membership.tenant} · {t(`roles.${membership.role}`)}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {!guest && (
          <NewOrganization
            attendee={
              memberships.length > 0 && memberships.every((membership) => membership.role === 'member')
            }
          />
        )}
      </main>
    </div>
  );
}
