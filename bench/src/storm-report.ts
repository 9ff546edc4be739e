/** The storm's table: one column per server, then each API run over the baseline. */
import { formatNumber, table } from './report.js';
import type { StormRun } from './storm-measure.js';
import type { StormOptions } from './storm-options.js';
import { errorCount } from './storm-traffic.js';

interface Figure {
  label: string;
  value(run: StormRun): number | string | undefined;
  digits?: number;
  /** Shown as API / baseline too. */
  compared?: boolean;
}

const quantile = (histogram: StormRun['staleness'], q: number) =>
  histogram.count ? histogram.quantile(q) : undefined;
const max = (histogram: StormRun['staleness']) => (histogram.count ? histogram.max : undefined);
const windowSeconds = (run: StormRun) => (run.window ? (run.window.to - run.window.from) / 1000 : undefined);

function upvotesPerSecond(run: StormRun): number | undefined {
  const { ok, elapsedMs } = run.traffic;
  return elapsedMs ? (ok / elapsedMs) * 1000 : undefined;
}

function cpuPercent(run: StormRun): number | undefined {
  const elapsed = windowSeconds(run);
  return run.cpuSeconds !== undefined && elapsed ? (run.cpuSeconds / elapsed) * 100 : undefined;
}

const FIGURES: Figure[] = [
  { label: 'upvotes/s (acknowledged)', value: upvotesPerSecond, digits: 0, compared: true },
  {
    label: 'toggles acknowledged / sent / due',
    value: (run) => `${run.traffic.ok} / ${run.traffic.sent} / ${run.traffic.scheduled}`,
  },
  { label: 'errors', value: (run) => errorCount(run.traffic), digits: 0 },
  { label: 'sent ≥ 100 ms behind schedule', value: (run) => run.traffic.late, digits: 0 },
  { label: 'mutation latency p50 (ms)', value: (run) => quantile(run.traffic.latency, 0.5), compared: true },
  { label: 'mutation latency p99 (ms)', value: (run) => quantile(run.traffic.latency, 0.99), compared: true },
  { label: 'mutation latency max (ms)', value: (run) => max(run.traffic.latency), compared: true },
  { label: 'staleness p50 (ms)', value: (run) => quantile(run.staleness, 0.5), compared: true },
  { label: 'staleness p99 (ms)', value: (run) => quantile(run.staleness, 0.99), compared: true },
  { label: 'staleness max (ms)', value: (run) => max(run.staleness), compared: true },
  { label: 'toggles never seen by every subscriber', value: (run) => run.unreached, digits: 0 },
  { label: 'wrong final counts (subscriber × question)', value: (run) => run.wrongCounts, digits: 0 },
  { label: 'questions whose count ≠ acknowledged votes', value: (run) => run.miscounted, digits: 0 },
  {
    label: 'other events published / lost deliveries',
    value: (run) => `${run.traffic.others.length} / ${run.lostOthers ?? '—'}`,
  },
  {
    label: 'upvote events per subscriber (ids)',
    value: (run) =>
      run.fleet?.connections && run.voteDeliveries !== undefined
        ? `${formatNumber(run.voteDeliveries / run.fleet.connections, 0)} (${run.voteEventIds})`
        : undefined,
  },
  {
    label: 'duplicated / out of order',
    value: (run) => run.fleet && `${run.fleet.duplicated} / ${run.fleet.outOfOrder}`,
  },
  { label: 'server CPU s (first toggle to last delivery)', value: (run) => run.cpuSeconds, compared: true },
  { label: 'server CPU % of one core', value: cpuPercent, digits: 0, compared: true },
  {
    label: 'server RSS MB with subscribers',
    value: (run) => run.rssConnectedKb && run.rssConnectedKb / 1024,
    digits: 1,
    compared: true,
  },
  {
    label: 'server RSS MB peak',
    value: (run) => run.rssPeakKb && run.rssPeakKb / 1024,
    digits: 1,
    compared: true,
  },
  { label: 'load processes CPU s', value: (run) => run.fleet?.loaderCpuSeconds },
  { label: 'harness CPU s (voters)', value: (run) => run.harnessCpuSeconds },
  { label: 'elapsed s (first toggle to last delivery)', value: windowSeconds },
  { label: 'subscribers', value: (run) => run.connect?.connected, digits: 0 },
];

