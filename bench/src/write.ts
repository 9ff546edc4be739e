/**
 * Write benchmark: upvotes per second while N subscribers are attached. Distinct users toggle
 * question.upvote / question.removeUpvote on a set of questions at a fixed concurrency for a fixed
 * time (every request is a valid mutation), then every resulting event must have reached every
 * subscriber exactly once. See README.md.
 *
 *   pnpm bench:write --subscribers 1000 --duration 10 --database both
 */
import { writeFileSync } from 'node:fs';
import { sleep, within } from '@pulsestage/test-harness/poll';
import { type ApiClient, CallError, type MeetingRef, streamTarget } from './api-client.js';
import type { OptionSpec, parseOptions } from './args.js';
import { COMMON_OPTIONS, DATABASE_OPTIONS, runCommand } from './command.js';
import { connectTimeoutMs, Fleet, type MeasuredRun } from './fleet.js';
import { Histogram } from './histogram.js';
import { installExitHandlers } from './lifecycle.js';
import { checkLimits } from './limits.js';
import { cpuSeconds, rssKb } from './proc-stats.js';
import { postgresUrl } from './processes.js';
import { keepProfile, profileArgs } from './profiles.js';
import { monotonicMs } from './protocol.js';
import { type Cell, formatNumber, log, seconds, table } from './report.js';
import { type ApiSession, createMembers, createQuestions, newRunId, startApiSession } from './setup.js';

const SPEC = {
  subscribers: { kind: 'int', default: 1000, min: 0, help: 'SSE subscribers attached during the run' },
  duration: { kind: 'number', default: 10, min: 0.1, help: 'seconds of upvote traffic' },
  ...DATABASE_OPTIONS,
  concurrency: { kind: 'int', default: 16, min: 1, help: 'mutations in flight' },
  users: {
    kind: 'int',
    default: 64,
    min: 1,
    help: 'distinct voters (new accounts that join the demo tenant)',
  },
  questions: { kind: 'int', default: 8, min: 1, help: 'questions they vote on' },
  transport: { kind: 'choice', default: 'trpc', choices: ['trpc', 'events'], help: 'subscribers’ stream' },
  ...COMMON_OPTIONS,
} as const satisfies Record<string, OptionSpec>;

type Options = ReturnType<typeof parseOptions<typeof SPEC>>;
type DatabaseKind = 'sqlite' | 'postgres';

interface WriteRun extends MeasuredRun {
  database: DatabaseKind;
  ok: number;
  errors: number;
  errorSamples: string[];
  latency: Histogram;
  elapsedMs?: number;
  lastResponseAt?: number;
  /** The newest event id a response named: a subscriber that passed it shows every count. */
  lastEventId?: number;
  events?: number;
  /** Monotonic ms: from the first mutation to the last delivery (the part a profile summary reads). */
  window?: { from: number; to: number };
  profile?: string;
  /** CPU of the harness while it sent the mutations and waited for the deliveries. */
  clientCpuSeconds?: number;
}

/** One (voter, question) pair; only one worker ever touches it, so its state is known. */
interface Pair {
  voter: ApiClient;
  meeting: MeetingRef;
  questionId: string;
  voted: boolean;
}

async function hammer(pairs: Pair[], options: Options, run: WriteRun): Promise<void> {
  const workers = Math.min(options.concurrency, pairs.length);
  const owned: Pair[][] = Array.from({ length: workers }, () => []);
  pairs.forEach((pair, index) => {
    owned[index % workers]?.push(pair);
  });
  const start = monotonicMs();
  const deadline = start + options.duration * 1000;
  await Promise.all(
    owned.map(async (mine) => {
      for (let turn = 0; monotonicMs() < deadline; turn++) {
        const pair = mine[turn % mine.length] as Pair;
        const path = pair.voted ? 'question.removeUpvote' : 'question.upvote';
        const sentAt = monotonicMs();
        try {
          const result = await pair.voter.mutation<{ eventId: string }>(path, {
            ...pair.meeting,
            questionId: pair.questionId,
          });
          pair.voted = !pair.voted;
          run.ok++;
          run.lastEventId = Math.max(run.lastEventId ?? 0, Number(result.data.eventId));
          run.latency.record(result.respondedAt - result.sentAt);
          run.lastResponseAt = Math.max(run.lastResponseAt ?? 0, result.respondedAt);
        } catch (error) {
          run.errors++;
          run.latency.record(monotonicMs() - sentAt);
          if (run.errorSamples.length < 5)
            run.errorSamples.push(error instanceof CallError ? error.message : String(error));
        }
      }
    }),
  );
  run.elapsedMs = monotonicMs() - start;
}

