import type { Meeting, Team, Tenant } from '@pulsestage/contracts';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFailureNotice } from '../lib/failure';
import { trpc } from '../trpc';
import { ErrorNotice } from './notice';
import { namedOptions, Select } from './select';
import { SimilarSuggestions } from './similar-suggestions';

/** How long "Thanks! …" stays: long enough to read, not so long that it seems about the next question. */
const NOTICE_MS = 6000;

interface SubmitFormProps {
  tenant: Tenant;
  meeting: Meeting;
  teams: Team[];
}

/**
 * Asks a question: counts characters against the tenant's limits and says plainly why it cannot be sent.
 * Questions that already say the same appear below the Send button, so it never moves under a thumb.
 */
export function SubmitForm({ tenant, meeting, teams }: SubmitFormProps) {
  const { t } = useTranslation();
  const frozen = meeting.paused;
  const where = { tenant: tenant.slug, meetingId: meeting.id };
  const [body, setBody] = useState('');
  const [teamId, setTeamId] = useState('');
  // On unless the person chose otherwise; guests, who get no email, choose for themselves.
  const [notifyChoice, setNotifyChoice] = useState<boolean | null>(null);
  const me = trpc.auth.me.useQuery();
  const notify = notifyChoice ?? me.data?.guest === false;
  const [notice, setNotice] = useState<string | null>(null);
  const ids = { body: useId(), count: useId() };
  const utils = trpc.useUtils();
  const submit = trpc.question.submit.useMutation({
    onSuccess: (question) => {
      setBody('');
      setNotice(question.status === 'UNDER_REVIEW' ? t('submit.thanksReview') : t('submit.thanks'));
      void utils.question.mine.invalidate(where);
    },
  });
  const failure = useFailureNotice([submit]);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  const { minQuestionLength: min, maxQuestionLength: max } = tenant.settings;
  const length = body.trim().length;
  const tooLong = length > max;
  const canSend = !frozen && length >= min && !tooLong && !submit.isPending;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!canSend) return;
    setNotice(null);
    submit.mutate({ ...where, body, teamId: teamId || null, notifyWhenAnswered: notify });
  };

  return (
    <form onSubmit={onSubmit} className="rounded-2xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <label htmlFor={ids.body} className="mb-2 block font-semibold text-slate-900">
        {t('submit.label')}
      </label>
      <textarea
        id={ids.body}
        value={body}
        onChange={(event) => {
          setBody(event.target.value);
          setNotice(null);
        }}
        disabled={frozen}
        rows={3}
        aria-describedby={ids.count}
        aria-invalid={tooLong}
        placeholder={t(frozen ? 'submit.paused' : 'submit.placeholder')}
        className="w-full resize-y rounded-xl border-0 p-3 text-base ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600 disabled:bg-slate-100"
      />
      <div className="mt-3 flex flex-wrap items-center gap-3">
        {teams.length > 0 && (
          <Select
            label={t('common.team')}
            value={teamId}
            options={namedOptions(t('common.everyone'), teams)}
            onChange={setTeamId}
            disabled={frozen}
          />
        )}
        <label className="flex cursor-pointer items-center gap-2 text-sm font-medium text-slate-700">
          <input
            type="checkbox"
            checked={notify}
            onChange={(event) => setNotifyChoice(event.target.checked)}
            disabled={frozen}
            className="size-4 accent-indigo-600"
          />
          {t('notifications.notifyMe')}
        </label>
        <span
          id={ids.count}
          className={`text-sm tabular-nums ${tooLong ? 'font-semibold text-rose-700' : 'text-slate-500'}`}
        >
          {length} / {max}
          {tooLong ? t('submit.tooLong') : ''}
        </span>
        <button
          type="submit"
          disabled={!canSend}
          className="ml-auto rounded-xl bg-indigo-600 px-5 py-2.5 font-semibold text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:bg-slate-300"
        >
          {t(submit.isPending ? 'submit.sending' : 'submit.send')}
        </button>
      </div>
      {meeting.effective.requireApproval && (
        <p data-testid="review-notice" className="mt-3 text-sm text-slate-600">
          {t('submit.reviewNotice')}
        </p>
      )}
      <ErrorNotice message={failure} className="mt-3" />
      {notice && (
        <p role="status" className="mt-3 text-sm text-emerald-800">
          {notice}
        </p>
      )}
      {!frozen && <SimilarSuggestions where={where} text={body} />}
    </form>
  );
}
