import { Outlet, useParams } from 'react-router';
import { Spinner } from '../components/spinner';
import { errorCode, errorMessage } from '../lib/errors';
import { MeetingContext } from '../lib/meeting';
import { useTenant } from '../lib/tenant';
import { useMeetingDeleted } from '../live/live-state';
import { trpc } from '../trpc';

function Gone({ title, detail }: { title: string; detail: string }) {
  const tenant = useTenant();
  return (
    <main className="mx-auto max-w-lg p-8 text-center" data-testid="meeting-gone">
      <h1 className="text-xl font-semibold">{title}</h1>
      <p className="mt-2 text-slate-600">{detail}</p>
      <a className="mt-4 inline-block text-indigo-700 underline" href={`/t/${tenant.slug}`}>
        See the other meetings
      </a>
    </main>
  );
}

/** `/t/:tenant/m/:meeting/*`: the meeting every page below shows, live, or why there is none. */
export function MeetingLayout() {
  const tenant = useTenant();
  const { meeting: meetingId = '' } = useParams();
  const meeting = trpc.meeting.get.useQuery({ tenant: tenant.slug, meetingId }, { retry: false });
  const deleted = useMeetingDeleted(tenant.slug, meetingId);
  if (deleted) {
    const title = meeting.data ? `“${meeting.data.title}” was deleted` : 'This meeting was deleted';
    return <Gone title={title} detail="Its questions and answers were deleted with it." />;
  }
  if (meeting.isPending) return <Spinner label="Loading the meeting" />;
  if (meeting.isError) {
    const detail =
      errorCode(meeting.error) === 'NOT_FOUND'
        ? 'There is no such meeting here: it may have been deleted, or the link is mistyped.'
        : errorMessage(meeting.error);
    return <Gone title="This meeting is not available" detail={detail} />;
  }
  return (
    <MeetingContext.Provider value={meeting.data}>
      <Outlet />
    </MeetingContext.Provider>
  );
}
