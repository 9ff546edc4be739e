/**
 * Fan-out benchmark: N SSE subscribers on one tenant, E events published through real mutations at
 * R events/s, every delivery timed from its mutation's response; then the same workload against a
 * minimal node:http SSE server, and the ratio of each figure. See README.md.
 *
 *   pnpm bench --subscribers 2000 --events 200 --rate 20 --transport trpc
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { DEMO_TENANT } from '@pulsestage/test-harness/accounts';
import { sleep, WaitTimeout, within } from '@pulsestage/test-harness/poll';
import { httpRequest, streamTarget } from './api-client.js';
import type { OptionSpec, parseOptions } from './args.js';
import { COMMON_OPTIONS, runCommand } from './command.js';
import { defaultConnectTimeoutMs, Fleet, type FleetResult, type MeasuredRun } from './fleet.js';
import { Histogram } from './histogram.js';
import {
  checkLimits,
  cpuSeconds,
  installExitHandlers,
  labelProfile,
  postgresUrl,
  profileArgs,
  rssKb,
  type ServerProcess,
  startBaseline,
  steadyRssKb,
} from './processes.js';
import { type MutationTimes, monotonicMs } from './protocol.js';
import { type Cell, formatNumber, seconds, table } from './report.js';
import { createQuestions, describeDatabase, startApiSession } from './setup.js';

const SPEC = {
  subscribers: { kind: 'int', default: 2000, min: 1, help: 'concurrent SSE subscribers' },
  events: { kind: 'int', default: 200, min: 1, help: 'events to publish (mutations)' },
  rate: { kind: 'number', default: 20, min: 0.001, help: 'events per second' },
  transport: {
    kind: 'choice',
    default: 'trpc',
    choices: ['trpc', 'events'],
    help: 'trpc: GET /trpc/events.subscribe; events: GET /events',
  },
  database: { kind: 'choice', default: 'sqlite', choices: ['sqlite', 'postgres'], help: 'API persistence' },
  'database-url': {
    kind: 'string',
    help: 'PostgreSQL server for --database postgres (else TEST_DATABASE_URL)',
  },
  loaders: COMMON_OPTIONS.loaders,
  mix: {
    kind: 'choice',
    default: 'mixed',
    choices: ['mixed', 'submit', 'upvote'],
    help: 'mutations: alternate question.submit / question.upvote, or only one kind',
  },
  'connect-concurrency': COMMON_OPTIONS['connect-concurrency'],
  'connect-timeout': {
    kind: 'number',
    default: 0,
    min: 0,
    help: 'seconds to open all subscribers (0: 60 + N/100)',
  },
  'drain-timeout': COMMON_OPTIONS['drain-timeout'],
  settle: {
    kind: 'number',
    default: 1,
    min: 0,
    help: 'seconds to let the server settle before reading its RSS',
  },
  timeout: COMMON_OPTIONS.timeout,
  built: COMMON_OPTIONS.built,
  'skip-baseline': { kind: 'flag', help: 'measure the API only' },
  'baseline-only': {
    kind: 'flag',
    help: 'measure the baseline server only (the delivery ceiling of this machine)',
  },
  'baseline-coalesce': {
    kind: 'number',
    default: 0,
    min: 0,
    help: 'ms the baseline collects events before one write per subscriber for the lot (0: each at once)',
  },
  'enforce-targets': { kind: 'flag', help: 'exit 1 when a figure misses its 1.5x target' },
  json: COMMON_OPTIONS.json,
  profile: {
    kind: 'string',
    help: 'write a V8 CPU profile (.cpuprofile) of each server process into this directory',
  },
} as const satisfies Record<string, OptionSpec>;

type Options = ReturnType<typeof parseOptions<typeof SPEC>>;

/** One mutation as the publisher saw it. */
interface Published {
  marker: string;
  sentAt: number;
  respondedAt: number;
}

interface Target {
  name: 'API' | 'baseline';
  server: ServerProcess;
  stream: { url: string; headers: Record<string, string> };
  publish(index: number): Promise<Published>;
  /** What the server counted itself, for the report (the baseline's writes per subscriber). */
  stats?(): Promise<string>;
  stop(): Promise<void>;
}

