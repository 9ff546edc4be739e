/** The fan-out results: each server's figures side by side, their ratio, and the verdict on each target. */

import type { TargetRun } from './fanout-measure.js';
import type { FanoutOptions } from './fanout-options.js';
import { type Cell, formatNumber, seconds, table } from './report.js';
import { describeDatabase } from './setup.js';

interface Figures {
  p50?: number;
  p99?: number;
  max?: number;
  deliveriesPerSecond?: number;
  cpuPer1000?: number;
  rssPerConnectionKb?: number;
  lost?: number;
  duplicated?: number;
  outOfOrder?: number;
  negatives?: number;
  minLatency?: number;
  fromRequestP50?: number;
  fromRequestP99?: number;
  mutationP50?: number;
  mutationP99?: number;
  loaderCpuSeconds?: number;
  publisherCpuSeconds?: number;
}
export function figures(run: TargetRun): Figures {
  const fleet = run.fleet;
  const latency = fleet?.latency;
  const connected = run.connect?.connected ?? 0;
  const window =
    fleet && run.firstSentAt !== undefined && fleet.lastArrival > 0
      ? (fleet.lastArrival - run.firstSentAt) / 1000
      : undefined;
  return {
    p50: latency?.quantile(0.5),
    p99: latency?.quantile(0.99),
    max: latency && latency.count > 0 ? latency.max : undefined,
    minLatency: latency && latency.count > 0 ? latency.min : undefined,
    negatives: latency?.negatives,
    deliveriesPerSecond: fleet && window ? fleet.deliveries / window : undefined,
    cpuPer1000:
      fleet && run.cpuSeconds !== undefined && fleet.deliveries > 0
        ? (run.cpuSeconds / fleet.deliveries) * 1000
        : undefined,
    rssPerConnectionKb:
      run.rssBeforeKb !== undefined && run.rssConnectedKb !== undefined && connected > 0
        ? (run.rssConnectedKb - run.rssBeforeKb) / connected
        : undefined,
    lost: run.lost,
    duplicated: run.duplicated,
    outOfOrder: fleet?.outOfOrder,
    fromRequestP50: fleet?.latencyFromRequest?.quantile(0.5),
    fromRequestP99: fleet?.latencyFromRequest?.quantile(0.99),
    mutationP50: run.mutationLatency.count ? run.mutationLatency.quantile(0.5) : undefined,
    mutationP99: run.mutationLatency.count ? run.mutationLatency.quantile(0.99) : undefined,
    loaderCpuSeconds: fleet?.loaderCpuSeconds,
    publisherCpuSeconds: run.publisherCpuSeconds,
  };
}

interface Row {
  label: string;
  key: keyof Figures;
  digits: number;
  /** 'lower': the API may be at most 1.5x the baseline; 'higher': at least 1/1.5 of it. */
  target?: 'lower' | 'higher';
  ratio?: boolean;
}

const ROWS: Row[] = [
  { label: 'delivery latency p50 (ms)', key: 'p50', digits: 2, target: 'lower', ratio: true },
  { label: 'delivery latency p99 (ms)', key: 'p99', digits: 2, target: 'lower', ratio: true },
  { label: 'delivery latency max (ms)', key: 'max', digits: 2, target: 'lower', ratio: true },
  { label: 'deliveries/s', key: 'deliveriesPerSecond', digits: 0, target: 'higher', ratio: true },
  { label: 'server CPU s per 1,000 deliveries', key: 'cpuPer1000', digits: 4, target: 'lower', ratio: true },
  {
    label: 'server RSS KB per connection',
    key: 'rssPerConnectionKb',
    digits: 1,
    target: 'lower',
    ratio: true,
  },
  { label: 'lost', key: 'lost', digits: 0 },
  { label: 'duplicated', key: 'duplicated', digits: 0 },
  { label: 'out of order', key: 'outOfOrder', digits: 0 },
  { label: 'latency from mutation request p50 (ms)', key: 'fromRequestP50', digits: 2, ratio: true },
  { label: 'latency from mutation request p99 (ms)', key: 'fromRequestP99', digits: 2, ratio: true },
  { label: 'mutation round trip p50 (ms)', key: 'mutationP50', digits: 2, ratio: true },
  { label: 'mutation round trip p99 (ms)', key: 'mutationP99', digits: 2, ratio: true },
  { label: 'load processes CPU s (client side)', key: 'loaderCpuSeconds', digits: 2 },
  { label: 'publishing process CPU s (client side)', key: 'publisherCpuSeconds', digits: 2 },
];

const TARGET_RATIO = 1.5;

