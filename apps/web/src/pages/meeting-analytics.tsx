import type { MeetingAnalytics as Figures } from '@pulsestage/contracts';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
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
  const { t, i18n } = useTranslation();
  const format = (value: number) => value.toLocaleString(i18n.language);
  const share = percentAnswered(figures.answered, figures.questions);
  return (
    <dl className="grid grid-cols-2 gap-4 md:grid-cols-3 lg:grid-cols-5" data-testid="analytics-figures">
      <Figure
        label={t('analytics.participants')}
        value={format(figures.participants)}
        detail={t('analytics.askedVoted', { askers: figures.askers, voters: figures.voters })}
      />
      <Figure label={t('tenant.questions')} value={format(figures.questions)} />
      <Figure label={t('analytics.upvotes')} value={format(figures.upvotes)} />
      <Figure
        label={t('participant.answered')}
        value={share === null ? '–' : t('analytics.percent', { share: share / 100 })}
        detail={t('analytics.of', { part: figures.answered, whole: figures.questions })}
      />
      <Figure
        label={t('analytics.median')}
        value={figures.medianSecondsToAnswer === null ? '–' : formatDuration(figures.medianSecondsToAnswer)}
        detail={figures.medianSecondsToAnswer === null ? t('analytics.noAnswer') : undefined}
      />
    </dl>
  );
}

/** `/t/:tenant/m/:meeting/analytics`: how a meeting went, in figures and charts, for its moderators. */
export default function MeetingAnalytics() {
  const { t } = useTranslation();
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
            {t('analytics.back')}
          </Link>
          <h1 className="mt-1 text-2xl font-bold">{t('analytics.title', { title: meeting.title })}</h1>
        </div>
        <MeetingExport tenant={tenant.slug} meetingId={meeting.id} />
      </div>
      {figures.isPending && <Spinner label={t('analytics.counting')} />}
      {figures.isError && <ErrorNotice message={errorMessage(figures.error)} />}
      {figures.data && (
        <>
          <Headline figures={figures.data} />
          <Suspense fallback={<Spinner label={t('analytics.drawing')} />}>
            <MeetingCharts analytics={figures.data} />
          </Suspense>
        </>
      )}
    </main>
  );
}
