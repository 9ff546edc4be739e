import { useTranslation } from 'react-i18next';
import { Outlet, useParams } from 'react-router';
import { Spinner } from '../components/spinner';
import { errorCode, errorMessage } from '../lib/errors';
import { MeetingContext } from '../lib/meeting';
import { useTenant } from '../lib/tenant';
import { useMeetingDeleted } from '../live/live-state';
import { trpc } from '../trpc';

function Gone({ title, detail }: { title: string; detail: string }) {
  const { t } = useTranslation();
  const tenant = useTenant();
  return (
    <main className="mx-auto max-w-lg p-8 text-center" data-testid="meeting-gone">
      <h1 className="text-xl font-semibold">{title}</h1>
      <p className="mt-2 text-slate-600">{detail}</p>
      <a className="mt-4 inline-block text-indigo-700 underline" href={`/t/${tenant.slug}`}>
        {t('meeting.others')}
      </a>
    </main>
  );
}

/** `/t/:tenant/m/:meeting/*`: the meeting every page below shows, live, or why there is none. */
export function MeetingLayout() {
  const { t } = useTranslation();
  const tenant = useTenant();
  const { meeting: meetingId = '' } = useParams();
  const meeting = trpc.meeting.get.useQuery({ tenant: tenant.slug, meetingId }, { retry: false });
  const deleted = useMeetingDeleted(tenant.slug, meetingId);
  if (deleted) {
    const title = meeting.data
      ? t('meeting.deletedNamed', { title: meeting.data.title })
      : t('meeting.deleted');
    return <Gone title={title} detail={t('meeting.deletedDetail')} />;
  }
  if (meeting.isPending) return <Spinner label={t('meeting.loading')} />;
  if (meeting.isError) {
    const detail =
      errorCode(meeting.error) === 'NOT_FOUND' ? t('meeting.notFound') : errorMessage(meeting.error);
    return <Gone title={t('meeting.unavailable')} detail={detail} />;
  }
  return (
    <MeetingContext.Provider value={meeting.data}>
      <Outlet />
    </MeetingContext.Provider>
  );
}