/** Everything measured against one server. */
interface TargetRun extends MeasuredRun {
  name: 'API' | 'baseline';
  rssBeforeKb?: number;
  rssEndKb?: number;
  published: number;
  /** The first few failed mutations' messages, and how many failed. */
  publishErrors: string[];
  publishFailures: number;
  markers: Record<string, MutationTimes>;
  mutationLatency: Histogram;
  firstSentAt?: number;
  lastRespondedAt?: number;
  /** The load processes while they run, for a report of an unfinished run. */
  liveFleet?: Fleet;
  duplicated?: number;
  /** Monotonic ms: from the first event published to the last delivery (what a profile summary reads). */
  window?: { from: number; to: number };
  serverStats?: string;
  /** CPU the harness itself used from the first publish to the last delivery (it sends the mutations). */
  publisherCpuSeconds?: number;
}

const log = (message: string) => console.error(message);

function plan(options: Options): ('submit' | 'upvote')[] {
  return Array.from({ length: options.events }, (_unused, index) => {
    if (options.mix === 'submit') return 'submit';
    if (options.mix === 'upvote') return 'upvote';
    return index % 2 === 0 ? 'submit' : 'upvote';
  });
}

async function apiTarget(options: Options, kinds: ('submit' | 'upvote')[], runId: string): Promise<Target> {
  log(`[API] starting (${describeDatabase(options)}, ${options.built ? 'built dist' : 'sources via tsx'})`);
  const session = await startApiSession({
    database: options.database,
    databaseUrl: options['database-url'],
    built: options.built,
    startTimeoutMs: 90_000,
    nodeArgs: profileArgs(options.profile),
  });
  const upvotes = kinds.filter((kind) => kind === 'upvote').length;
  log(`[API] ready at ${session.server.base}; bob submits ${upvotes} question(s) for alice to upvote`);
  const questions = await within(
    createQuestions(session, upvotes, runId),
    120_000,
    'creating questions to upvote',
  );
  const upvoteIndex = new Map<number, string>();
  let next = 0;
  kinds.forEach((kind, index) => {
    if (kind === 'upvote') upvoteIndex.set(index, questions[next++] as string);
  });
  return {
    name: 'API',
    server: session.server,
    stream: streamTarget(session.server.base, options.transport, session.alice.cookie),
    async publish(index) {
      const questionId = upvoteIndex.get(index);
      if (questionId) {
        const result = await session.alice.mutation<{ upvoteCount: number }>('question.upvote', {
          tenant: DEMO_TENANT,
          questionId,
        });
        return { marker: `u:${questionId}:${result.data.upvoteCount}`, ...result };
      }
      const result = await session.bob.mutation<{ id: string }>('question.submit', {
        tenant: DEMO_TENANT,
        body: `Benchmark ${runId}, event ${index + 1}: how well does the live stream fan out?`,
      });
      return { marker: `c:${result.data.id}`, ...result };
    },
    async stop() {
      session.agent.destroy();
      await session.server.stop();
    },
  };
}

