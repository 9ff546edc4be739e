import type { MeetingAnalytics } from '@pulsestage/contracts';
import type { ChartConfiguration } from 'chart.js';
import { t } from 'i18next';
import { type ReactNode, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ChartCanvas } from './chart-canvas';
import { bucketLabels, describeCounts, describeTimeline } from './figures';

const QUESTIONS_COLOR = '#4f46e5';
const UPVOTES_COLOR = '#d97706';
const ANSWERED_COLOR = '#059669';
const WAITING_COLOR = '#cbd5e1';

const wholeNumbers = { beginAtZero: true, ticks: { precision: 0 } };

function ChartCard({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  return (
    <figure
      className={`rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200 ${wide ? 'lg:col-span-2' : ''}`}
    >
      <figcaption className="mb-3 text-base font-semibold text-slate-900">{title}</figcaption>
      {children}
    </figure>
  );
}

const Empty = ({ children }: { children: ReactNode }) => (
  <p className="py-8 text-center text-sm text-slate-600">{children}</p>
);

function Timeline({ timeline }: { timeline: MeetingAnalytics['timeline'] }) {
  const labels = useMemo(() => bucketLabels(timeline), [timeline]);
  const config = useMemo(
    (): ChartConfiguration => ({
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            type: 'bar',
            label: t('tenant.questions'),
            data: timeline.map((bucket) => bucket.questions),
            backgroundColor: QUESTIONS_COLOR,
            borderRadius: 3,
          },
          {
            type: 'line',
            label: t('analytics.upvotes'),
            data: timeline.map((bucket) => bucket.upvotes),
            borderColor: UPVOTES_COLOR,
            backgroundColor: UPVOTES_COLOR,
            pointRadius: 2,
            tension: 0.3,
          },
        ],
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: { y: wholeNumbers, x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } } },
      },
    }),
    [timeline, labels],
  );
  if (timeline.length === 0) return <Empty>{t('analytics.timelineEmpty')}</Empty>;
  return <ChartCanvas config={config} label={describeTimeline(timeline, labels)} height="16rem" />;
}

function ShareAnswered({ answered, questions }: { answered: number; questions: number }) {
  const config = useMemo(
    (): ChartConfiguration<'doughnut'> => ({
      type: 'doughnut',
      data: {
        labels: [t('participant.answered'), t('participant.notAnswered')],
        datasets: [
          { data: [answered, questions - answered], backgroundColor: [ANSWERED_COLOR, WAITING_COLOR] },
        ],
      },
      options: { cutout: '62%', plugins: { legend: { position: 'bottom' } } },
    }),
    [answered, questions],
  );
  if (questions === 0) return <Empty>{t('analytics.noQuestions')}</Empty>;
  return (
    <ChartCanvas
      config={config}
      label={t('analytics.answeredOf', { answered, count: questions })}
      height="14rem"
    />
  );
}

/** A horizontal bar per name: long names stay readable, and the longest bar is the biggest count. */
function horizontalBars(
  labels: string[],
  datasets: { label: string; data: number[]; color: string | string[] }[],
): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels,
      datasets: datasets.map(({ label, data, color }) => ({
        label,
        data,
        backgroundColor: color,
        borderRadius: 3,
      })),
    },
    options: {
      indexAxis: 'y',
      scales: { x: wholeNumbers },
      plugins: { legend: { display: datasets.length > 1, position: 'bottom' } },
    },
  };
}

/** Room for each bar, so a long list is not squeezed into a fixed box. */
const barsHeight = (count: number, perBar: number) => `${Math.max(8, 3 + count * perBar)}rem`;

function TopTags({ topTags }: { topTags: MeetingAnalytics['topTags'] }) {
  const config = useMemo(
    () =>
      horizontalBars(
        topTags.map(({ tag }) => tag.name),
        [
          {
            label: t('tenant.questions'),
            data: topTags.map(({ questions }) => questions),
            color: topTags.map(({ tag }) => tag.color),
          },
        ],
      ),
    [topTags],
  );
  if (topTags.length === 0) return <Empty>{t('analytics.noTags')}</Empty>;
  const description = describeCounts(topTags.map(({ tag, questions }) => [tag.name, questions]));
  return (
    <ChartCanvas
      config={config}
      label={t('analytics.perTagLabel', { description })}
      height={barsHeight(topTags.length, 2)}
    />
  );
}

function ByTeam({ byTeam }: { byTeam: MeetingAnalytics['byTeam'] }) {
  const config = useMemo(
    () =>
      horizontalBars(
        byTeam.map((team) => team.name ?? t('admin.noTeam')),
        [
          {
            label: t('tenant.questions'),
            data: byTeam.map((team) => team.questions),
            color: QUESTIONS_COLOR,
          },
          { label: t('analytics.upvotes'), data: byTeam.map((team) => team.upvotes), color: UPVOTES_COLOR },
        ],
      ),
    [byTeam],
  );
  if (byTeam.length === 0) return <Empty>{t('analytics.noQuestions')}</Empty>;
  const description = describeCounts(
    byTeam.map((team) => [
      t('analytics.teamUpvotes', { team: team.name ?? t('admin.noTeam'), count: team.upvotes }),
      team.questions,
    ]),
  );
  return (
    <ChartCanvas
      config={config}
      label={t('analytics.perTeamLabel', { description })}
      height={barsHeight(byTeam.length, 3)}
    />
  );
}

/** The analytics page's charts: loaded on their own, so Chart.js is fetched only where it is drawn. */
export default function MeetingCharts({ analytics }: { analytics: MeetingAnalytics }) {
  useTranslation();
  return (
    <div className="grid gap-6 lg:grid-cols-2" data-testid="meeting-charts">
      <ChartCard title={t('analytics.overTime')} wide>
        <Timeline timeline={analytics.timeline} />
      </ChartCard>
      <ChartCard title={t('analytics.shareAnswered')}>
        <ShareAnswered answered={analytics.answered} questions={analytics.questions} />
      </ChartCard>
      <ChartCard title={t('analytics.topTags')}>
        <TopTags topTags={analytics.topTags} />
      </ChartCard>
      <ChartCard title={t('analytics.perTeam')} wide>
        <ByTeam byTeam={analytics.byTeam} />
      </ChartCard>
    </div>
  );
}