function cell(figure: Figure, run: StormRun): string | number | undefined {
  const value = figure.value(run);
  return typeof value === 'number' ? formatNumber(value, figure.digits ?? 2) : value;
}

function ratio(figure: Figure, api: StormRun, baseline: StormRun): string | undefined {
  const [mine, theirs] = [figure.value(api), figure.value(baseline)];
  if (typeof mine !== 'number' || typeof theirs !== 'number' || theirs === 0) return undefined;
  return `${formatNumber(mine / theirs, 2)}×`;
}

/** What makes a run wrong, whatever its speed. */
function problems(run: StormRun): string[] {
  const found: string[] = [];
  const { traffic } = run;
  if (traffic.errors.size)
    found.push(`errors: ${[...traffic.errors].map(([kind, count]) => `${count} × ${kind}`).join(', ')}`);
  if (traffic.errorSamples.length) found.push(`first errors: ${traffic.errorSamples.join('; ')}`);
  if (run.unreached) found.push(`${run.unreached} acknowledged toggles never reached every subscriber`);
  if (run.wrongCounts) found.push(`${run.wrongCounts} subscriber × question counts differ from the server's`);
  if (run.miscounted) found.push(`${run.miscounted} questions' counts differ from the acknowledged votes`);
  if (run.lostOthers) found.push(`${run.lostOthers} deliveries of other events lost`);
  if (run.fleet?.duplicated) found.push(`${run.fleet.duplicated} duplicated deliveries`);
  if (run.fleet?.outOfOrder) found.push(`${run.fleet.outOfOrder} deliveries out of order`);
  if (run.fleet?.disconnects) found.push(`${run.fleet.disconnects} subscribers were disconnected`);
  if (run.fleet?.streamErrors.length) found.push(`stream errors: ${run.fleet.streamErrors.join('; ')}`);
  if (run.drained === false)
    found.push('not every subscriber received the last toggle within --drain-timeout');
  if (run.failure) found.push(`FAILED: ${run.failure}`);
  return found;
}

/** Notes that explain a figure without making the run wrong. */
function notes(run: StormRun): string[] {
  const found: string[] = [];
  if (run.traffic.skipped)
    found.push(`${run.traffic.skipped} toggles were due while every voter × question pair was busy`);
  if (run.unexpected) found.push(`${run.unexpected} event ids of other kinds than the storm's`);
  if (run.staleness.negatives)
    found.push(
      `${run.staleness.negatives} counts reached every subscriber before the toggle's response (counted as 0)`,
    );
  return found;
}

/** Prints the table and what went wrong; true when a run is wrong (errors, wrong counts, lost events). */
export function printResults(options: StormOptions, runs: StormRun[]): boolean {
  const baseline = runs.find((run) => run.name === 'baseline');
  const apis = runs.filter((run) => run !== baseline);
  const compared = baseline ? apis : [];
  const header = [
    'figure',
    ...runs.map((run) => (run === baseline ? 'baseline' : `API, ${run.name}`)),
    ...compared.map((run) => `${run.name} / baseline`),
  ];
  const rows = FIGURES.map((figure) => [
    figure.label,
    ...runs.map((run) => cell(figure, run)),
    ...compared.map((run) => (figure.compared && baseline ? ratio(figure, run, baseline) : '')),
  ]);
  const stream = options.transport === 'trpc' ? 'tRPC events.subscribe' : 'GET /events';
  const lines = [
    '',
    `Storm: ${options.voters} voters toggle upvotes on ${options.questions} questions at ${options.rate}/s for ` +
      `${options.duration} s, ${options['other-rate']} other events/s, ${options.subscribers} subscribers on the ` +
      `meeting (${stream}), ${options.built ? 'built API' : 'API from sources via tsx'}, ` +
      `baseline writing every ${options['baseline-interval']} ms, loopback`,
    '',
    table(header, rows),
    '',
  ];
  let wrong = false;
  for (const run of runs) {
    const found = problems(run);
    if (found.length) wrong = true;
    for (const line of [...found, ...notes(run)]) lines.push(`${run.name}: ${line}`);
  }
  console.log(lines.join('\n'));
  return wrong;
}

/** The figures for --json. */
export function figures(run: StormRun): Record<string, number | string | null> {
  return Object.fromEntries([
    ['name', run.name],
    ['failure', run.failure ?? null],
    ...FIGURES.map((figure) => [figure.label, figure.value(run) ?? null]),
  ]);
}
