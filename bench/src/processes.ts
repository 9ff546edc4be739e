/**
 * Child processes of the harness (the API, the baseline server, the load processes), their CPU time
 * and memory from /proc, fresh databases, and cleanup: every child dies with the harness, also on
 * Ctrl-C, and every wait has a deadline.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, within } from '@pulsestage/test-harness/poll';
import { createScratchDatabase } from '@pulsestage/test-harness/postgres';
import { API_DIR, ApiProcess, freePort } from '@pulsestage/test-harness/process';

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = resolve(BENCH_DIR, '..');
/** `--import` takes a URL; resolving it here makes it independent of each child's working directory. */
export const TSX_IMPORT = import.meta.resolve('tsx');

const LOG_LINES_KEPT = 40;

// ---------------------------------------------------------------------------------------------------
// Cleanup

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void> | void)[] = [];

/** Tracks a child so it is killed when the harness exits, however it exits. */
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs at exit (after the children are killed): temporary directories, databases. */
export function onCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

let cleaning: Promise<void> | undefined;

/** Kills every child, runs the cleanups (each bounded), once. */
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    killAll();
    for (const step of cleanups.reverse()) {
      try {
        await within(Promise.resolve(step()), 10_000, 'cleanup');
      } catch (error) {
        console.error(`cleanup: ${error instanceof Error ? error.message : error}`);
      }
    }
  })();
  return cleaning;
}

/**
 * Ctrl-C, SIGTERM and crashes end every child; a global deadline bounds the whole run. `report`
 * prints whatever was measured so far before the children go.
 */
export function installExitHandlers(globalTimeoutMs: number, report: () => void): void {
  const stop = (code: number, message?: string) => {
    if (message) console.error(message);
    try {
      report();
    } catch (error) {
      console.error(`could not print the partial results: ${error instanceof Error ? error.message : error}`);
    }
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => stop(130, '\ninterrupted: stopping every child process'));
  process.once('SIGTERM', () => stop(143, 'terminated: stopping every child process'));
  process.once('uncaughtException', (error) => stop(1, `uncaught: ${error.stack ?? error.message}`));
  process.once('unhandledRejection', (error) => stop(1, `unhandled rejection: ${String(error)}`));
  process.on('exit', killAll);
  setTimeout(
    () => stop(1, `the whole run exceeded --timeout (${globalTimeoutMs / 1000} s); stopping`),
    globalTimeoutMs,
  ).unref();
}

// ---------------------------------------------------------------------------------------------------
// Limits

function shellLimit(): number {
  try {
    const value = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return value === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value);
  } catch {
    return Number.NaN;
  }
}

/**
 * The server holds one descriptor per subscriber and every load process its share: fail early, with
 * the command that fixes it, rather than with EMFILE halfway through.
 */
export function checkLimits(subscribers: number, loaders: number): void {
  const limit = shellLimit();
  const needed = subscribers + 512;
  if (Number.isFinite(limit) && limit < needed) {
    throw new Error(
      `The open-files limit (ulimit -n) is ${limit}, too low for ${subscribers} subscribers: the server ` +
        `needs one descriptor per connection plus ~512. Raise it in this shell and run again:\n` +
        `  ulimit -n ${Math.max(65536, needed)}\n` +
        '(as root, or within the hard limit shown by `ulimit -Hn`).',
    );
  }
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const ports = Number(high) - Number(low) + 1;
    if (ports < subscribers + 1000) {
      throw new Error(
        `Only ${ports} local ports (/proc/sys/net/ipv4/ip_local_port_range) for ${subscribers} loopback ` +
          'connections to one port. Widen the range: sysctl -w net.ipv4.ip_local_port_range="1024 65535"',
      );
    }
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('Only ')) throw error;
  }
  if (loaders < 1) throw new Error('--loaders must be at least 1');
}

// ---------------------------------------------------------------------------------------------------
// /proc

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU seconds the process has used so far (all its threads). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; fields after it are counted from its closing paren.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

