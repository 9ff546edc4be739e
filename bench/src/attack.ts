/**
 * Attack benchmark: what other people see while someone attacks the API as the safety work describes.
 * A sign-in flood (wrong passwords, as fast as the server answers) while a browser loads the web app's
 * files and a load balancer asks /healthz; batches of searches that each scan a large meeting; and
 * connections that send their headers or body a byte a second. The API runs with RATE_LIMITS=off so the
 * flood really reaches password hashing (the rate limits would refuse it long before); the tRPC batch
 * cap stays on (`--batch-max` changes it, e.g. 150 to see what it prevents). See README.md.
 *
 *   pnpm bench:attack --built
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join, relative, sep } from 'node:path';
import { within } from '@pulsestage/test-harness/poll';
import type { OptionSpec, parseOptions } from './args.js';
import {
  type BatchAnswer,
  type FloodResult,
  type ProbeResult,
  probe,
  type SlowConnection,
  searchBatch,
  slowConnection,
  startSignInFlood,
} from './attack-probes.js';
import { COMMON_OPTIONS, runCommand } from './command.js';
import { Histogram } from './histogram.js';
import { installExitHandlers } from './lifecycle.js';
import { BENCH_DIR } from './processes.js';
import { monotonicMs } from './protocol.js';
import { type Cell, formatNumber, log, table } from './report.js';
import { type ApiSession, createQuestions, startApiSession } from './setup.js';

const SPEC = {
  'flood-concurrency': { kind: 'int', default: 200, min: 1, help: 'wrong-password sign-ins in flight' },
  'flood-seconds': { kind: 'number', default: 20, min: 1, help: 'seconds of sign-in flood' },
  'quiet-seconds': { kind: 'number', default: 5, min: 1, help: 'seconds of probes before any attack' },
  questions: { kind: 'int', default: 2000, min: 0, help: 'questions added to the meeting the searches scan' },
  'large-batch': {
    kind: 'int',
    default: 80,
    min: 1,
    help: 'searches in the one large batch sent first (about the most a 16 KB request line holds)',
  },
  'batch-size': { kind: 'int', default: 10, min: 1, help: 'searches per request while measuring' },
  'search-seconds': {
    kind: 'number',
    default: 10,
    min: 1,
    help: 'seconds of search batches, one after another',
  },
  'batch-max': { kind: 'int', default: 10, min: 1, help: "the API's tRPC batch cap (RATE_LIMIT_BATCH_MAX)" },
  'slow-connections': {
    kind: 'int',
    default: 20,
    min: 0,
    help: 'slow-header and slow-body connections, each',
  },
  timeout: COMMON_OPTIONS.timeout,
  built: COMMON_OPTIONS.built,
  json: COMMON_OPTIONS.json,
} as const satisfies Record<string, OptionSpec>;

type Options = ReturnType<typeof parseOptions<typeof SPEC>>;

const WEB_DIST = join(BENCH_DIR, '..', 'apps', 'web', 'dist');
/** Past this a slow connection is given up on: the server did not cut it. */
const SLOW_GIVE_UP_MS = 120_000;

interface Phase {
  files?: ProbeResult;
  healthz?: ProbeResult;
}

interface AttackRun {
  quiet: Phase;
  flood: Phase & { attack?: FloodResult };
  search: Phase & { largeBatch?: BatchAnswer; batches: Histogram; statuses: Map<number, number> };
  slowHeaders: SlowConnection[];
  slowBodies: SlowConnection[];
  failure?: string;
}

/** The web app's files as a browser asks for them: the page (also under a client route) and each asset. */
function webAppPaths(): string[] {
  if (!existsSync(join(WEB_DIST, 'index.html')))
    throw new Error(`${WEB_DIST} has no build: run \`pnpm --filter @pulsestage/web build\` first`);
  const files = readdirSync(WEB_DIST, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'index.html')
    .map((entry) => `/${relative(WEB_DIST, join(entry.parentPath, entry.name)).split(sep).join('/')}`);
  return ['/', ...files, '/t/demo'];
}

/** Runs the probes while `attack` runs, or for `seconds` when there is none. */
async function measurePhase(
  base: string,
  paths: string[],
  phase: Phase,
  attack: (running: () => boolean) => Promise<void>,
  seconds: number,
): Promise<void> {
  const end = monotonicMs() + seconds * 1000;
  const running = () => monotonicMs() < end;
  const [files, healthz] = await Promise.all([
    probe(base, paths, running, { 'accept-encoding': 'br, gzip' }),
    probe(base, ['/healthz'], running),
    attack(running),
  ]);
  phase.files = files;
  phase.healthz = healthz;
}

