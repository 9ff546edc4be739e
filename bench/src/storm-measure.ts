/**
 * One server through a storm: the load processes open the subscribers, the voters storm, a last toggle
 * after every answer marks the end, and once every subscriber has passed its event the run is checked:
 * how stale each acknowledged vote was, whether every subscriber ends with the database's counts, and
 * whether every event that is never conflated reached every subscriber.
 */
import { sleep, within } from '@pulsestage/test-harness/poll';
import { connectTimeoutMs, Fleet, type FleetResult, type MeasuredRun } from './fleet.js';
import { Histogram } from './histogram.js';
import { cpuSeconds, rssKb, steadyRssKb } from './proc-stats.js';
import { monotonicMs } from './protocol.js';
import { log, seconds } from './report.js';
import { ArrivalIndex } from './storm-arrivals.js';
import type { StormOptions } from './storm-options.js';
import type { StormTarget } from './storm-targets.js';
import { errorCount, newTraffic, storm, type Traffic, Voting } from './storm-traffic.js';

const RSS_SAMPLE_MS = 500;

export interface StormRun extends MeasuredRun {
  name: string;
  traffic: Traffic;
  rssPeakKb?: number;
  /** Monotonic ms: from the first toggle to the moment every subscriber had the last one. */
  window?: { from: number; to: number };
  harnessCpuSeconds?: number;
  /** Per acknowledged toggle: from its response until every subscriber had an event with its count. */
  staleness: Histogram;
  /** Acknowledged toggles whose count some subscriber never received. */
  unreached?: number;
  /** Subscriber × question pairs whose last count differs from the server's at the end. */
  wrongCounts?: number;
  /** Questions whose count at the end differs from what the acknowledged toggles add up to. */
  miscounted?: number;
  /** Deliveries of the other events missing (each must reach every subscriber). */
  lostOthers?: number;
  voteEventIds?: number;
  voteDeliveries?: number;
}

export function newStormRun(name: string): StormRun {
  return { name, traffic: newTraffic(), staleness: new Histogram() };
}

/** The peak RSS of a process, read every RSS_SAMPLE_MS until stopped. */
function watchRss(pid: number, run: StormRun): () => void {
  const sample = () => {
    try {
      run.rssPeakKb = Math.max(run.rssPeakKb ?? 0, rssKb(pid));
    } catch {
      // The process is gone: its last reading stands.
    }
  };
  sample();
  const timer = setInterval(sample, RSS_SAMPLE_MS);
  return () => {
    clearInterval(timer);
    sample();
  };
}

function account(
  run: StormRun,
  target: StormTarget,
  voting: Voting,
  counts: Map<string, number>,
  fleet: FleetResult,
) {
  const arrivals = new ArrivalIndex(fleet.votes);
  let unreached = 0;
  for (const { question, eventId, respondedAt } of run.traffic.acked) {
    const passed = arrivals.everyonePassed(target.questions[question] as string, eventId);
    if (passed === undefined) unreached++;
    else run.staleness.record(passed - respondedAt);
  }
  run.unreached = unreached;
  run.wrongCounts = 0;
  run.miscounted = 0;
  target.questions.forEach((questionId, question) => {
    const count = counts.get(questionId) ?? -1;
    run.wrongCounts = (run.wrongCounts ?? 0) + arrivals.wrongCounts(questionId, count);
    const acknowledged = voting.acknowledgedCount(question);
    if (acknowledged !== undefined && acknowledged !== count) run.miscounted = (run.miscounted ?? 0) + 1;
  });

  const others = new Set(run.traffic.others.map((published) => published.marker));
  const received = new Map<string, number>();
  let unexpected = 0;
  run.voteEventIds = 0;
  run.voteDeliveries = 0;
  for (const { marker, received: connections } of fleet.ids.values()) {
    if (marker.startsWith('u:')) {
      run.voteEventIds++;
      run.voteDeliveries += connections;
    } else if (others.has(marker)) received.set(marker, (received.get(marker) ?? 0) + connections);
    else unexpected++;
  }
  run.unexpected = unexpected;
  run.lostOthers = [...others].reduce(
    (lost, marker) => lost + Math.max(0, fleet.connections - (received.get(marker) ?? 0)),
    0,
  );
}