async function measure(database: DatabaseKind, options: Options, run: WriteRun): Promise<void> {
  const tag = `[${database}]`;
  const runId = newRunId();
  log(`${tag} starting the API`);
  let session: ApiSession | undefined;
  let fleet: Fleet | undefined;
  try {
    session = await startApiSession({
      database,
      databaseUrl: options['database-url'],
      built: options.built,
      startTimeoutMs: 90_000,
      nodeArgs: profileArgs(options.profile),
    });
    const api = session;
    log(`${tag} creating ${options.users} voters and ${options.questions} questions`);
    const [voters, questions] = await within(
      Promise.all([createMembers(api, options.users, runId), createQuestions(api, options.questions, runId)]),
      60_000 + options.users * 2000,
      'creating voters and questions',
    );
    const pairs: Pair[] = voters.flatMap((voter) =>
      questions.map((questionId) => ({ voter, meeting: api.meeting, questionId, voted: false })),
    );

    let connected = 0;
    if (options.subscribers > 0) {
      const timeoutMs = connectTimeoutMs(options['connect-timeout'], options.subscribers);
      log(`${tag} opening ${options.subscribers} subscribers`);
      fleet = Fleet.start({
        ...streamTarget(api.server.base, options.transport, api.alice.cookie, api.meeting),
        format: options.transport,
        subscribers: options.subscribers,
        loaders: Math.min(options.loaders, options.subscribers),
        connectConcurrency: options['connect-concurrency'],
        connectTimeoutMs: timeoutMs,
        trackArrivals: false,
      });
      run.connect = await fleet.connected(timeoutMs + 10_000);
      connected = run.connect.connected;
      log(`${tag} ${connected}/${options.subscribers} connected in ${seconds(run.connect.connectMs)}`);
      if (run.connect.failed > 0)
        throw new Error(
          `${run.connect.failed} subscribers could not connect: ${run.connect.errors.join('; ')}`,
        );
      await sleep(1000);
    }
    run.rssConnectedKb = rssKb(api.server.pid);

    const cpuBefore = cpuSeconds(api.server.pid);
    const clientBefore = process.cpuUsage();
    const from = monotonicMs();
    log(`${tag} ${options.concurrency} in flight for ${options.duration} s: upvote / removeUpvote toggles`);
    await within(hammer(pairs, options, run), options.duration * 1000 + 60_000, 'upvote traffic');
    if (fleet) {
      run.drained = await fleet.passed(run.lastEventId ?? 0, options['drain-timeout'] * 1000);
      run.cpuSeconds = cpuSeconds(api.server.pid) - cpuBefore;
      run.window = { from, to: monotonicMs() };
      run.clientCpuSeconds = cpuSince(clientBefore);
      if (!run.drained) log(`${tag} not every subscriber reached the newest count within --drain-timeout`);
      run.fleet = await fleet.finish(null, 60_000);
      // Each toggle writes one event, but a subscriber gets only the newest count of a question among
      // those waiting for it (conflation): nothing is lost once every subscriber passed the newest id.
      run.events = run.fleet.ids.size;
      run.lost = run.drained ? 0 : run.fleet.connections;
      run.unexpected = Math.max(0, run.fleet.ids.size - run.ok);
    } else {
      run.cpuSeconds = cpuSeconds(api.server.pid) - cpuBefore;
      run.window = { from, to: monotonicMs() };
      run.clientCpuSeconds = cpuSince(clientBefore);
    }
    log(`${tag} done: ${run.ok} mutations, ${run.errors} errors`);
  } finally {
    fleet?.kill();
    if (session) {
      session.agent.destroy();
      await session.server.stop();
      keepWriteProfile(options, run, session.server.pid);
    }
  }
}

function cpuSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

/** Names the API's profile after the run and records the measured window for profile-summary. */
function keepWriteProfile(options: Options, run: WriteRun, pid: number): void {
  const name = run.database === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  run.profile = keepProfile(
    options.profile,
    pid,
    `[${run.database}]`,
    `write-${run.database}-${options.subscribers}sub`,
    {
      window: run.window,
      label: `write path, ${name}, ${options.subscribers} subscribers`,
      count: run.ok,
      unit: 'mutation',
    },
  );
}