function verdict(row: Row, api: number | undefined, baseline: number | undefined): string {
  if (row.key === 'lost' || row.key === 'duplicated' || row.key === 'outOfOrder') {
    if (api === undefined) return '';
    return api === 0 && (baseline ?? 0) === 0 ? 'ok (0)' : 'FAIL (must be 0)';
  }
  if (!row.target || api === undefined || baseline === undefined || baseline <= 0) return '';
  const ratio = api / baseline;
  const ok = row.target === 'lower' ? ratio <= TARGET_RATIO : ratio >= 1 / TARGET_RATIO;
  return ok
    ? `ok (${row.target === 'lower' ? '≤' : '≥'}${row.target === 'lower' ? '1.5' : '0.67'})`
    : 'OVER TARGET';
}
export function printResults(
  options: FanoutOptions,
  runs: TargetRun[],
): { failedTargets: number; incorrect: boolean } {
  const api = runs.find((run) => run.name === 'API');
  const baseline = runs.find((run) => run.name === 'baseline');
  const apiFigures = api ? figures(api) : undefined;
  const baseFigures = baseline ? figures(baseline) : undefined;
  let failedTargets = 0;
  let incorrect = false;
  const rows: Cell[][] = ROWS.map((row) => {
    const a = apiFigures?.[row.key];
    const b = baseFigures?.[row.key];
    const ratio =
      row.ratio && a !== undefined && b !== undefined && b > 0 ? `${formatNumber(a / b, 2)}x` : '';
    const mark = baseline
      ? verdict(row, a, b)
      : row.key === 'lost' || row.key === 'duplicated' || row.key === 'outOfOrder'
        ? verdict(row, a, 0)
        : '';
    if (mark === 'OVER TARGET') failedTargets++;
    if (mark.startsWith('FAIL')) incorrect = true;
    return [
      row.label,
      formatNumber(a, row.digits),
      baseline ? formatNumber(b, row.digits) : undefined,
      ratio,
      mark,
    ];
  });
  const lines = [
    '',
    `Fan-out: ${options.subscribers} subscribers (${options.loaders} load processes), ${options.events} events at ` +
      `${options.rate}/s (${options.mix}), transport ${options.transport === 'trpc' ? 'tRPC events.subscribe' : 'GET /events'}, ` +
      (options['baseline-only']
        ? 'baseline only, loopback'
        : `${describeDatabase(options)}, ${options.built ? 'built API' : 'API from sources via tsx'}, loopback`) +
      (options['baseline-coalesce'] > 0
        ? `; the baseline collects events for ${options['baseline-coalesce']} ms per write`
        : ''),
    '',
    table(['figure', 'API', 'baseline', 'ratio API/baseline', 'target'], rows),
    '',
  ];
  for (const run of runs) {
    const f = figures(run);
    const connected = run.connect
      ? `${run.connect.connected} connected in ${seconds(run.connect.connectMs)}`
      : 'not connected';
    const mb = (kb: number | undefined) => (kb === undefined ? '—' : (kb / 1024).toFixed(1));
    const rss = `RSS ${mb(run.rssBeforeKb)} MB before subscribers, ${mb(run.rssConnectedKb)} MB connected, ${mb(run.rssEndKb)} MB after publishing`;
    const deliveries = run.fleet
      ? `${run.fleet.deliveries} deliveries`
      : `${run.liveFleet?.deliveries() ?? 0} deliveries so far (unfinished)`;
    lines.push(
      `${run.name}: ${connected}; ${run.published} events published; ${deliveries}; CPU ${formatNumber(run.cpuSeconds, 2)} s while publishing; ${rss}`,
    );
    if (run.serverStats) lines.push(`  ${run.serverStats}`);
    if (f.negatives)
      lines.push(
        `  ${f.negatives} deliveries arrived before their mutation's response (min ${formatNumber(f.minLatency, 2)} ms); percentiles count them as 0, min/max are as measured`,
      );
    if (run.fleet?.streamErrors.length) lines.push(`  stream errors: ${run.fleet.streamErrors.join('; ')}`);
    if (run.fleet?.mismatched)
      lines.push(`  ${run.fleet.mismatched} deliveries differed from the first copy of the same id`);
    if (run.unexpected) lines.push(`  ${run.unexpected} deliveries of events this run did not publish`);
    if (run.fleet?.disconnects) lines.push(`  ${run.fleet.disconnects} subscribers were disconnected`);
    if (run.drained === false) lines.push('  not every delivery arrived within --drain-timeout');
    if (run.failure) lines.push(`  FAILED: ${run.failure}`);
    if (run.lost || run.duplicated || run.fleet?.disconnects || run.unexpected) incorrect = true;
  }
  if (options.subscribers < 1000)
    lines.push('RSS per connection is mostly GC noise below ~1,000 subscribers; read it from larger runs.');
  lines.push(
    '',
    'Latency: from the mutation response arriving at the publisher to the frame arriving at a subscriber ' +
      '(CLOCK_MONOTONIC, shared by all processes on this machine). CPU: server user+system time from the ' +
      'first mutation to the last delivery. RSS per connection: (RSS with all subscribers open − RSS before) / N.',
  );
  console.log(lines.join('\n'));
  return { failedTargets, incorrect };
}
