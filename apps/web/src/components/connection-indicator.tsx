import { useTranslation } from 'react-i18next';
import { type ConnectionState, useConnection } from '../live/live-events';

const LOOK: Record<ConnectionState, { dot: string; tone: string }> = {
  live: { dot: 'bg-emerald-500', tone: 'text-emerald-800 bg-emerald-50 ring-emerald-200' },
  connecting: {
    dot: 'bg-amber-400 motion-safe:animate-pulse',
    tone: 'text-amber-900 bg-amber-50 ring-amber-200',
  },
  reconnecting: {
    dot: 'bg-amber-400 motion-safe:animate-pulse',
    tone: 'text-amber-900 bg-amber-50 ring-amber-200',
  },
  offline: {
    dot: 'border-2 border-rose-500',
    tone: 'text-rose-800 bg-rose-50 ring-rose-200',
  },
};

/** The live stream's real state, in words (never by colour alone), announced to screen readers. */
export function ConnectionIndicator({ dark = false }: { dark?: boolean }) {
  const { t } = useTranslation();
  const { state, detail, retry } = useConnection();
  const look = LOOK[state];
  return (
    <div
      role="status"
      aria-live="polite"
      data-connection={state}
      title={detail ?? undefined}
      className={`inline-flex items-center gap-2 rounded-full px-3 py-1 text-sm font-medium ring-1 ${
        dark ? 'bg-white/10 text-white ring-white/20' : look.tone
      }`}
    >
      <span className={`size-2.5 rounded-full ${look.dot}`} aria-hidden />
      <span>{t(`connection.${state}`)}</span>
      {detail && <span className="sr-only">: {detail}</span>}
      {state === 'offline' && (
        <button type="button" onClick={retry} className="underline underline-offset-2">
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
