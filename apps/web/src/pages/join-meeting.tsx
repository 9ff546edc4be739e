import type { CurrentUser, JoinLinkSummary } from '@pulsestage/contracts';
import { DISPLAY_NAME_MAX } from '@pulsestage/contracts/limits';
import { t } from 'i18next';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useParams } from 'react-router';
import { AuthCard, Field, SubmitButton } from '../components/form';
import { MeetingCodeBox } from '../components/meeting-code-box';
import { ErrorNotice } from '../components/notice';
import { Spinner } from '../components/spinner';
import { useCredentialChange } from '../lib/credentials';
import { errorCode, errorMessage, retryAfterSeconds } from '../lib/errors';
import { useFailureNotice } from '../lib/failure';
import { meetingPath } from '../lib/meeting';
import { formatMeetingCode, parseMeetingCode } from '../lib/meetings';
import { withNext } from '../lib/navigation';
import { trpc } from '../trpc';

type Landing = JoinLinkSummary & { meeting: NonNullable<JoinLinkSummary['meeting']> };

const SECONDARY =
  'rounded-xl px-4 py-3 text-center font-semibold text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-50';

/** A code nobody can use: said plainly, with a box to try another. */
function UnknownCode({ code, reason }: { code: string; reason: string }) {
  const { t } = useTranslation();
  return (
    <AuthCard title={t('joinMeeting.unknown')}>
      <p className="mb-6 text-slate-600">{reason}</p>
      <MeetingCodeBox framed={false} key={code} />
    </AuthCard>
  );
}

/** A crowd is let in a minute at a time: a guest refused for it is asked to wait at most this long. */
const CROWD_WAIT_MAX_SECONDS = 120;
/** Spreads the crowd's next tries over a few seconds instead of all at the same instant. */
const CROWD_SPREAD_MS = 5000;

/**
 * When a crowd joins faster than the server lets guests in (a whole venue behind one address), the
 * guest is told so and tried again by itself once the wait is over: nobody has to press anything.
 */
/** The seconds to wait when the refusal was the crowd's (a short wait); null for any other outcome. */
function crowdWaitOf(error: unknown): number | null {
  const wait = retryAfterSeconds(error);
  return wait !== undefined && wait <= CROWD_WAIT_MAX_SECONDS ? wait : null;
}

/**
 * When a crowd joins faster than the server lets guests in (a whole venue behind one address), the
 * guest is told so and tried again by itself once the wait is over, as often as it takes: nobody has to
 * press anything.
 */
function useJoinWhenCrowdPasses(error: unknown, joining: () => void): number | null {
  useEffect(() => {
    const wait = crowdWaitOf(error);
    if (wait === null) return;
    const timer = setTimeout(joining, wait * 1000 + Math.random() * CROWD_SPREAD_MS);
    return () => clearTimeout(timer);
  }, [error, joining]);
  return crowdWaitOf(error);
}

function GuestForm({ code, archive }: { code: string; archive: boolean }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const join = useJoinMeeting();
  const failure = useFailureNotice([join]);
  const joining = useCallback(() => join.mutate({ code, name }), [join.mutate, code, name]);
  const crowdWait = useJoinWhenCrowdPasses(join.error, joining);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    joining();
  };
  return (
    <form onSubmit={onSubmit} className="mt-6 border-t border-slate-200 pt-6">
      {crowdWait === null ? (
        <ErrorNotice message={failure} />
      ) : (
        <p
          role="status"
          className="mb-4 rounded-xl bg-amber-50 p-3 text-sm font-medium text-amber-900 ring-1 ring-amber-200"
        >
          {t('joinMeeting.crowd', { seconds: crowdWait })}
        </p>
      )}
      <p className="mb-3 text-sm text-slate-600">{t('joinMeeting.guestIntro')}</p>
      <Field
        label={t('join.yourName')}
        required
        maxLength={DISPLAY_NAME_MAX}
        autoComplete="name"
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <SubmitButton pending={join.isPending}>
        {t(archive ? 'joinMeeting.archiveAsGuest' : 'join.asGuest')}
      </SubmitButton>
    </form>
  );
}

