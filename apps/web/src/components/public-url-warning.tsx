import { Trans, useTranslation } from 'react-i18next';
import { openedOnLoopback } from '../lib/public-url';
import { trpc } from '../trpc';

/**
 * Warns an admin that QR codes and links would carry this computer's own address (`localhost`), which no
 * phone in the room can open, until the server is given its public address.
 */
export function PublicUrlWarning() {
  const { t } = useTranslation();
  const config = trpc.auth.publicUrl.useQuery();
  if (!config.data || config.data.publicUrl !== null || !openedOnLoopback()) return null;
  return (
    <div
      role="alert"
      data-testid="public-url-warning"
      className="rounded-2xl bg-amber-50 p-4 text-sm text-amber-950 ring-1 ring-amber-300 wrap-anywhere lg:col-span-2"
    >
      <p className="font-semibold">{t('publicUrl.title', { host: window.location.host })}</p>
      <p className="mt-1">
        <Trans i18nKey="publicUrl.detail" components={{ code: <code className="font-mono" /> }} />
      </p>
    </div>
  );
}