async function searchAttack(api: ApiSession, options: Options, run: AttackRun, running: () => boolean) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const cookie = api.alice.cookie ?? '';
  try {
    run.search.largeBatch = await searchBatch(
      agent,
      api.server.base,
      cookie,
      api.meeting,
      options['large-batch'],
    );
    while (running()) {
      const answer = await searchBatch(agent, api.server.base, cookie, api.meeting, options['batch-size']);
      run.search.batches.record(answer.ms);
      run.search.statuses.set(answer.status, (run.search.statuses.get(answer.status) ?? 0) + 1);
    }
  } finally {
    agent.destroy();
  }
}

async function slowAttack(base: string, count: number, run: AttackRun): Promise<void> {
  const headers = 'GET / HTTP/1.1\r\nHost: localhost\r\n';
  const body = JSON.stringify({ email: 'alice@demo.test', password: 'x'.repeat(200) });
  const bodyHeaders = `POST /trpc/auth.signIn HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
  const many = (opening: string, trickle: string) =>
    Promise.all(Array.from({ length: count }, () => slowConnection(base, opening, trickle, SLOW_GIVE_UP_MS)));
  [run.slowHeaders, run.slowBodies] = await Promise.all([
    many(headers, `X-Slow: ${'a'.repeat(500)}`),
    many(bodyHeaders, body),
  ]);
}

async function measure(options: Options, run: AttackRun): Promise<void> {
  const paths = webAppPaths();
  log(`starting the API (RATE_LIMITS=off, RATE_LIMIT_BATCH_MAX=${options['batch-max']})`);
  const api = await startApiSession({
    database: 'sqlite',
    databaseUrl: undefined,
    built: options.built,
    startTimeoutMs: 90_000,
    env: { RATE_LIMITS: 'off', RATE_LIMIT_BATCH_MAX: String(options['batch-max']) },
  });
  try {
    log(`adding ${options.questions} questions to the demo meeting for the searches to scan`);
    await within(
      createQuestions(api, options.questions, 'attack'),
      60_000 + options.questions * 100,
      'adding questions',
    );
    const base = api.server.base;
    log(`quiet: ${paths.length} web app paths and /healthz for ${options['quiet-seconds']} s`);
    await measurePhase(base, paths, run.quiet, async () => {}, options['quiet-seconds']);
    log(
      `sign-in flood: ${options['flood-concurrency']} wrong passwords in flight for ${options['flood-seconds']} s`,
    );
    const flood = startSignInFlood(base, 'alice@demo.test', options['flood-concurrency']);
    await within(flood.ready, 30_000, 'the sign-in flood process to load');
    await measurePhase(
      base,
      paths,
      run.flood,
      async () => {
        run.flood.attack = await flood.run(options['flood-seconds']);
      },
      options['flood-seconds'],
    );
    log(
      `searches: one batch of ${options['large-batch']}, then batches of ${options['batch-size']} for ${options['search-seconds']} s`,
    );
    await measurePhase(
      base,
      paths,
      run.search,
      (running) => searchAttack(api, options, run, running),
      options['search-seconds'],
    );
    if (options['slow-connections'] > 0) {
      log(`slow clients: ${options['slow-connections']} sending headers, as many a body, a byte a second`);
      await slowAttack(base, options['slow-connections'], run);
    }
  } finally {
    api.agent.destroy();
    await api.server.stop();
  }
}

const ms = (value: number | undefined) => formatNumber(value, 1);
const quantile = (histogram: Histogram | undefined, q: number) =>
  histogram?.count ? ms(histogram.quantile(q)) : undefined;

function lifetimes(connections: SlowConnection[]): Histogram {
  const histogram = new Histogram();
  for (const connection of connections) histogram.record(connection.lifetimeMs);
  return histogram;
}

function answersOf(connections: SlowConnection[]): string {
  const counts = new Map<string, number>();
  for (const { answer } of connections) counts.set(answer || 'none', (counts.get(answer || 'none') ?? 0) + 1);
  return [...counts].map(([answer, count]) => `${count}× ${answer}`).join(', ');
}

function statusesOf(statuses: Map<number, number> | undefined): string | undefined {
  if (!statuses) return undefined;
  return [...statuses].map(([status, count]) => `${count}× ${status}`).join(', ');
}

function report(options: Options, run: AttackRun): string {
  const phases: Phase[] = [run.quiet, run.flood, run.search];
  const row = (label: string, pick: (phase: Phase) => Cell): Cell[] => [label, ...phases.map(pick)];
  const flood = run.flood.attack;
  const perSecond = (count: number | undefined) =>
    flood && count !== undefined ? formatNumber((count / flood.elapsedMs) * 1000, 0) : undefined;
  const attempts = flood ? [...flood.statuses.values()].reduce((sum, count) => sum + count, 0) : undefined;
  const headers = lifetimes(run.slowHeaders);
  const bodies = lifetimes(run.slowBodies);
  const seconds = (histogram: Histogram, q: number) =>
    histogram.count ? formatNumber(histogram.quantile(q) / 1000, 1) : undefined;
  return [
    '',
    `Under attack: ${options.built ? 'built API' : 'API from sources via tsx'}, SQLite, RATE_LIMITS=off, batch cap ${options['batch-max']}, loopback`,
    '',
    table(
      ['what others see (ms)', 'quiet', 'sign-in flood', 'search batches'],
      [
        row('web app files p50', (phase) => quantile(phase.files?.latency, 0.5)),
        row('web app files p99', (phase) => quantile(phase.files?.latency, 0.99)),
        row('web app files max', (phase) =>
          phase.files?.latency.count ? ms(phase.files.latency.max) : undefined,
        ),
        row('web app files fetched', (phase) => phase.files?.latency.count),
        row('web app files failed', (phase) => phase.files && (statusesOf(phase.files.failures) || 0)),
        row('/healthz p50', (phase) => quantile(phase.healthz?.latency, 0.5)),
        row('/healthz p99', (phase) => quantile(phase.healthz?.latency, 0.99)),
        row('/healthz max', (phase) =>
          phase.healthz?.latency.count ? ms(phase.healthz.latency.max) : undefined,
        ),
        row('/healthz answered', (phase) => phase.healthz?.latency.count),
        row('/healthz failed', (phase) => phase.healthz && (statusesOf(phase.healthz.failures) || 0)),
      ],
    ),
    '',
    table(
      ['attack', 'figure'],
      [
        ['sign-in callers in flight', options['flood-concurrency']],
        ['sign-in attempts/s', perSecond(attempts)],
        ['passwords hashed and refused (401)/s', perSecond(flood?.statuses.get(401))],
        ['sign-in answers by status', statusesOf(flood?.statuses)],
        [
          'sign-in round trip p50 / p99 (ms)',
          `${quantile(flood?.latency, 0.5)} / ${quantile(flood?.latency, 0.99)}`,
        ],
        [
          `one batch of ${options['large-batch']} searches: status, ms`,
          run.search.largeBatch
            ? `${run.search.largeBatch.status}, ${ms(run.search.largeBatch.ms)}`
            : undefined,
        ],
        [
          `batches of ${options['batch-size']} searches (${options.questions} more questions)`,
          statusesOf(run.search.statuses),
        ],
        [
          `batch of ${options['batch-size']} round trip p50 / max (ms)`,
          `${quantile(run.search.batches, 0.5)} / ${run.search.batches.count ? ms(run.search.batches.max) : '—'}`,
        ],
        [
          'slow headers: lifetime min / median / max (s)',
          `${seconds(headers, 0)} / ${seconds(headers, 0.5)} / ${seconds(headers, 1)}`,
        ],
        ['slow headers: server answered', answersOf(run.slowHeaders)],
        [
          'slow bodies: lifetime min / median / max (s)',
          `${seconds(bodies, 0)} / ${seconds(bodies, 0.5)} / ${seconds(bodies, 1)}`,
        ],
        ['slow bodies: server answered', answersOf(run.slowBodies)],
      ],
    ),
    run.failure ? `\nFAILED: ${run.failure}` : '',
  ].join('\n');
}

function figures(run: AttackRun) {
  const summary = (result: ProbeResult | undefined) =>
    result?.latency.count
      ? {
          p50: result.latency.quantile(0.5),
          p99: result.latency.quantile(0.99),
          max: result.latency.max,
          count: result.latency.count,
          failures: Object.fromEntries(result.failures),
        }
      : null;
  const phase = (value: Phase) => ({ files: summary(value.files), healthz: summary(value.healthz) });
  return {
    quiet: phase(run.quiet),
    flood: { ...phase(run.flood), statuses: Object.fromEntries(run.flood.attack?.statuses ?? []) },
    search: {
      ...phase(run.search),
      largeBatch: run.search.largeBatch ?? null,
      batchP50: run.search.batches.count ? run.search.batches.quantile(0.5) : null,
      batchMax: run.search.batches.count ? run.search.batches.max : null,
    },
    slowHeadersMs: run.slowHeaders.map((connection) => connection.lifetimeMs),
    slowBodiesMs: run.slowBodies.map((connection) => connection.lifetimeMs),
    failure: run.failure ?? null,
  };
}

async function main(options: Options): Promise<number> {
  const run: AttackRun = {
    quiet: {},
    flood: {},
    search: { batches: new Histogram(), statuses: new Map() },
    slowHeaders: [],
    slowBodies: [],
  };
  installExitHandlers(options.timeout * 1000, () => console.log(report(options, run)));
  try {
    await measure(options, run);
  } catch (error) {
    run.failure = error instanceof Error ? error.message : String(error);
  }
  console.log(report(options, run));
  if (options.json) writeFileSync(options.json, `${JSON.stringify({ options, ...figures(run) }, null, 2)}\n`);
  const cutSlowly = [...run.slowHeaders, ...run.slowBodies].some((c) => c.lifetimeMs >= SLOW_GIVE_UP_MS);
  return run.failure || cutSlowly ? 1 : 0;
}

runCommand('pnpm bench:attack', SPEC, main);