function printResults(options: Options, runs: WriteRun[]): boolean {
  let incorrect = false;
  const value = (run: WriteRun, pick: (run: WriteRun) => Cell) => pick(run);
  const rows: [string, (run: WriteRun) => Cell][] = [
    ['mutations/s', (run) => formatNumber(run.elapsedMs ? (run.ok / run.elapsedMs) * 1000 : undefined, 0)],
    ['mutations (ok)', (run) => run.ok],
    ['mutation errors', (run) => run.errors],
    [
      'mutation latency p50 (ms)',
      (run) => formatNumber(run.latency.count ? run.latency.quantile(0.5) : undefined),
    ],
    [
      'mutation latency p99 (ms)',
      (run) => formatNumber(run.latency.count ? run.latency.quantile(0.99) : undefined),
    ],
    ['mutation latency max (ms)', (run) => formatNumber(run.latency.count ? run.latency.max : undefined)],
    [
      'server CPU ms per mutation',
      (run) =>
        formatNumber(run.cpuSeconds !== undefined && run.ok ? (run.cpuSeconds / run.ok) * 1000 : undefined),
    ],
    ['server CPU s (first mutation to last delivery)', (run) => formatNumber(run.cpuSeconds, 2)],
    [
      'elapsed s (first mutation to last delivery)',
      (run) => formatNumber(run.window ? (run.window.to - run.window.from) / 1000 : undefined, 2),
    ],
    ['mutating process CPU s (client side)', (run) => formatNumber(run.clientCpuSeconds, 2)],
    ['load processes CPU s (client side)', (run) => formatNumber(run.fleet?.loaderCpuSeconds, 2)],
    ['subscribers', (run) => run.connect?.connected ?? 0],
    ['events delivered (distinct ids)', (run) => run.events],
    [
      'deliveries (without conflation)',
      (run) => (run.fleet ? `${run.fleet.deliveries} (${run.ok * run.fleet.connections})` : undefined),
    ],
    ['subscribers behind the newest count', (run) => run.lost],
    ['duplicated', (run) => run.fleet?.duplicated],
    ['out of order', (run) => run.fleet?.outOfOrder],
    [
      'last delivery after last response (ms)',
      (run) =>
        formatNumber(
          run.fleet && run.lastResponseAt && run.fleet.lastArrival
            ? run.fleet.lastArrival - run.lastResponseAt
            : undefined,
        ),
    ],
    [
      'server RSS MB with subscribers',
      (run) => formatNumber(run.rssConnectedKb ? run.rssConnectedKb / 1024 : undefined, 1),
    ],
  ];
  const header = ['figure', ...runs.map((run) => (run.database === 'sqlite' ? 'SQLite' : 'PostgreSQL'))];
  const lines = [
    '',
    `Write path: upvote/removeUpvote toggles by ${options.users} users on ${options.questions} questions, ` +
      `${options.concurrency} in flight for ${options.duration} s, ${options.subscribers} subscribers ` +
      `(${options.transport === 'trpc' ? 'tRPC events.subscribe' : 'GET /events'}), ${options.built ? 'built API' : 'API from sources via tsx'}, loopback`,
    '',
    table(
      header,
      rows.map(([label, pick]) => [label, ...runs.map((run) => value(run, pick))]),
    ),
    '',
  ];
  for (const run of runs) {
    const name = run.database === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    if (run.errorSamples.length) lines.push(`${name}: errors: ${run.errorSamples.join('; ')}`);
    if (run.fleet?.streamErrors.length)
      lines.push(`${name}: stream errors: ${run.fleet.streamErrors.join('; ')}`);
    if (run.fleet?.disconnects) lines.push(`${name}: ${run.fleet.disconnects} subscribers were disconnected`);
    if (run.unexpected) lines.push(`${name}: ${run.unexpected} more event ids than successful mutations`);
    if (run.drained === false) lines.push(`${name}: not every delivery arrived within --drain-timeout`);
    if (run.failure) lines.push(`${name}: FAILED: ${run.failure}`);
    if (
      run.errors ||
      run.lost ||
      run.fleet?.duplicated ||
      run.fleet?.disconnects ||
      run.unexpected ||
      run.failure
    )
      incorrect = true;
  }
  console.log(lines.join('\n'));
  return incorrect;
}

async function main(options: Options): Promise<number> {
  const runs: WriteRun[] = [];
  installExitHandlers(options.timeout * 1000, () => printResults(options, runs));
  checkLimits(options.subscribers, options.loaders);
  const databases: DatabaseKind[] = options.database === 'both' ? ['sqlite', 'postgres'] : [options.database];
  if (databases.includes('postgres')) postgresUrl(options['database-url']);
  let failed = false;
  for (const database of databases) {
    const run: WriteRun = { database, ok: 0, errors: 0, errorSamples: [], latency: new Histogram() };
    runs.push(run);
    try {
      await measure(database, options, run);
    } catch (error) {
      run.failure = error instanceof Error ? error.message : String(error);
      failed = true;
      break;
    }
  }
  const incorrect = printResults(options, runs);
  if (options.json) {
    writeFileSync(
      options.json,
      `${JSON.stringify(
        {
          options,
          runs: runs.map((run) => ({
            database: run.database,
            failure: run.failure,
            mutationsPerSecond: run.elapsedMs ? (run.ok / run.elapsedMs) * 1000 : null,
            ok: run.ok,
            errors: run.errors,
            p50: run.latency.count ? run.latency.quantile(0.5) : null,
            p99: run.latency.count ? run.latency.quantile(0.99) : null,
            subscribers: run.connect?.connected ?? 0,
            deliveries: run.fleet?.deliveries ?? 0,
            lost: run.lost ?? null,
            duplicated: run.fleet?.duplicated ?? null,
            cpuSeconds: run.cpuSeconds ?? null,
            clientCpuSeconds: run.clientCpuSeconds ?? null,
            loaderCpuSeconds: run.fleet?.loaderCpuSeconds ?? null,
            profile: run.profile ?? null,
          })),
        },
        null,
        2,
      )}\n`,
    );
  }
  return failed || incorrect ? 1 : 0;
}

runCommand('pnpm bench:write', SPEC, main);
