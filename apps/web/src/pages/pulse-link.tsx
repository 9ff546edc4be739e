import type { PulseRecorded } from '@pulsestage/contracts';
import { useEffect, useRef } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { AuthCard } from '../components/form';
import { Spinner } from '../components/spinner';
import { errorCode, errorMessage, isUnreachable } from '../lib/errors';
import { anonymityNote, answerInWords, isLinkToken, linkScore } from '../lib/pulse';
import { trpc } from '../trpc';

interface Refusal {
  title: string;
  detail: string;
}

const NOT_VALID: Refusal = {
  title: 'This check-in link does not work',
  detail:
    'It may be mistyped or cut short by your email program. Open it again from the email, or answer the check-in in PulseStage.',
};
const NO_ANSWER: Refusal = {
  title: 'This link has no answer in it',
  detail:
    "The answer at the end of the link is missing or is not one of the question's choices. Open the email again and tap one of the answers.",
};

/** What a refused answer means for the person holding the link; nothing was recorded in any case. */
function refusalOf(error: unknown): Refusal {
  switch (errorCode(error)) {
    case 'NOT_FOUND':
      return NOT_VALID;
    case 'CONFLICT':
      return {
        title: 'This check-in was already answered',
        detail: 'Each check-in takes one answer, given from its email or in PulseStage. Nothing was changed.',
      };
    case 'PRECONDITION_FAILED':
      return { title: 'This check-in has expired', detail: errorMessage(error) };
    case 'BAD_REQUEST':
      return NO_ANSWER;
    default:
      return { title: 'Your answer was not recorded', detail: errorMessage(error) };
  }
}

function Recorded({ recorded }: { recorded: PulseRecorded }) {
  return (
    <AuthCard title="Thank you, your answer is in">
      <div data-testid="pulse-recorded" className="flex flex-col gap-4 text-slate-700">
        <p>{recorded.tenantName} asked:</p>
        <blockquote className="rounded-xl bg-slate-50 p-4 text-lg font-semibold text-slate-900 ring-1 ring-slate-200">
          {recorded.question.text}
        </blockquote>
        <p>
          You answered{' '}
          <strong className="text-slate-900">{answerInWords(recorded.question.scale, recorded.score)}</strong>
          .
        </p>
        <p className="text-sm text-slate-600">
          {anonymityNote(recorded.threshold)} You can close this page. Emailed check-ins can be turned off on
          your organization's page in PulseStage.
        </p>
      </div>
    </AuthCard>
  );
}

/**
 * `/pulse/r/:token?score=N`: the one-tap answer of an invitation email, with no sign-in. The answer is
 * sent from here, once, after the page loads, so a mail scanner that only fetches the link answers nothing.
 */
export default function PulseLink() {
  const { token = '' } = useParams();
  const [params] = useSearchParams();
  const score = linkScore(params.get('score'));
  const wellFormed = isLinkToken(token);
  const respond = trpc.pulse.respondWithLink.useMutation();
  const { mutate } = respond;
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current || !wellFormed || score === null) return;
    sent.current = true;
    mutate({ token, score });
  }, [mutate, token, score, wellFormed]);

  if (!wellFormed || score === null) {
    const refusal = wellFormed ? NO_ANSWER : NOT_VALID;
    return (
      <AuthCard title={refusal.title}>
        <p className="text-slate-600">{refusal.detail}</p>
      </AuthCard>
    );
  }
  if (respond.data) return <Recorded recorded={respond.data} />;
  if (respond.isError) {
    const refusal = refusalOf(respond.error);
    return (
      <AuthCard title={refusal.title}>
        <p className="text-slate-600" data-testid="pulse-refused">
          {refusal.detail}
        </p>
        {isUnreachable(respond.error) && (
          <button
            type="button"
            onClick={() => mutate({ token, score })}
            className="mt-4 rounded-xl bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700"
          >
            Try again
          </button>
        )}
      </AuthCard>
    );
  }
  return <Spinner label="Recording your answer" />;
}