/** The median of five RSS readings 100 ms apart, in KB: one reading can catch a GC half done. */
export async function steadyRssKb(pid: number): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    if (i > 0) await sleep(100);
    readings.push(rssKb(pid));
  }
  return readings.sort((a, b) => a - b)[2] as number;
}

/** Resident set size in KB. */
export function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

// ---------------------------------------------------------------------------------------------------
// Servers

export interface ServerProcess {
  name: string;
  base: string;
  pid: number;
  child: ChildProcess;
  /** The last lines the process wrote, for error messages. */
  log(): string;
  stop(): Promise<void>;
}

function keepLog(child: ChildProcess): () => string {
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > LOG_LINES_KEPT) lines.shift();
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return () => lines.join('\n');
}

function get(url: string, timeoutMs: number): Promise<number> {
  return new Promise((done) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(0));
    req.end();
  });
}

async function waitReady(server: ServerProcess, path: string, timeoutMs: number): Promise<void> {
  const exited = new Promise<never>((_done, fail) => {
    server.child.once('exit', (code, signal) =>
      fail(new Error(`${server.name} exited (${signal ?? code}) before it was ready:\n${server.log()}`)),
    );
  });
  const poll = (async () => {
    for (;;) {
      if ((await get(`${server.base}${path}`, 1000)) === 200) return;
      await sleep(100);
    }
  })();
  await within(Promise.race([poll, exited]), timeoutMs, `waiting for ${server.name} to answer ${path}`);
}

/**
 * SIGTERM, then SIGKILL after a grace period: 3 s, or 10 s for a process that writes a CPU profile as
 * it exits (a killed process leaves none).
 */
function stopper(child: ChildProcess, nodeArgs: string[] = []): () => Promise<void> {
  const graceMs = nodeArgs.some((arg) => arg.startsWith('--cpu-prof')) ? 10_000 : 3000;
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    try {
      await within(exited, graceMs, 'stopping a server');
    } catch {
      child.kill('SIGKILL');
      await within(exited, 3000, 'killing a server').catch(() => undefined);
    }
  };
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** A build older than its sources measures yesterday's server: say so. */
function warnIfStale(entry: string): void {
  const built = statSync(entry).mtimeMs;
  const sources = [join(API_DIR, 'src'), join(REPO_ROOT, 'packages', 'contracts', 'src')].filter(existsSync);
  if (sources.some((dir) => newestSource(dir) > built))
    console.error(`warning: ${entry} is older than the sources; run \`pnpm build\` or drop --built`);
}

