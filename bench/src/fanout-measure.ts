/**
 * One server under load: the load processes open the subscribers, the publisher sends the events on
 * schedule, and every delivery is accounted for (lost, duplicated, unexpected).
 */
import { sleep, within } from '@pulsestage/test-harness/poll';
import type { FanoutOptions } from './fanout-options.js';
import type { Target } from './fanout-targets.js';
import { connectTimeoutMs, Fleet, type FleetResult, type MeasuredRun } from './fleet.js';
import { Histogram } from './histogram.js';
import { cpuSeconds, rssKb, steadyRssKb } from './proc-stats.js';
import { type MutationTimes, monotonicMs } from './protocol.js';
import { log, seconds } from './report.js';

/** Everything measured against one server. */
export interface TargetRun extends MeasuredRun {
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

export function newTargetRun(name: TargetRun['name']): TargetRun {
  return {
    name,
    published: 0,
    publishErrors: [],
    publishFailures: 0,
    markers: {},
    mutationLatency: new Histogram(),
  };
}

/** Publishes event 0…E-1 on an open-loop schedule (event k is due at start + k/R), bounded in flight. */
async function publishAll(target: Target, run: TargetRun, options: FanoutOptions): Promise<void> {
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
export async function measure(target: Target, run: TargetRun, options: FanoutOptions): Promise<void> {
  const tag = `[${target.name}]`;
  const { pid } = target.server;
  await sleep(options.settle * 1000);
  run.rssBeforeKb = await steadyRssKb(pid);

  const timeoutMs = connectTimeoutMs(options['connect-timeout'], options.subscribers);
  log(`${tag} opening ${options.subscribers} subscribers from ${options.loaders} load processes`);
  const fleet = Fleet.start({
    url: target.stream.url,
    headers: target.stream.headers,
    format: options.transport,
    subscribers: options.subscribers,
    loaders: options.loaders,
    connectConcurrency: options['connect-concurrency'],
    connectTimeoutMs: timeoutMs,
    trackArrivals: true,
  });
  run.liveFleet = fleet;
  try {
    run.connect = await fleet.connected(timeoutMs + 10_000);
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
