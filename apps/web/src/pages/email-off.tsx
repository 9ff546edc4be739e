import { useEffect, useRef } from 'react';
import { useParams } from 'react-router';
import { AuthCard } from '../components/form';
import { Spinner } from '../components/spinner';
import { errorCode, errorMessage, isUnreachable } from '../lib/errors';
import { isLinkToken } from '../lib/pulse';
import { trpc } from '../trpc';

const NOT_VALID = {
  title: 'This link does not work',
  detail:
    'It may be mistyped or cut short by your email program. Open it again from the email, or turn the emails off on your account page in PulseStage.',
};

const primaryButton =
  'rounded-xl bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 disabled:bg-slate-300';

/**
 * `/notifications/email-off/:token`: the "Turn off these emails" link of a notification email, with no
 * sign-in. The emails are turned off from here, once, after the page loads (a mail scanner that only
 * fetches the link changes nothing), and the page offers to turn them back on.
 */
export default function EmailOff() {
  const { token = '' } = useParams();
  const wellFormed = isLinkToken(token);
  const setEmail = trpc.notification.setEmailByLink.useMutation();
  const { mutate } = setEmail;
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current || !wellFormed) return;
    sent.current = true;
    mutate({ token, enabled: false });
  }, [mutate, token, wellFormed]);

  if (!wellFormed || errorCode(setEmail.error) === 'NOT_FOUND') {
    return (
      <AuthCard title={NOT_VALID.title}>
        <p className="text-slate-600">{NOT_VALID.detail}</p>
      </AuthCard>
    );
  }
  if (setEmail.isError) {
    return (
      <AuthCard title="Nothing was changed">
        <p className="text-slate-600" role="alert">
          {errorMessage(setEmail.error)}
        </p>
        {isUnreachable(setEmail.error) && (
          <button
            type="button"
            onClick={() => mutate({ token, enabled: setEmail.variables?.enabled ?? false })}
            className={`mt-4 ${primaryButton}`}
          >
            Try again
          </button>
        )}
      </AuthCard>
    );
  }
  if (!setEmail.data) return <Spinner label="Turning off the emails" />;
  const { enabled, tenantName } = setEmail.data;
  return (
    <AuthCard title={enabled ? 'Emails are on again' : 'You will get no more of these emails'}>
      <div className="flex flex-col gap-4 text-slate-700" data-testid="email-setting" data-enabled={enabled}>
        <p>
          {enabled
            ? `You will get an email when a question you asked in ${tenantName} or elsewhere is answered.`
            : 'PulseStage will not email you when your questions are answered. The bell in PulseStage still shows it.'}
        </p>
        <p className="text-sm text-slate-600">You can change this any time on your account page.</p>
        <button
          type="button"
          disabled={setEmail.isPending}
          onClick={() => mutate({ token, enabled: !enabled })}
          className={`self-start ${primaryButton}`}
        >
          {enabled ? 'Turn them off' : 'Turn them back on'}
        </button>
      </div>
    </AuthCard>
  );
}
