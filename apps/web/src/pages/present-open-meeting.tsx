import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { ConnectionIndicator } from '../components/connection-indicator';
import { Spinner } from '../components/spinner';
import { meetingPath } from '../lib/meeting';
import { formatMeetingCode } from '../lib/meetings';
import { useTenant } from '../lib/tenant';
import { trpc } from '../trpc';

/**
 * `/t/:tenant/present`: a display link or a presenter without a meeting in the address. One open meeting
 * is shown at once; with several the presenter picks; with none the screen waits, live, for one to open.
 */
export default function PresentOpenMeeting() {
  const { t } = useTranslation();
  const tenant = useTenant();
  const open = trpc.meeting.list.useQuery({ tenant: tenant.slug, when: 'open' });
  if (open.isPending) return <Spinner label={t('present.finding')} />;
  const meetings = open.data?.items ?? [];
  const [only] = meetings;
  if (meetings.length === 1 && only)
    return <Navigate to={meetingPath(tenant.slug, only.id, 'present')} replace />;
  return (
    <div className="flex min-h-dvh flex-col gap-[4vh] bg-slate-950 scheme-light px-[4vw] py-[4vh] text-white">
      <header className="flex items-center gap-6">
        <h1 className="truncate text-[clamp(1.5rem,3.4vh,2.5rem)] font-bold">{tenant.name}</h1>
        <div className="ml-auto">
          <ConnectionIndicator dark />
        </div>
      </header>
      {meetings.length === 0 ? (
        <p role="status" className="m-auto text-center text-[min(5vh,6vw)] text-slate-300">
          {t('meetings.empty.open')}
          <span className="mt-4 block text-[min(3vh,4vw)] text-slate-400">{t('present.waiting')}</span>
        </p>
      ) : (
        <nav aria-label={t('present.openMeetings')} className="m-auto flex w-full max-w-3xl flex-col gap-4">
          <h2 className="text-[min(4vh,5vw)] font-semibold">{t('present.which')}</h2>
          {meetings.map((meeting) => (
            <Link
              key={meeting.id}
              to={meetingPath(tenant.slug, meeting.id, 'present')}
              className="flex items-baseline gap-4 rounded-2xl bg-white/10 px-6 py-4 text-[min(3.5vh,4.5vw)] hover:bg-white/20"
            >
              <span className="min-w-0 flex-1 truncate font-semibold">{meeting.title}</span>
              <span className="font-mono text-slate-300">{formatMeetingCode(meeting.code)}</span>
            </Link>
          ))}
        </nav>
      )}
    </div>
  );
}
