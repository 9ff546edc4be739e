import type { PulseGroupResult, PulseQuestionResults, PulseScale } from '@pulsestage/contracts';
import { PULSE_SCALE_RANGE } from '@pulsestage/contracts/limits';
import { lazy, Suspense, useId } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import {
  describeGroup,
  distributionBars,
  formatMean,
  formatPercent,
  meanPosition,
} from '../components/charts/pulse-figures';
import { DownloadButton } from '../components/download-button';
import { ErrorNotice } from '../components/notice';
import { PulseNav } from '../components/pulse-nav';
import { Spinner } from '../components/spinner';
import { errorMessage } from '../lib/errors';
import { lastShownWeekBefore, neededAnswers, scaleName, weekName } from '../lib/pulse';
import { hasRole, useTenant } from '../lib/tenant';
import { trpc } from '../trpc';

// Chart.js is fetched with the trend charts, after the figures are on screen.
const PulseTrend = lazy(() => import('../components/charts/pulse-trend'));

/** How many weeks back the trend goes. */
const TREND_WEEKS = 12;

const CARD = 'rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200';

type Round = NonNullable<PulseQuestionResults['round']>;

function Figure({ label, value, detail }: { label: string; value: string; detail: string }) {
  return (
    <div className="min-w-0 rounded-xl bg-slate-50 p-3 ring-1 ring-slate-200">
      <dt className="text-xs font-medium text-slate-600 sm:text-sm">{label}</dt>
      <dd className="mt-1 text-2xl font-bold text-slate-900 tabular-nums sm:text-3xl lg:text-4xl">{value}</dd>
      <dd className="mt-1 text-xs text-slate-600 sm:text-sm">{detail}</dd>
    </div>
  );
}

/**
 * This round's figures, or, while too few answered, how many more it needs and the last week that
 * could be shown, so a round that just started does not blank the question.
 */
function Headline({
  scale,
  round,
  trend,
}: {
  scale: PulseScale;
  round: Round;
  trend: PulseQuestionResults['trend'];
}) {
  const { t, i18n } = useTranslation();
  const { overall, invited, responseRate } = round;
  if (overall.suppressed) {
    const previous = lastShownWeekBefore(trend, round.week);
    return (
      <div className="flex flex-col gap-4" data-testid="pulse-headline">
        <p className="rounded-xl bg-slate-50 p-4 text-slate-700 ring-1 ring-slate-200">
          <Trans
            i18nKey="pulseResults.notShownYet"
            values={{ needs: neededAnswers(overall.needed), invited }}
            components={{ strong: <strong className="text-slate-900" /> }}
          />
          {previous && ` ${t('pulseResults.below', { week: weekName(previous.week) })}`}
        </p>
        {previous && (
          <>
            <dl className="grid grid-cols-2 gap-2 sm:gap-3">
              <Figure
                label={t('pulseResults.answers')}
                value={previous.result.responses.toLocaleString(i18n.language)}
                detail={weekName(previous.week)}
              />
              <Figure
                label={t('pulseResults.mean')}
                value={formatMean(previous.result.mean)}
                detail={t('pulseResults.outOf', { max: PULSE_SCALE_RANGE[scale][1] })}
              />
            </dl>
            <Distribution scale={scale} distribution={previous.result.distribution} />
          </>
        )}
      </div>
    );
  }
  return (
    <dl className="grid grid-cols-3 gap-2 sm:gap-3" data-testid="pulse-headline">
      <Figure
        label={t('pulseResults.answers')}
        value={overall.responses.toLocaleString(i18n.language)}
        detail={t('pulseResults.ofInvited', { invited })}
      />
      <Figure
        label={t('pulseResults.mean')}
        value={formatMean(overall.mean)}
        detail={t('pulseResults.outOf', { max: PULSE_SCALE_RANGE[scale][1] })}
      />
      <Figure
        label={t('pulseResults.responseRate')}
        value={responseRate === null ? '–' : formatPercent(responseRate)}
        detail={t('pulseResults.ofThoseInvited')}
      />
    </dl>
  );
}

/** How many gave each score this round, as bars a screen reader reads as a list. */
function Distribution({ scale, distribution }: { scale: PulseScale; distribution: readonly number[] }) {
  const { t, i18n } = useTranslation();
  return (
    <ul className="flex flex-col gap-1.5" aria-label={t('pulseResults.byScore')}>
      {distributionBars(scale, distribution).map((bar) => (
        <li key={bar.label} className="grid grid-cols-[minmax(0,9rem)_1fr_auto] items-center gap-3">
          <span className="truncate text-sm text-slate-700" title={bar.label}>
            {bar.label}
          </span>
          <span className="h-4 rounded-full bg-slate-100" aria-hidden>
            <span className="block h-4 rounded-full bg-indigo-600" style={{ width: `${bar.percent}%` }} />
          </span>
          <span className="w-20 text-right text-sm text-slate-900 tabular-nums">
            {bar.count.toLocaleString(i18n.language)} · {formatPercent(bar.percent / 100)}
          </span>
        </li>
      ))}
    </ul>
  );
}

interface Group {
  key: string;
  name: string;
  result: PulseGroupResult;
}