const SETTLED_AFTER_MS = 2000;
const SETTLE_TIMEOUT_MS = 120_000;

function sameCounts(a: Map<string, number>, b: Map<string, number>): boolean {
  return [...a].every(([questionId, count]) => b.get(questionId) === count);
}

/**
 * A toggle the harness gave up on may still be queued in the server and change a count later. The
 * final comparison waits until the counts have held still for SETTLED_AFTER_MS, so that what every
 * subscriber ends with is compared with the count the server ends with.
 */
async function countsSettled(target: StormTarget, tag: string): Promise<void> {
  log(`${tag} waiting for the toggles given up on to settle in the server`);
  const deadline = monotonicMs() + SETTLE_TIMEOUT_MS;
  let previous = await target.counts();
  while (monotonicMs() < deadline) {
    await sleep(SETTLED_AFTER_MS);
    const current = await target.counts();
    if (sameCounts(previous, current)) return;
    previous = current;
  }
  throw new Error(`the server's counts still changed ${SETTLE_TIMEOUT_MS / 1000} s after the storm`);
}

async function openSubscribers(target: StormTarget, run: StormRun, options: StormOptions): Promise<Fleet> {
  const timeoutMs = connectTimeoutMs(options['connect-timeout'], options.subscribers);
  log(`[${run.name}] opening ${options.subscribers} subscribers from ${options.loaders} load processes`);
  const fleet = Fleet.start({
    ...target.stream,
    format: options.transport,
    subscribers: options.subscribers,
    loaders: Math.min(options.loaders, options.subscribers),
    connectConcurrency: options['connect-concurrency'],
    connectTimeoutMs: timeoutMs,
    trackArrivals: false,
    trackVotes: true,
  });
  try {
    run.connect = await fleet.connected(timeoutMs + 10_000);
  } catch (error) {
    fleet.kill();
    throw error;
  }
  log(
    `[${run.name}] ${run.connect.connected}/${options.subscribers} connected in ${seconds(run.connect.connectMs)}`,
  );
  if (run.connect.failed > 0) {
    fleet.kill();
    throw new Error(`${run.connect.failed} subscribers could not connect: ${run.connect.errors.join('; ')}`);
  }
  return fleet;
}

export async function measure(target: StormTarget, run: StormRun, options: StormOptions): Promise<void> {
  const { pid } = target.server;
  const tag = `[${run.name}]`;
  const fleet = await openSubscribers(target, run, options);
  let stopWatchingRss: (() => void) | undefined;
  try {
    await sleep(1000);
    run.rssConnectedKb = await steadyRssKb(pid);

    const voting = new Voting(target, run.traffic);
    const cpuBefore = cpuSeconds(pid);
    const harnessBefore = process.cpuUsage();
    stopWatchingRss = watchRss(pid, run);
    const from = monotonicMs();
    log(`${tag} storm: ${options.rate} toggles/s by ${target.voters} voters for ${options.duration} s`);
    await within(storm(voting, target, options, run.traffic), options.duration * 1000 + 120_000, 'the storm');
    if (errorCount(run.traffic) > 0) await countsSettled(target, tag);
    const lastPair = voting.pickIdle();
    const last = lastPair === undefined ? undefined : await voting.toggle(lastPair);
    if (!last) throw new Error('the toggle that marks the end of the storm failed');
    run.drained = await fleet.passed(last.eventId, options['drain-timeout'] * 1000);
    run.cpuSeconds = cpuSeconds(pid) - cpuBefore;
    run.window = { from, to: monotonicMs() };
    const harnessCpu = process.cpuUsage(harnessBefore);
    run.harnessCpuSeconds = (harnessCpu.user + harnessCpu.system) / 1e6;
    stopWatchingRss();
    if (!run.drained) log(`${tag} not every subscriber received the last toggle within --drain-timeout`);

    const counts = await within(target.counts(), 60_000, 'reading the final counts');
    run.fleet = await fleet.finish(null, 60_000);
    account(run, target, voting, counts, run.fleet);
    log(
      `${tag} done: ${run.traffic.ok} toggles acknowledged, ${run.wrongCounts} wrong final counts, ` +
        `${run.lostOthers} other events lost`,
    );
  } finally {
    stopWatchingRss?.();
    fleet.kill();
  }
}
