import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { AuthCard } from '../components/form';
import { Spinner } from '../components/spinner';
import { errorMessage } from '../lib/errors';
import { trpc } from '../trpc';

/**
 * `/display#<token>`: a presenter screen opens its display link. The token sits in the fragment, so it
 * never reaches a server log; the API keeps it as this browser's display cookie.
 */
export default function OpenDisplay() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const open = trpc.auth.openDisplay.useMutation({
    onSuccess: ({ tenant }) => navigate(`/t/${tenant}/present`, { replace: true }),
  });
  const { mutate } = open;
  useEffect(() => {
    mutate({ token: window.location.hash.slice(1) });
  }, [mutate]);
  if (open.isError) {
    return (
      <AuthCard title={t('display.broken')}>
        <p className="text-slate-600">{errorMessage(open.error)}</p>
        <p className="mt-2 text-sm text-slate-500">{t('display.askAdmin')}</p>
      </AuthCard>
    );
  }
  return <Spinner label={t('display.opening')} />;
}