async function baselineTarget(
  options: Options,
  kinds: ('submit' | 'upvote')[],
  runId: string,
): Promise<Target> {
  log('[baseline] starting the minimal node:http SSE server');
  const server = await startBaseline(
    options.transport,
    30_000,
    profileArgs(options.profile),
    options['baseline-coalesce'],
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const questions = kinds.map(() => randomUUID());
  const publish = async (body: unknown): Promise<{ sentAt: number; respondedAt: number }> => {
    const response = await httpRequest(
      agent,
      `${server.base}/publish`,
      'POST',
      { 'content-type': 'application/json' },
      JSON.stringify(body),
    );
    if (response.status !== 200) throw new Error(`baseline /publish answered HTTP ${response.status}`);
    return response;
  };
  return {
    name: 'baseline',
    server,
    stream: { url: `${server.base}/stream`, headers: { accept: 'text/event-stream' } },
    async publish(index) {
      const id = questions[index] as string;
      if (kinds[index] === 'upvote') {
        const result = await publish({ type: 'question:upvoted', data: { questionId: id, upvoteCount: 1 } });
        return { marker: `u:${id}:1`, sentAt: result.sentAt, respondedAt: result.respondedAt };
      }
      const result = await publish({
        type: 'question:created',
        data: {
          id,
          body: `Benchmark ${runId}, event ${index + 1}: how well does the live stream fan out?`,
          teamId: null,
          status: 'OPEN',
          upvoteCount: 0,
          submittedAt: new Date().toISOString(),
        },
      });
      return { marker: `c:${id}`, sentAt: result.sentAt, respondedAt: result.respondedAt };
    },
    async stats() {
      const response = await httpRequest(agent, `${server.base}/stats`, 'GET', {});
      const { events, writes } = JSON.parse(response.body) as { events: number; writes: number };
      return `${writes} writes to responses for ${events} events: ${formatNumber(writes > 0 ? (events * options.subscribers) / writes : undefined, 2)} events per write`;
    },
    async stop() {
      agent.destroy();
      await server.stop();
    },
  };
}

/** Publishes event 0…E-1 on an open-loop schedule (event k is due at start + k/R), bounded in flight. */
async function publishAll(target: Target, run: TargetRun, options: Options): Promise<void> {
  const interval = 1000 / options.rate;
  const maxInFlight = 256;
  const inFlight = new Set<Promise<void>>();
  const start = monotonicMs();
  let late = 0;
  for (let index = 0; index < options.events; index++) {
    const wait = start + index * interval - monotonicMs();
    if (wait > 1) await sleep(wait);
    else if (wait < -interval) late++;
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const call: Promise<void> = target
      .publish(index)
      .then((published) => {
        run.published++;
        run.markers[published.marker] = { sentAt: published.sentAt, respondedAt: published.respondedAt };
        run.mutationLatency.record(published.respondedAt - published.sentAt);
        run.firstSentAt = Math.min(run.firstSentAt ?? Number.POSITIVE_INFINITY, published.sentAt);
        run.lastRespondedAt = Math.max(run.lastRespondedAt ?? 0, published.respondedAt);
      })
      .catch((error: unknown) => {
        run.publishFailures++;
        if (run.publishErrors.length < 5)
          run.publishErrors.push(error instanceof Error ? error.message : String(error));
      })
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
  }
  await Promise.all(inFlight);
  if (late > 0) log(`[${target.name}] the publisher fell behind the schedule for ${late} events`);
}

/** Lost: a connection missing an expected event; duplicated: extra copies, also under another id. */
function account(run: TargetRun, fleet: FleetResult): void {
  const byMarker = new Map<string, { received: number }>();
  let unexpected = 0;
  for (const { marker, received } of fleet.ids.values()) {
    const known = byMarker.get(marker);
    if (known) known.received += received;
    else byMarker.set(marker, { received });
    if (run.markers[marker] === undefined) unexpected += received;
  }
  let lost = 0;
  let duplicated = fleet.duplicated;
  for (const marker of Object.keys(run.markers)) {
    const received = byMarker.get(marker)?.received ?? 0;
    lost += Math.max(0, fleet.connections - received);
    // The same mutation delivered under two ids reaches connections twice.
    duplicated += Math.max(0, received - fleet.connections);
  }
  run.lost = lost;
  run.duplicated = duplicated;
  run.unexpected = unexpected;
}

async function measure(target: Target, run: TargetRun, options: Options): Promise<void> {
  const tag = `[${target.name}]`;
  const { pid } = target.server;
  await sleep(options.settle * 1000);
  run.rssBeforeKb = await steadyRssKb(pid);

  const connectTimeoutMs =
    options['connect-timeout'] > 0
      ? options['connect-timeout'] * 1000
      : defaultConnectTimeoutMs(options.subscribers);
  log(`${tag} opening ${options.subscribers} subscribers from ${options.loaders} load processes`);
  const fleet = Fleet.start({
    url: target.stream.url,
    headers: target.stream.headers,
    format: options.transport,
    subscribers: options.subscribers,
    loaders: options.loaders,
    connectConcurrency: options['connect-concurrency'],
    connectTimeoutMs,
    trackArrivals: true,
  });
  run.liveFleet = fleet;
  try {
    run.connect = await fleet.connected(connectTimeoutMs + 10_000);
    log(
      `${tag} ${run.connect.connected}/${options.subscribers} connected in ${seconds(run.connect.connectMs)}` +
        (run.connect.failed ? `, ${run.connect.failed} failed: ${run.connect.errors.join('; ')}` : ''),
    );
    if (run.connect.failed > 0) throw new Error(`${run.connect.failed} subscribers could not connect`);
    await sleep(options.settle * 1000);
    run.rssConnectedKb = await steadyRssKb(pid);

    const cpuBefore = cpuSeconds(pid);
    const publisherBefore = process.cpuUsage();
    const from = monotonicMs();
    log(`${tag} publishing ${options.events} events at ${options.rate}/s`);
    const publishBudget = (options.events / options.rate) * 1500 + 60_000;
    await within(publishAll(target, run, options), publishBudget, 'publishing');
    if (run.publishFailures > 0)
      throw new Error(`${run.publishFailures} mutations failed: ${run.publishErrors.join('; ')}`);
    const expected = run.published * run.connect.connected;
    run.drained = await fleet.delivered(expected, options['drain-timeout'] * 1000);
    run.cpuSeconds = cpuSeconds(pid) - cpuBefore;
    const publisherCpu = process.cpuUsage(publisherBefore);
    run.publisherCpuSeconds = (publisherCpu.user + publisherCpu.system) / 1e6;
    run.window = { from, to: monotonicMs() };
    run.rssEndKb = rssKb(pid);
    run.serverStats = await target.stats?.().catch((error: unknown) => `no stats: ${String(error)}`);
    if (!run.drained)
      log(
        `${tag} only ${fleet.deliveries()} of ${expected} deliveries within --drain-timeout; counting the rest as lost`,
      );
    run.fleet = await fleet.finish(run.markers, 60_000);
    account(run, run.fleet);
    log(`${tag} done: ${run.fleet.deliveries} deliveries, lost ${run.lost}, duplicated ${run.duplicated}`);
  } finally {
    fleet.kill();
  }
}

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

function figures(run: TargetRun): Figures {
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

function printResults(options: Options, runs: TargetRun[]): { failedTargets: number; incorrect: boolean } {
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

/** Names a server's profile after the run and records the measured window for profile-summary. */
function keepProfile(options: Options, run: TargetRun, pid: number): void {
  const path = labelProfile(
    options.profile as string,
    pid,
    `fanout-${run.name.toLowerCase()}-${options.subscribers}sub-${options.rate}ps`,
    run.window && {
      label: `fan-out, ${run.name}, ${options.subscribers} subscribers, ${options.rate} events/s`,
      fromUs: run.window.from * 1000,
      toUs: run.window.to * 1000,
      count: run.published,
      unit: 'event',
    },
  );
  log(
    path ? `[${run.name}] CPU profile: ${path}` : `[${run.name}] left no CPU profile in ${options.profile}`,
  );
}

async function main(options: Options): Promise<number> {
  const runs: TargetRun[] = [];
  installExitHandlers(options.timeout * 1000, () => printResults(options, runs));
  checkLimits(options.subscribers, options.loaders);
  if (options.database === 'postgres') postgresUrl(options['database-url']);
  const runId = randomUUID().slice(0, 8);
  const kinds = plan(options);
  if (options['skip-baseline'] && options['baseline-only'])
    throw new Error('--skip-baseline and --baseline-only leave nothing to measure');
  const targets: ((o: Options, k: typeof kinds, id: string) => Promise<Target>)[] = [];
  if (!options['baseline-only']) targets.push(apiTarget);
  if (!options['skip-baseline']) targets.push(baselineTarget);

  let failed = false;
  for (const makeTarget of targets) {
    const run: TargetRun = {
      name: makeTarget === apiTarget ? 'API' : 'baseline',
      published: 0,
      publishErrors: [],
      publishFailures: 0,
      markers: {},
      mutationLatency: new Histogram(),
    };
    runs.push(run);
    let target: Target | undefined;
    try {
      target = await makeTarget(options, kinds, runId);
      await measure(target, run, options);
    } catch (error) {
      run.failure =
        error instanceof WaitTimeout ? error.message : error instanceof Error ? error.message : String(error);
      if (target && !(error instanceof WaitTimeout)) run.failure += `\n  server log:\n${target.server.log()}`;
      failed = true;
    } finally {
      await target?.stop().catch(() => undefined);
      if (target && options.profile) keepProfile(options, run, target.server.pid);
    }
    if (failed) break;
  }

  const { failedTargets, incorrect } = printResults(options, runs);
  if (options.json) {
    writeFileSync(
      options.json,
      `${JSON.stringify(
        { options, runs: runs.map((run) => ({ name: run.name, failure: run.failure, ...figures(run) })) },
        null,
        2,
      )}\n`,
    );
  }
  if (failed || incorrect) return 1;
  if (options['enforce-targets'] && failedTargets > 0) return 1;
  return 0;
}

runCommand('pnpm bench', SPEC, main);
