/** The harness side of the load processes: fork them, wait for their connections, collect results. */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { WaitTimeout, within } from '@pulsestage/test-harness/poll';
import { Histogram } from './histogram.js';
import { track } from './lifecycle.js';
import { BENCH_DIR, TSX_IMPORT } from './processes.js';
import type {
  FromLoader,
  LoaderConfig,
  LoaderResult,
  MutationTimes,
  ProgressReport,
  ReadyReport,
  StreamFormat,
  ToLoader,
} from './protocol.js';
import type { VoteArrivalReport } from './storm-arrivals.js';

interface FleetOptions {
  url: string;
  headers: Record<string, string>;
  format: StreamFormat;
  subscribers: number;
  loaders: number;
  connectConcurrency: number;
  connectTimeoutMs: number;
  trackArrivals: boolean;
  trackVotes?: boolean;
}

export interface ConnectSummary {
  connected: number;
  failed: number;
  errors: string[];
  connectMs: number;
}

/** How long opening `subscribers` connections may take unless told: a minute, and a second per hundred. */
function defaultConnectTimeoutMs(subscribers: number): number {
  return 60_000 + Math.ceil(subscribers / 100) * 1000;
}

/** `--connect-timeout` in ms, or the default for `subscribers` when it is 0. */
export function connectTimeoutMs(seconds: number, subscribers: number): number {
  return seconds > 0 ? seconds * 1000 : defaultConnectTimeoutMs(subscribers);
}

/** The counts every load process reports, added up over the fleet. */
const COUNTS = [
  'connections',
  'deliveries',
  'duplicated',
  'outOfOrder',
  'mismatched',
  'disconnects',
  'keepalives',
] as const satisfies readonly (keyof LoaderResult)[];

type Count = (typeof COUNTS)[number];

/** Every load process's results, merged. */
export interface FleetResult
  extends Pick<LoaderResult, Count | 'streamErrors' | 'firstArrival' | 'lastArrival'> {
  /** Per event id: its marker and how many connections (of all processes) received it. */
  ids: Map<string, { marker: string; received: number }>;
  latency: Histogram | null;
  latencyFromRequest: Histogram | null;
  loaderCpuSeconds: number;
  /** Each load process's vote arrivals (with `trackVotes`). */
  votes: VoteArrivalReport[];
}

/**
 * What a benchmark run measured of the server and its subscribers; filled in phase by phase, so that
 * a failed run still shows what it has.
 */
export interface MeasuredRun {
  connect?: ConnectSummary;
  rssConnectedKb?: number;
  cpuSeconds?: number;
  drained?: boolean;
  fleet?: FleetResult;
  lost?: number;
  unexpected?: number;
  failure?: string;
}

interface Member {
  child: ChildProcess;
  ready?: ReadyReport;
  progress?: ProgressReport;
  result?: LoaderResult;
  failure?: string;
}

export class Fleet {
  private readonly members: Member[] = [];
  private readonly listeners = new Set<() => void>();

  private constructor(readonly options: FleetOptions) {}

