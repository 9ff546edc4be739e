import { onlineManager } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useOnline } from '../lib/use-online';

/**
 * The app-wide word that the device has no network, on every page; the live pages' connection
 * indicator says what their own stream is doing meanwhile.
 */
export function OfflineBanner() {
  const { t } = useTranslation();
  const online = useOnline();
  // The query client only learns of a change: told of a page opened offline, it holds the page's
  // queries until the network is back instead of failing them for good.
  useEffect(() => onlineManager.setOnline(online), [online]);
  return (
    <div role="status" aria-live="polite">
      {!online && (
        <p
          data-testid="offline-banner"
          className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-center text-sm font-medium text-amber-900"
        >
          {t('offline')}
        </p>
      )}
    </div>
  );
}
