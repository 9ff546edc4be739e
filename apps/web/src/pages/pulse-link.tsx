import type { PulseRecorded } from '@pulsestage/contracts';
import { t } from 'i18next';
import { Trans, useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import { AuthCard } from '../components/form';
import { Spinner } from '../components/spinner';
import { errorCode, errorMessage, isUnreachable } from '../lib/errors';
import { anonymityNote, answerInWords, isLinkToken, linkScore } from '../lib/pulse';
import { useSendOnce } from '../lib/use-send-once';
import { trpc } from '../trpc';

interface Refusal {
  title: string;
  detail: string;
}

const notValid = (): Refusal => ({
  title: t('pulseLink.notValid.title'),
  detail: t('pulseLink.notValid.detail'),
});
const noAnswer = (): Refusal => ({
  title: t('pulseLink.noAnswer.title'),
  detail: t('pulseLink.noAnswer.detail'),
});

/** What a refused answer means for the person holding the link; nothing was recorded in any case. */
function refusalOf(error: unknown): Refusal {
  switch (errorCode(error)) {
    case 'NOT_FOUND':
      return notValid();
    case 'CONFLICT':
      return { title: t('pulseLink.answered.title'), detail: t('pulseLink.answered.detail') };
    case 'PRECONDITION_FAILED':
      return { title: t('pulseLink.expired'), detail: errorMessage(error) };
    case 'BAD_REQUEST':
      return noAnswer();
    default:
      return { title: t('pulseLink.notRecorded'), detail: errorMessage(error) };
  }
}

function Recorded({ recorded }: { recorded: PulseRecorded }) {
  const { t } = useTranslation();
  return (
    <AuthCard title={t('pulseLink.thanks')}>
      <div data-testid="pulse-recorded" className="flex flex-col gap-4 text-slate-700">
        <p>{t('pulseLink.asked', { name: recorded.tenantName })}</p>
        <blockquote className="rounded-xl bg-slate-50 p-4 text-lg font-semibold text-slate-900 ring-1 ring-slate-200">
          {recorded.question.text}
        </blockquote>
        <p>
          <Trans
            i18nKey="pulseLink.youAnswered"
            values={{ answer: answerInWords(recorded.question.scale, recorded.score) }}
            components={{ answer: <strong className="text-slate-900" /> }}
          />
        </p>
        <p className="text-sm text-slate-600">
          {anonymityNote(recorded.threshold)} {t('pulseLink.close')}
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
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const [params] = useSearchParams();
  const score = linkScore(params.get('score'));
  const wellFormed = isLinkToken(token);
  const respond = trpc.pulse.respondWithLink.useMutation();
  const { mutate } = respond;
  useSendOnce(mutate, wellFormed && score !== null ? { token, score } : null);

  if (!wellFormed || score === null) {
    const refusal = wellFormed ? noAnswer() : notValid();
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
            {t('pulseLink.tryAgain')}
          </button>
        )}
      </AuthCard>
    );
  }
  return <Spinner label={t('pulseLink.recording')} />;
}