/** Teams or cohorts this round: each group's mean on its scale, or how many more answers it needs. */
function Groups({ title, scale, groups }: { title: string; scale: PulseScale; groups: Group[] }) {
  const { t } = useTranslation();
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="min-w-0">
      <h3 id={headingId} className="mb-2 font-semibold text-slate-900">
        {title}
      </h3>
      {groups.length === 0 ? (
        <p className="text-sm text-slate-600">{t('pulseResults.noAnswers')}</p>
      ) : (
        <table className="w-full table-fixed text-sm">
          <thead className="sr-only">
            <tr>
              <th scope="col">{t('pulseResults.group')}</th>
              <th scope="col">{t('pulseResults.result')}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {groups.map((group) => (
              <tr key={group.key} data-testid="pulse-group">
                <th scope="row" className="w-2/5 py-2 pr-3 text-left font-medium break-words text-slate-800">
                  {group.name}
                </th>
                <td className="py-2">
                  <GroupResult scale={scale} result={group.result} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function GroupResult({ scale, result }: { scale: PulseScale; result: PulseGroupResult }) {
  if (result.suppressed) return <span className="text-slate-600">{neededAnswers(result.needed)}</span>;
  return (
    <span className="flex items-center gap-3">
      <span className="h-2.5 min-w-12 flex-1 rounded-full bg-slate-100" aria-hidden>
        <span
          className="block h-2.5 rounded-full bg-emerald-600"
          style={{ width: `${meanPosition(scale, result.mean)}%` }}
        />
      </span>
      <span className="text-slate-900 tabular-nums">{describeGroup(result)}</span>
    </span>
  );
}

function QuestionResults({ results, teamName }: { results: PulseQuestionResults; teamName?: string }) {
  const { t } = useTranslation();
  const { question, round, trend } = results;
  const headingId = useId();
  return (
    <article
      aria-labelledby={headingId}
      className={`${CARD} flex flex-col gap-5`}
      data-testid="pulse-results"
    >
      <header>
        <h2 id={headingId} className="text-xl font-semibold break-words text-slate-900 lg:text-2xl">
          {question.text}
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          {scaleName(question.scale)}
          {teamName && ` · ${t('pulseResults.teamOnly', { team: teamName })}`}
          {round && ` · ${t('pulseResults.thisRound', { week: weekName(round.week) })}`}
          {!question.active && ` · ${t('pulseResults.inactive')}`}
        </p>
      </header>
      {round ? (
        <>
          <div className="grid gap-5 lg:grid-cols-2">
            <div className="flex min-w-0 flex-col gap-4">
              <Headline scale={question.scale} round={round} trend={trend} />
              {!round.overall.suppressed && (
                <Distribution scale={question.scale} distribution={round.overall.distribution} />
              )}
            </div>
            <div className="min-w-0">
              <h3 className="mb-2 font-semibold text-slate-900">{t('pulseResults.meanByWeek')}</h3>
              <Suspense fallback={<Spinner label={t('pulseResults.drawing')} />}>
                <PulseTrend scale={question.scale} trend={trend} />
              </Suspense>
            </div>
          </div>
          <div className="grid gap-5 md:grid-cols-2">
            <Groups
              title={t('pulseResults.byTeam')}
              scale={question.scale}
              groups={round.teams.map((team) => ({
                key: team.teamId,
                name: team.teamName,
                result: team.result,
              }))}
            />
            <Groups
              title={t('pulseResults.byCohort')}
              scale={question.scale}
              groups={round.cohorts.map((cohort) => ({
                key: cohort.cohortName,
                name: cohort.cohortName,
                result: cohort.result,
              }))}
            />
          </div>
        </>
      ) : (
        <p className="text-slate-600">{t('pulseResults.notAsked')}</p>
      )}
    </article>
  );
}

function DownloadCsv({ tenant }: { tenant: string }) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  return (
    <DownloadButton
      label={t('export.download', { format: 'CSV' })}
      fetchFile={() => utils.client.pulse.exportResults.query({ tenant, weeks: TREND_WEEKS })}
    />
  );
}

/** `/t/:tenant/pulse/results`: every question's answers, as far as groups are big enough to show, live. */
export default function PulseResults() {
  const { t } = useTranslation();
  const tenant = useTenant();
  const admin = hasRole(tenant, 'admin');
  const results = trpc.pulse.results.useQuery(
    { tenant: tenant.slug, weeks: TREND_WEEKS },
    { enabled: admin },
  );
  const teams = trpc.team.list.useQuery({ tenant: tenant.slug }, { enabled: admin });
  if (!admin) return <Navigate to={`/t/${tenant.slug}`} replace />;
  const teamName = (id: string | null) => teams.data?.find((team) => team.id === id)?.name;
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-6">
      <PulseNav
        tenant={tenant.slug}
        title={t('pulseResults.title')}
        action={<DownloadCsv tenant={tenant.slug} />}
      />
      {results.data && (
        <p className="text-slate-600">{t('pulseResults.live', { count: results.data.threshold })}</p>
      )}
      {results.isPending && <Spinner label={t('pulseResults.counting')} />}
      {results.isError && <ErrorNotice message={errorMessage(results.error)} />}
      {results.data?.questions.length === 0 && (
        <p className="text-slate-600">
          <Trans
            i18nKey="pulseResults.none"
            components={{
              a: <Link to={`/t/${tenant.slug}/pulse`} className="text-indigo-700 underline" />,
            }}
          />
        </p>
      )}
      {results.data?.questions.map((question) => (
        <QuestionResults
          key={question.question.id}
          results={question}
          teamName={teamName(question.question.teamId)}
        />
      ))}
    </main>
  );
}
