import type { PulseCheckin, PulsePending } from '@pulsestage/contracts';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorCode } from '../lib/errors';
import { useFailureNotice } from '../lib/failure';
import { anonymityNote, checkinProgress, choicesOf, likelihoodEnds } from '../lib/pulse';
import { hasRole, useTenant } from '../lib/tenant';
import { trpc } from '../trpc';
import { ErrorNotice } from './notice';

const CARD = 'rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200';
const CHOICE =
  'min-h-12 rounded-xl px-3 py-2 font-semibold text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600';
const CHOICE_IDLE =
  'bg-white ring-1 ring-slate-300 hover:bg-indigo-50 hover:ring-indigo-400 disabled:opacity-60';
const CHOICE_SENDING = 'bg-indigo-100 ring-2 ring-indigo-600';

/** Refusals that mean the check-in is gone (answered elsewhere, or expired): the list loads again. */
const GONE = new Set(['CONFLICT', 'PRECONDITION_FAILED', 'NOT_FOUND']);

function usePending(tenant: string, enabled: boolean) {
  // The stream says when the caller's cohort is invited; coming back to the tab asks too, in case the
  // cohorts changed since the list loaded.
  return trpc.pulse.pending.useQuery({ tenant }, { enabled, refetchOnWindowFocus: true, retry: false });
}

/** Invitations by email, on or off: the caller's own choice. */
function EmailSwitch({ tenant, pending, intro }: { tenant: string; pending: PulsePending; intro?: string }) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const update = trpc.pulse.setEmailPreference.useMutation({
    onSuccess: (updated) => utils.pulse.pending.setData({ tenant }, updated),
    onError: () => utils.pulse.pending.invalidate({ tenant }),
  });
  // The switch moves at once, and shows what the server holds again once it answered.
  const [wanted, setWanted] = useState<boolean | null>(null);
  const onChange = (emailInvitations: boolean) => {
    setWanted(emailInvitations);
    update.mutate({ tenant, emailInvitations }, { onSettled: () => setWanted(null) });
  };
  const failure = useFailureNotice([update]);
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
      {intro && <p className="text-sm text-slate-600">{intro}</p>}
      <label className="flex w-fit cursor-pointer items-center gap-2 text-sm font-medium text-slate-700">
        <input
          type="checkbox"
          role="switch"
          aria-checked={wanted ?? pending.emailInvitations}
          checked={wanted ?? pending.emailInvitations}
          disabled={wanted !== null}
          onChange={(event) => onChange(event.target.checked)}
          className="size-4 accent-indigo-600"
        />
        {t('pulse.emailMe')}
      </label>
      <ErrorNotice message={failure} className="basis-full" />
    </div>
  );
}

interface ChoicesProps {
  checkin: PulseCheckin;
  questionId: string;
  /** The score being sent, while it is. */
  sending: number | null;
  onAnswer(score: number): void;
}

/** One large button per score, labelled in words, for a single tap. */
function Choices({ checkin, questionId, sending, onAnswer }: ChoicesProps) {
  // The choices are worded in the language shown: a change of language words them again.
  useTranslation();
  const { scale } = checkin.question;
  const agreement = scale === 'agree5';
  return (
    <fieldset aria-labelledby={questionId} className="flex flex-col gap-2">
      <div className={agreement ? 'grid gap-2 sm:grid-cols-5' : 'grid grid-cols-6 gap-2 sm:grid-cols-11'}>
        {choicesOf(scale).map((choice) => (
          <button
            key={choice.score}
            type="button"
            aria-label={choice.spoken}
            disabled={sending !== null}
            onClick={() => onAnswer(choice.score)}
            className={`${CHOICE} ${sending === choice.score ? CHOICE_SENDING : CHOICE_IDLE} ${agreement ? 'text-base sm:text-sm' : 'text-lg tabular-nums'}`}
          >
            {choice.label}
          </button>
        ))}
      </div>
      {!agreement && (
        <p className="flex justify-between text-sm text-slate-600" aria-hidden>
          <span>0 = {likelihoodEnds().lowest}</span>
          <span>10 = {likelihoodEnds().highest}</span>
        </p>
      )}
    </fieldset>
  );
}

function Footer({ tenant, pending }: { tenant: string; pending: PulsePending }) {
  return (
    <div className="mt-4 flex flex-col gap-3 border-t border-slate-100 pt-3">
      <p className="text-sm text-slate-600">{anonymityNote(pending.threshold)}</p>
      <EmailSwitch tenant={tenant} pending={pending} />
    </div>
  );
}

interface CheckinsProps {
  tenant: string;
  pending: PulsePending;
  /** Whether the email switch stays when no check-in waits (the organization's home page). */
  keepSwitch: boolean;
}

function Checkins({ tenant, pending, keepSwitch }: CheckinsProps) {
  const { t } = useTranslation();
  const questionId = useId();
  const [answered, setAnswered] = useState(0);
  const utils = trpc.useUtils();
  const respond = trpc.pulse.respond.useMutation({
    onSuccess: (_recorded, { invitationId }) => {
      setAnswered((count) => count + 1);
      utils.pulse.pending.setData(
        { tenant },
        (current) =>
          current && {
            ...current,
            checkins: current.checkins.filter((checkin) => checkin.invitationId !== invitationId),
          },
      );
    },
    onError: (error) => {
      if (GONE.has(errorCode(error) ?? '')) void utils.pulse.pending.invalidate({ tenant });
    },
  });
  const failure = useFailureNotice([respond]);
  const current = pending.checkins[0];
  const progress = checkinProgress(answered, pending.checkins.length);

  if (!current && answered === 0) {
    if (!keepSwitch) return null;
    return <EmailSwitch tenant={tenant} pending={pending} intro={t('pulse.appearHere')} />;
  }
  return (
    <section aria-label={t('pulse.checkin')} className={CARD} data-testid="pulse-card">
      {current ? (
        <>
          <div className="mb-2 flex items-baseline gap-3">
            <h2 className="text-sm font-semibold tracking-wide text-indigo-700 uppercase">
              {t('pulse.checkin')}
            </h2>
            {progress && <span className="text-sm text-slate-600 tabular-nums">{progress}</span>}
            {answered > 0 && (
              <span role="status" className="ml-auto text-sm text-emerald-800">
                {t('pulse.recorded')}
              </span>
            )}
          </div>
          <p id={questionId} className="mb-4 text-lg font-semibold text-balance text-slate-900">
            {current.question.text}
          </p>
          <ErrorNotice message={failure} className="mb-3" />
          <Choices
            key={current.invitationId}
            checkin={current}
            questionId={questionId}
            sending={respond.isPending ? (respond.variables?.score ?? null) : null}
            onAnswer={(score) => respond.mutate({ tenant, invitationId: current.invitationId, score })}
          />
        </>
      ) : (
        <div role="status">
          <h2 className="text-lg font-semibold text-slate-900">{t('pulse.thankYou')}</h2>
          <p className="mt-1 text-slate-700">{t('pulse.answersIn', { count: answered })}</p>
        </div>
      )}
      <Footer tenant={tenant} pending={pending} />
    </section>
  );
}

/**
 * A member's pulse check-ins: one at a time, answered with one tap, appearing as soon as their cohort is
 * invited. Guests, who are never invited, see nothing.
 */
export function PulseCheckins({ keepSwitch = false }: { keepSwitch?: boolean }) {
  const tenant = useTenant();
  const pending = usePending(tenant.slug, hasRole(tenant, 'member'));
  if (!pending.data || pending.data.cohortName === null) return null;
  return <Checkins tenant={tenant.slug} pending={pending.data} keepSwitch={keepSwitch} />;
}
