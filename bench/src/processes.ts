/**
 * The server processes of the harness (the API, the baseline server) and their fresh databases: every
 * wait has a deadline, and every process and database is cleaned up at exit (lifecycle.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, within } from '@pulsestage/test-harness/poll';
import { createScratchDatabase } from '@pulsestage/test-harness/postgres';
import { API_DIR, ApiProcess, freePort } from '@pulsestage/test-harness/process';
import { onCleanup, track } from './lifecycle.js';

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = resolve(BENCH_DIR, '..');
/** `--import` takes a URL; resolving it here makes it independent of each child's working directory. */
export const TSX_IMPORT = import.meta.resolve('tsx');

const LOG_LINES_KEPT = 40;

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
  /** Settings for the API beyond the harness's own, e.g. RATE_LIMITS=off. */
  env?: Record<string, string>;
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
    // Every subscriber of a run shares alice's session and one address: no stream cap between them.
    // Request lines would come thousands a second, each appended to the log the harness keeps.
    env: {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      STREAM_LIMIT_PER_CREDENTIAL: '1000000',
      STREAM_LIMIT_PER_ADDRESS: '1000000',
      ...options.env,
    },
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
        '--conditions=@pulsestage/source',
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
