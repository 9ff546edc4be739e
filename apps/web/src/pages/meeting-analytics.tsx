import type { MeetingAnalytics as Figures } from '@pulsestage/contracts';
import { lazy, Suspense } from 'react';
import { Link, Navigate } from 'react-router';
import { formatDuration, percentAnswered } from '../components/charts/figures';
import { MeetingExport } from '../components/meeting-export';
import { ErrorNotice } from '../components/notice';
import { Spinner } from '../components/spinner';
import { errorMessage } from '../lib/errors';
import { meetingPath, useMeeting } from '../lib/meeting';
import { hasRole, useTenant } from '../lib/tenant';
import { trpc } from '../trpc';

// Chart.js is fetched with the charts, after the figures above them are on screen.
const MeetingCharts = lazy(() => import('../components/charts/meeting-charts'));

/** While a meeting runs its figures move; the events stream does not carry them, so they are asked again. */
const REFRESH_WHILE_OPEN_MS = 10_000;

function Figure({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="rounded-2xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd className="mt-1 text-3xl font-bold tabular-nums text-slate-900">{value}</dd>
      {detail && <dd className="mt-1 text-sm text-slate-600">{detail}</dd>}
    </div>
  );
}

function Headline({ figures }: { figures: Figures }) {
  const share = percentAnswered(figures.answered, figures.questions);
  return (
    <dl className="grid grid-cols-2 gap-4 md:grid-cols-3 lg:grid-cols-5" data-testid="analytics-figures">
      <Figure
        label="Participants"
        value={String(figures.participants)}
        detail={`${figures.askers} asked, ${figures.voters} voted`}
      />
      <Figure label="Questions" value={String(figures.questions)} />
      <Figure label="Upvotes" value={String(figures.upvotes)} />
      <Figure
        label="Answered"
        value={share === null ? '–' : `${share}%`}
        detail={`${figures.answered} of ${figures.questions}`}
      />
      <Figure
        label="Median time to answer"
        value={figures.medianSecondsToAnswer === null ? '–' : formatDuration(figures.medianSecondsToAnswer)}
        detail={figures.medianSecondsToAnswer === null ? 'No answer yet' : undefined}
      />
    </dl>
  );
}

/** `/t/:tenant/m/:meeting/analytics`: how a meeting went, in figures and charts, for its moderators. */
export default function MeetingAnalytics() {
  const tenant = useTenant();
  const meeting = useMeeting();
  const moderates = hasRole(tenant, 'moderator');
  const figures = trpc.meeting.analytics.useQuery(
    { tenant: tenant.slug, meetingId: meeting.id },
    { enabled: moderates, refetchInterval: meeting.state === 'open' ? REFRESH_WHILE_OPEN_MS : false },
  );
  if (!moderates) return <Navigate to={meetingPath(tenant.slug, meeting.id)} replace />;
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-6">
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-0 flex-1">
          <Link
            to={meetingPath(tenant.slug, meeting.id, 'moderate')}
            className="text-sm text-indigo-700 underline"
          >
            Back to moderation
          </Link>
          <h1 className="mt-1 text-2xl font-bold">Analytics · {meeting.title}</h1>
        </div>
        <MeetingExport tenant={tenant.slug} meetingId={meeting.id} />
      </div>
      {figures.isPending && <Spinner label="Counting" />}
      {figures.isError && <ErrorNotice message={errorMessage(figures.error)} />}
      {figures.data && (
        <>
          <Headline figures={figures.data} />
          <Suspense fallback={<Spinner label="Drawing the charts" />}>
            <MeetingCharts analytics={figures.data} />
          </Suspense>
        </>
      )}
    </main>
  );
}
