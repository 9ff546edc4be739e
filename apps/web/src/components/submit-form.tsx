import type { Meeting, Team, Tenant } from '@pulsestage/contracts';
import { type FormEvent, useEffect, useId, useState } from 'react';
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
  const frozen = meeting.paused;
  const where = { tenant: tenant.slug, meetingId: meeting.id };
  const [body, setBody] = useState('');
  const [teamId, setTeamId] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const ids = { body: useId(), count: useId() };
  const utils = trpc.useUtils();
  const submit = trpc.question.submit.useMutation({
    onSuccess: (question) => {
      setBody('');
      setNotice(
        question.status === 'UNDER_REVIEW'
          ? 'Thanks! Your question will appear once a moderator approves it.'
          : 'Thanks! Your question is in the queue.',
      );
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
    submit.mutate({ ...where, body, teamId: teamId || null });
  };

  return (
    <form onSubmit={onSubmit} className="rounded-2xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <label htmlFor={ids.body} className="mb-2 block font-semibold text-slate-900">
        Ask a question
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
        placeholder={frozen ? 'Questions are paused' : 'What would you like to ask?'}
        className="w-full resize-y rounded-xl border-0 p-3 text-base ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600 disabled:bg-slate-100"
      />
      <div className="mt-3 flex flex-wrap items-center gap-3">
        {teams.length > 0 && (
          <Select
            label="Team"
            value={teamId}
            options={namedOptions('Everyone', teams)}
            onChange={setTeamId}
            disabled={frozen}
          />
        )}
        <span
          id={ids.count}
          className={`text-sm tabular-nums ${tooLong ? 'font-semibold text-rose-700' : 'text-slate-500'}`}
        >
          {length} / {max}
          {tooLong ? ' — too long' : ''}
        </span>
        <button
          type="submit"
          disabled={!canSend}
          className="ml-auto rounded-xl bg-indigo-600 px-5 py-2.5 font-semibold text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:bg-slate-300"
        >
          {submit.isPending ? 'Sending…' : 'Send'}
        </button>
      </div>
      {meeting.effective.requireApproval && (
        <p data-testid="review-notice" className="mt-3 text-sm text-slate-600">
          A moderator approves each question before everyone sees it.
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