  /** Forks the load processes; each starts connecting at once. */
  static start(options: FleetOptions): Fleet {
    const fleet = new Fleet(options);
    const base = Math.floor(options.subscribers / options.loaders);
    const extra = options.subscribers % options.loaders;
    for (let index = 0; index < options.loaders; index++) {
      const connections = base + (index < extra ? 1 : 0);
      if (connections === 0) continue;
      const child = track(
        fork(join(BENCH_DIR, 'src', 'loader.ts'), [], {
          cwd: BENCH_DIR,
          execArgv: ['--import', TSX_IMPORT],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
      );
      const member: Member = { child };
      fleet.members.push(member);
      child.on('message', (message: FromLoader) => {
        if (message.t === 'ready') member.ready = message;
        else if (message.t === 'progress') member.progress = message;
        else if (message.t === 'result') member.result = message.result;
        else if (message.t === 'fatal') member.failure = message.message;
        fleet.changed();
      });
      child.once('exit', (code, signal) => {
        if (!member.result) member.failure ??= `load process ${index} exited (${signal ?? code})`;
        fleet.changed();
      });
      const config: LoaderConfig = {
        index,
        url: options.url,
        headers: options.headers,
        format: options.format,
        connections,
        connectConcurrency: options.connectConcurrency,
        connectTimeoutMs: options.connectTimeoutMs,
        trackArrivals: options.trackArrivals,
        trackVotes: options.trackVotes ?? false,
      };
      child.send(config);
    }
    return fleet;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Resolves when `check` returns a value; rejects when a load process failed. */
  private until<T>(check: () => T | undefined): Promise<T> {
    return new Promise((done, fail) => {
      const listener = () => {
        const failed = this.members.find((member) => member.failure !== undefined);
        if (failed) {
          this.listeners.delete(listener);
          fail(new Error(failed.failure));
          return;
        }
        const value = check();
        if (value !== undefined) {
          this.listeners.delete(listener);
          done(value);
        }
      };
      this.listeners.add(listener);
      listener();
    });
  }

  /** Waits until every connection has its `connected` frame (or failed). */
  async connected(timeoutMs: number): Promise<ConnectSummary> {
    try {
      return await within(
        this.until(() => {
          if (!this.members.every((member) => member.ready)) return undefined;
          const reports = this.members.map((member) => member.ready as ReadyReport);
          return {
            connected: reports.reduce((sum, report) => sum + report.connected, 0),
            failed: reports.reduce((sum, report) => sum + report.failed, 0),
            errors: [...new Set(reports.flatMap((report) => report.errors))].slice(0, 3),
            connectMs: Math.max(...reports.map((report) => report.connectMs)),
          };
        }),
        timeoutMs,
        `opening ${this.options.subscribers} subscribers`,
      );
    } finally {
      this.listeners.clear();
    }
  }

  /** Deliveries so far, across the fleet (from the latest progress reports, ≤ 200 ms old). */
  deliveries(): number {
    return this.members.reduce((sum, member) => sum + (member.progress?.deliveries ?? 0), 0);
  }

  /** Waits until at least `target` deliveries arrived; resolves false at the deadline instead of failing. */
  async delivered(target: number, timeoutMs: number): Promise<boolean> {
    try {
      await within(
        this.until(() => (this.deliveries() >= target ? true : undefined)),
        timeoutMs,
        'waiting for deliveries',
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('timed out')) return false;
      throw error;
    } finally {
      this.listeners.clear();
    }
  }

  /** Waits until every open connection has received up to `id`; resolves false at the deadline instead. */
  async passed(id: number, timeoutMs: number): Promise<boolean> {
    try {
      await within(
        this.until(() =>
          this.members.every((member) => (member.progress?.passed ?? 0) >= id) ? true : undefined,
        ),
        timeoutMs,
        `every subscriber to receive event ${id}`,
      );
      return true;
    } catch (error) {
      if (error instanceof WaitTimeout) return false;
      throw error;
    } finally {
      this.listeners.clear();
    }
  }

  /** Tells every load process to compute its figures, collects them, and lets the processes exit. */
  async finish(markers: Record<string, MutationTimes> | null, timeoutMs: number): Promise<FleetResult> {
    for (const member of this.members) member.child.send({ t: 'finish', markers } satisfies ToLoader);
    try {
      await within(
        this.until(() => (this.members.every((member) => member.result) ? true : undefined)),
        timeoutMs,
        'collecting the load processes’ results',
      );
    } finally {
      this.listeners.clear();
    }
    return merge(this.members.map((member) => member.result as LoaderResult));
  }

  kill(): void {
    for (const member of this.members) {
      // A process that has just sent its result may be exiting: a failed send is no error then.
      if (member.child.exitCode === null && member.child.connected)
        member.child.send({ t: 'exit' } satisfies ToLoader, () => undefined);
      member.child.kill('SIGKILL');
    }
  }
}

function merge(results: LoaderResult[]): FleetResult {
  const ids = new Map<string, { marker: string; received: number }>();
  let latency: Histogram | null = null;
  let latencyFromRequest: Histogram | null = null;
  for (const result of results) {
    for (const report of result.ids) {
      const known = ids.get(report.id);
      if (known) known.received += report.received;
      else ids.set(report.id, { marker: report.marker, received: report.received });
    }
    if (result.latency) {
      latency ??= new Histogram();
      latency.merge(result.latency);
    }
    if (result.latencyFromRequest) {
      latencyFromRequest ??= new Histogram();
      latencyFromRequest.merge(result.latencyFromRequest);
    }
  }
  const arrivals = results.filter((result) => result.firstArrival > 0);
  const totals = Object.fromEntries(
    COUNTS.map((count) => [count, results.reduce((sum, result) => sum + result[count], 0)]),
  ) as Record<Count, number>;
  return {
    ...totals,
    ids,
    streamErrors: results.flatMap((result) => result.streamErrors).slice(0, 5),
    latency,
    latencyFromRequest,
    firstArrival: arrivals.length ? Math.min(...arrivals.map((result) => result.firstArrival)) : 0,
    lastArrival: Math.max(0, ...results.map((result) => result.lastArrival)),
    loaderCpuSeconds: results.reduce(
      (sum, result) => sum + (result.cpuUserMs + result.cpuSystemMs) / 1000,
      0,
    ),
    votes: results.flatMap((result) => (result.votes ? [result.votes] : [])),
  };
}
