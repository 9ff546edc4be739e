import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { AuthCard } from '../components/form';
import { Spinner } from '../components/spinner';
import { errorCode, errorMessage, isUnreachable } from '../lib/errors';
import { isLinkToken } from '../lib/pulse';
import { useSendOnce } from '../lib/use-send-once';
import { trpc } from '../trpc';

const primaryButton =
  'rounded-xl bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 disabled:bg-slate-300';

/**
 * `/notifications/email-off/:token`: the "Turn off these emails" link of a notification email, with no
 * sign-in. The emails are turned off from here, once, after the page loads (a mail scanner that only
 * fetches the link changes nothing), and the page offers to turn them back on.
 */
export default function EmailOff() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const wellFormed = isLinkToken(token);
  const setEmail = trpc.notification.setEmailByLink.useMutation();
  const { mutate } = setEmail;
  useSendOnce(mutate, wellFormed ? { token, enabled: false } : null);

  if (!wellFormed || errorCode(setEmail.error) === 'NOT_FOUND') {
    return (
      <AuthCard title={t('notifications.emailOff.linkBroken')}>
        <p className="text-slate-600">{t('notifications.emailOff.linkBrokenDetail')}</p>
      </AuthCard>
    );
  }
  if (setEmail.isError) {
    return (
      <AuthCard title={t('notifications.emailOff.unchanged')}>
        <p className="text-slate-600" role="alert">
          {errorMessage(setEmail.error)}
        </p>
        {isUnreachable(setEmail.error) && (
          <button
            type="button"
            onClick={() => mutate({ token, enabled: setEmail.variables?.enabled ?? false })}
            className={`mt-4 ${primaryButton}`}
          >
            {t('notifications.emailOff.tryAgain')}
          </button>
        )}
      </AuthCard>
    );
  }
  if (!setEmail.data) return <Spinner label={t('notifications.emailOff.turningOff')} />;
  const { enabled, tenantName } = setEmail.data;
  return (
    <AuthCard title={t(enabled ? 'notifications.emailOff.onAgain' : 'notifications.emailOff.off')}>
      <div className="flex flex-col gap-4 text-slate-700" data-testid="email-setting" data-enabled={enabled}>
        <p>
          {enabled
            ? t('notifications.emailOff.onDetail', { tenant: tenantName })
            : t('notifications.emailOff.offDetail')}
        </p>
        <p className="text-sm text-slate-600">{t('notifications.emailOff.changeAnyTime')}</p>
        <button
          type="button"
          disabled={setEmail.isPending}
          onClick={() => mutate({ token, enabled: !enabled })}
          className={`self-start ${primaryButton}`}
        >
          {t(enabled ? 'notifications.emailOff.turnOff' : 'notifications.emailOff.turnOn')}
        </button>
      </div>
    </AuthCard>
  );
}
