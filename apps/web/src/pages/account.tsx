import type { AccountSession } from '@pulsestage/contracts';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { SMALL_BUTTON } from '../components/button-styles';
import { ConfirmButton } from '../components/confirm-button';
import { ErrorNotice } from '../components/notice';
import { Section } from '../components/section';
import { Spinner } from '../components/spinner';
import { UserMenu, useLeaveSignedOut } from '../components/user-menu';
import { errorCode, errorMessage } from '../lib/errors';
import { useFailureNotice } from '../lib/failure';
import { timeAgo } from '../lib/time';
import { trpc } from '../trpc';

const dangerButton =
  'rounded-lg px-3 py-1.5 text-sm font-medium text-rose-700 ring-1 ring-rose-200 hover:bg-rose-50';

interface SessionRowProps {
  session: AccountSession;
  ending: boolean;
  onEnd(): void;
}

function SessionRow({ session, ending, onEnd }: SessionRowProps) {
  const { t } = useTranslation();
  return (
    <li className="flex flex-wrap items-center gap-3 py-3" data-testid="session">
      <span className="min-w-48 flex-1">
        <span className="flex flex-wrap items-center gap-x-2 font-medium">
          {session.device}
          {session.current && (
            <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-semibold text-emerald-800 ring-1 ring-emerald-200">
              {t('account.thisDevice')}
            </span>
          )}
        </span>
        <span className="block text-sm text-slate-600">
          {t('account.signedIn', { since: timeAgo(session.createdAt), active: timeAgo(session.lastUsedAt) })}
        </span>
      </span>
      <button
        type="button"
        className={SMALL_BUTTON}
        disabled={ending}
        aria-label={
          session.current ? t('account.signOutThis') : t('account.signOutDevice', { device: session.device })
        }
        onClick={onEnd}
      >
        {t('userMenu.signOut')}
      </button>
    </li>
  );
}

function Sessions() {
  const { t } = useTranslation();
  const sessions = trpc.account.sessions.useQuery(undefined, { retry: false });
  const utils = trpc.useUtils();
  const leaveSignedOut = useLeaveSignedOut();
  // This browser's own session was ended from another one: it is signed out now, so it signs in again.
  const onError = (error: unknown) => {
    if (errorCode(error) === 'UNAUTHORIZED') void leaveSignedOut();
  };
  const endSession = trpc.account.endSession.useMutation({
    onSuccess: async (ended) => {
      if (ended.current) return leaveSignedOut();
      await utils.account.sessions.invalidate();
    },
    onError,
  });
  const signOutEverywhere = trpc.account.signOutEverywhere.useMutation({
    onSuccess: leaveSignedOut,
    onError,
  });
  const failure = useFailureNotice([endSession, signOutEverywhere]);
  if (sessions.isPending) return <Spinner label={t('account.loading')} />;
  if (sessions.isError) {
    if (errorCode(sessions.error) === 'UNAUTHORIZED') return <Navigate to="/sign-in?next=/account" replace />;
    return <ErrorNotice message={errorMessage(sessions.error)} />;
  }
  return (
    <section
      aria-labelledby="your-sessions"
      className="rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200"
    >
      <h1 id="your-sessions" className="text-xl font-bold">
        {t('account.title')}
      </h1>
      <p className="mb-3 text-sm text-slate-600">{t('account.intro')}</p>
      <ErrorNotice message={failure} className="mb-3" />
      <ul className="divide-y divide-slate-100">
        {sessions.data.map((session) => (
          <SessionRow
            key={session.id}
            session={session}
            ending={endSession.isPending}
            onEnd={() => endSession.mutate({ sessionId: session.id })}
          />
        ))}
      </ul>
      {/* On a phone the question needs the width: its buttons go below it rather than squeeze it. */}
      <div className="mt-4 flex [&_fieldset>span]:min-w-48">
        <ConfirmButton
          label={t('account.everywhere')}
          warning={t('account.everywhereWarning')}
          className={dangerButton}
          onConfirm={() => signOutEverywhere.mutate()}
        />
      </div>
    </section>
  );
}

/** Emails when one's questions are answered; the bell in each organization's header shows them anyway. */
function AnswerEmails() {
  const { t } = useTranslation();
  const setting = trpc.account.answerEmails.useQuery(undefined, { retry: false });
  const utils = trpc.useUtils();
  const update = trpc.account.setAnswerEmails.useMutation({
    onSuccess: (saved) => utils.account.answerEmails.setData(undefined, saved),
  });
  const failure = useFailureNotice([update]);
  if (!setting.data) return null;
  const enabled = update.isPending ? update.variables.enabled : setting.data.enabled;
  return (
    <Section title={t('notifications.title')}>
      <p className="mb-3 text-sm text-slate-600">{t('notifications.accountIntro')}</p>
      {setting.data.available ? (
        <label className="flex w-fit cursor-pointer items-center gap-2 text-sm font-medium text-slate-700">
          <input
            type="checkbox"
            role="switch"
            aria-checked={enabled}
            checked={enabled}
            disabled={update.isPending}
            onChange={(event) => update.mutate({ enabled: event.target.checked })}
            className="size-4 accent-indigo-600"
          />
          {t('notifications.alsoEmail')}
        </label>
      ) : (
        <p className="text-sm text-slate-600">{t('notifications.guestNoEmail')}</p>
      )}
      <ErrorNotice message={failure} className="mt-3" />
    </Section>
  );
}

/** `/account`: the browsers signed in to the person's account, signing them out, and notification emails. */
export default function Account() {
  return (
    <div className="min-h-dvh">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-3xl items-center gap-3 px-4 py-3">
          <a href="/" className="flex items-center gap-2 font-semibold text-slate-900">
            <img src="/favicon.svg" alt="" className="size-7" />
            <span>PulseStage</span>
          </a>
          <div className="ml-auto">
            <UserMenu />
          </div>
        </div>
      </header>
      <main className="mx-auto flex max-w-3xl flex-col gap-6 px-4 py-8">
        <Sessions />
        <AnswerEmails />
      </main>
    </div>
  );
}