/** Joins with the code and lands in the meeting, as whoever the person now is. */
function useJoinMeeting() {
  const credentialsChanged = useCredentialChange();
  return trpc.auth.joinWithCode.useMutation({
    onSuccess: ({ tenant, meetingId }) =>
      credentialsChanged(meetingId ? meetingPath(tenant, meetingId) : `/t/${tenant}`),
  });
}

function SignedIn({ me, landing, code }: { me: CurrentUser; landing: Landing; code: string }) {
  const { t } = useTranslation();
  const join = useJoinMeeting();
  const failure = useFailureNotice([join]);
  const member = me.memberships.some((membership) => membership.tenant === landing.tenant);
  // Someone already in the organization goes straight in, as a scanned code should.
  if (member) return <Navigate to={meetingPath(landing.tenant, landing.meeting.id)} replace />;
  return (
    <>
      <ErrorNotice message={failure} />
      <button
        type="button"
        onClick={() => join.mutate({ code })}
        disabled={join.isPending}
        className="w-full rounded-xl bg-indigo-600 px-4 py-3 font-semibold text-white hover:bg-indigo-700 disabled:bg-slate-300"
      >
        {t('join.as', { name: me.name })}
      </button>
    </>
  );
}

function SignedOut({ landing, code }: { landing: Landing; code: string }) {
  const { t } = useTranslation();
  const here = `/j/${code}`;
  return (
    <>
      <div className="grid grid-cols-2 gap-3">
        <Link to={withNext('/sign-in', here)} className={SECONDARY}>
          {t('auth.signIn')}
        </Link>
        <Link to={withNext('/sign-up', here)} className={SECONDARY}>
          {t('auth.createAccount')}
        </Link>
      </div>
      {landing.allowGuests && <GuestForm code={code} archive={landing.meeting.state === 'closed'} />}
    </>
  );
}

/** Why a code led nowhere, in words: unknown, or refused for a reason the server gives. */
function refusalOf(error: unknown): string {
  const code = errorCode(error);
  return code === 'NOT_FOUND' || code === 'BAD_REQUEST' ? t('joinMeeting.noMeeting') : errorMessage(error);
}

/**
 * `/j/:code`: where a meeting's join code (typed, or scanned from the presenter screen) leads. It shows
 * which meeting the code opens, then lets the person in: straight away when they already belong to the
 * organization, by joining when signed in, or by signing in, up, or as a guest when the meeting allows it.
 */
export default function JoinMeeting() {
  const { t } = useTranslation();
  const { code: typed = '' } = useParams();
  const code = parseMeetingCode(typed);
  const link = trpc.auth.joinLink.useQuery({ code: code ?? '' }, { enabled: code !== null, retry: false });
  const me = trpc.auth.me.useQuery();
  if (code === null) {
    return <UnknownCode code={typed} reason={t('joinMeeting.notACode', { typed })} />;
  }
  if (link.isPending || me.isPending) return <Spinner label={t('joinMeeting.finding')} />;
  if (link.isError) return <UnknownCode code={code} reason={refusalOf(link.error)} />;
  const { meeting } = link.data;
  if (!meeting) return <UnknownCode code={code} reason={t('joinMeeting.noMeeting')} />;
  const landing = { ...link.data, meeting };
  return (
    <AuthCard title={meeting.title}>
      <p className="-mt-4 mb-2 text-slate-600">
        {link.data.name} · <span className="font-mono">{formatMeetingCode(code)}</span>
      </p>
      <p className="mb-6 text-sm font-medium text-slate-800">{t(`joinMeeting.states.${meeting.state}`)}</p>
      {me.data ? (
        <SignedIn me={me.data} landing={landing} code={code} />
      ) : (
        <SignedOut landing={landing} code={code} />
      )}
    </AuthCard>
  );
}
