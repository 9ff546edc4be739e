import { useTranslation } from 'react-i18next';
import { usePresence } from '../live/live-state';

/** "N watching": the meeting's open streams across instances, as the stream last reported them. */
export function PresenceCount({
  tenant,
  meetingId,
  className,
}: {
  tenant: string;
  meetingId: string;
  className: string;
}) {
  const { t } = useTranslation();
  const watching = usePresence(tenant, meetingId);
  if (watching === undefined) return null;
  return (
    <span className={`inline-flex items-center gap-1.5 tabular-nums ${className}`} data-testid="presence">
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        className="size-[1.1em]"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
      >
        <path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12Z" />
        <circle cx="12" cy="12" r="3" />
      </svg>
      {t('presence.watching', { count: watching })}
    </span>
  );
}