interface ApiOptions {
  /** Run apps/api/dist (built) instead of the TypeScript sources through tsx. */
  built: boolean;
  /** PostgreSQL URL of a fresh database; SQLite in a fresh DATA_DIR when absent. */
  databaseUrl?: string;
  startTimeoutMs: number;
  /** Extra node options, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

/** A path given on the command line, relative to where the user ran it (pnpm runs scripts in bench/). */
function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/** Node options that write a CPU profile of a server process into `dir` when it exits. */
export function profileArgs(dir: string | undefined): string[] {
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${userPath(dir)}`] : [];
}

/** The part of a profiled run that was measured, in the profile's clock (CLOCK_MONOTONIC, µs). */
export interface ProfileWindow {
  /** What ran, e.g. "write, SQLite, 1000 subscribers". */
  label: string;
  fromUs: number;
  toUs: number;
  /** What the window produced, to express CPU per unit: e.g. 4,500 mutations. */
  count?: number;
  unit?: string;
}

/**
 * After a profiled server exited: renames the profile node wrote for the main thread of `pid`
 * (CPU.<date>.<time>.<pid>.0.…) to `<name>.<pid>.cpuprofile` and writes the measured window next to it (`.window.json`), which
 * `pnpm --filter @pulsestage/bench profile-summary` reads. Returns the new path, or undefined when the
 * process left no profile (it was killed before it could write one).
 */
export function labelProfile(
  dir: string,
  pid: number,
  name: string,
  window: ProfileWindow | undefined,
): string | undefined {
  const folder = userPath(dir);
  if (!existsSync(folder)) return undefined;
  // CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile; thread 0 is the main thread (tsx's loader has its own).
  const written = readdirSync(folder).find((file) => {
    const parts = file.split('.');
    return parts[0] === 'CPU' && parts[3] === String(pid) && parts[4] === '0' && file.endsWith('.cpuprofile');
  });
  if (!written) return undefined;
  const base = join(folder, `${name}.${pid}`);
  renameSync(join(folder, written), `${base}.cpuprofile`);
  if (window) writeFileSync(`${base}.window.json`, `${JSON.stringify(window, null, 2)}\n`);
  return `${base}.cpuprofile`;
}

/** Starts the real API in its own process: demo mode, loopback only, a fresh data directory. */
export async function startApi(options: ApiOptions): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pulsestage-bench-'));
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const entry = options.built ? join(API_DIR, 'dist', 'main.js') : join(API_DIR, 'src', 'main.ts');
  if (!existsSync(entry)) throw new Error(`${entry} is missing${options.built ? ' (run pnpm build)' : ''}`);
  if (options.built) warnIfStale(entry);
  const api = await ApiProcess.start({
    name: 'the API',
    built: options.built,
    databaseUrl: options.databaseUrl,
    bus: 'memory',
    env: { DATA_DIR: dataDir },
    nodeArgs: options.nodeArgs,
    readyTimeoutMs: options.startTimeoutMs,
  });
  const child = track(api.child);
  return {
    name: api.name,
    base: api.url,
    pid: api.pid,
    child,
    log: () => api.logs().trimEnd().split('\n').slice(-LOG_LINES_KEPT).join('\n'),
    stop: stopper(child, options.nodeArgs),
  };
}

/**
 * Starts the minimal node:http SSE server (baseline-server.ts) in its own process; with `coalesceMs`
 * it collects events that long and writes them to each subscriber together, as the API's hub does.
 */
export async function startBaseline(
  format: 'trpc' | 'events',
  startTimeoutMs: number,
  nodeArgs: string[] = [],
  coalesceMs = 0,
): Promise<ServerProcess> {
  const port = await freePort();
  const entry = join(BENCH_DIR, 'src', 'baseline-server.ts');
  const child = track(
    spawn(
      process.execPath,
      [
        ...nodeArgs,
        '--import',
        TSX_IMPORT,
        entry,
        ...['--port', String(port), '--format', format, '--coalesce-ms', String(coalesceMs)],
      ],
      {
        cwd: BENCH_DIR,
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    ),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the baseline server');
  const server: ServerProcess = {
    name: 'the baseline server',
    base: `http://127.0.0.1:${port}`,
    pid,
    child,
    log: keepLog(child),
    stop: stopper(child, nodeArgs),
  };
  await waitReady(server, '/healthz', startTimeoutMs);
  return server;
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL

/** The server URL from --database-url or TEST_DATABASE_URL, or a clear error. */
export function postgresUrl(given: string | undefined): string {
  const url = given ?? process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      '--database postgres needs a server: pass --database-url postgres://user@127.0.0.1:5432/postgres ' +
        '(or set TEST_DATABASE_URL). A fresh database is created on it and dropped afterwards.',
    );
  }
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`not a postgres:// URL: ${url}`);
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host))
    throw new Error(`the benchmark runs on loopback only; ${host} is not a loopback address`);
  return url;
}

/** Creates a fresh database on the server behind `adminUrl`; it is dropped at exit. */
export async function createPostgresDatabase(adminUrl: string): Promise<string> {
  const database = await createScratchDatabase(adminUrl, `pulsestage_bench_${process.pid}`);
  onCleanup(database.drop);
  return database.url;
}
