/**
 * The real API (`apps/api/src/main.ts` through tsx, or the built `dist/main.js`) as a child process on
 * 127.0.0.1: its environment, a free port, the wait for `GET /readyz`, stopping and restarting. Every
 * process started here is remembered so `killAllProcesses` (also run at exit) can SIGKILL what is left,
 * even after a failed test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listeningPort } from './net.js';
import { sleep } from './poll.js';

/** `apps/api`: the working directory of every spawned API process. */
export const API_DIR = fileURLToPath(new URL('../../../apps/api/', import.meta.url));

const handedOutPorts = new Set<number>();

/** A TCP port on 127.0.0.1 that was free a moment ago and that this helper has not handed out before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const port = listeningPort(server);
        server.close(() => resolve(port));
      });
    });
    if (!handedOutPorts.has(port)) {
      handedOutPorts.add(port);
      return port;
    }
  }
  throw new Error('could not find a free port');
}

export type BusKind = 'memory' | 'postgres' | 'redis';

export interface ApiProcessOptions {
  name: string;
  /** PostgreSQL; without it the process runs the embedded default (SQLite in `env.DATA_DIR`). */
  databaseUrl?: string;
  bus?: BusKind;
  redisUrl?: string;
  env?: Record<string, string>;
  /** A port of its own; by default a free one. Pass the port of a stopped process to restart it there. */
  port?: number;
  /** Bound on the wait for `GET /readyz` to answer 200 (two minutes unless given). */
  readyTimeoutMs?: number;
  /** Run `dist/main.js` (built) instead of the TypeScript sources through tsx. */
  built?: boolean;
  /** Extra node options, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

/** Settings of the calling shell that would change what the child runs against. */
const INHERITED_SETTINGS = [
  'NODE_ENV',
  'DATA_DIR',
  'WEB_DIST',
  'DATABASE_URL',
  'REDIS_URL',
  'EVENT_BUS',
  'PUBLIC_URL',
  'RATE_LIMIT_STORE',
];
const MAX_LOG_CHARS = 200_000;
/**
 * A bound on a start, not a pace: a start takes seconds, but on a loaded two-core machine running the
 * other suites beside it (each test file starting processes of its own) it has taken more than 30.
 */
const READY_TIMEOUT_MS = 120_000;
const running = new Set<ApiProcess>();
let exitHookInstalled = false;

/** SIGKILLs every API process this helper started that is still running. Safe to call any time. */
export function killAllProcesses(): void {
  for (const api of running) api.kill('SIGKILL');
}

function childEnv(options: ApiProcessOptions, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of INHERITED_SETTINGS) delete env[key];
  return Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    DEMO_MODE: '1',
    // Tests and benchmarks act as a few demo accounts from one address, faster than any person would;
    // a test of the limits themselves passes RATE_LIMITS=on.
    RATE_LIMITS: 'off',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.bus ? { EVENT_BUS: options.bus } : {}),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...options.env,
  });
}

function nodeArguments(options: ApiProcessOptions): string[] {
  const entry = options.built
    ? ['dist/main.js']
    : ['--conditions=@pulsestage/source', '--import', 'tsx', 'src/main.ts'];
  return [...(options.nodeArgs ?? []), ...entry];
}

export class ApiProcess {
  readonly url: string;
  readonly exited: Promise<ProcessExit>;
  exit: ProcessExit | undefined;
  /** When the test sent a signal (a load balancer would stop routing to it from then on). */
  signalledAt: number | undefined;
  private log = '';

  private constructor(
    readonly options: ApiProcessOptions,
    readonly port: number,
    readonly child: ChildProcess,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    const append = (chunk: Buffer) => {
      this.log += chunk.toString('utf8');
      if (this.log.length > MAX_LOG_CHARS) this.log = this.log.slice(-MAX_LOG_CHARS);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal, at: Date.now() };
        running.delete(this);
        resolve(this.exit);
      });
    });
  }

  get name(): string {
    return this.options.name;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid`);
    return this.child.pid;
  }

  /** Running and never signalled: where a load balancer would send a new connection. */
  get available(): boolean {
    return this.exit === undefined && this.signalledAt === undefined;
  }

  /** Spawns the API on a free port (or `options.port`) and waits for `GET /readyz` to answer 200. */
  static async start(options: ApiProcessOptions): Promise<ApiProcess> {
    const port = options.port ?? (await freePort());
    const child = spawn(process.execPath, nodeArguments(options), {
      cwd: API_DIR,
      env: childEnv(options, port),
      // The IPC channel carries only a test's clock (`setClock`), which the API heeds with TEST_CLOCK=on.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', killAllProcesses);
    }
    const api = new ApiProcess(options, port, child);
    running.add(api);
    try {
      await api.waitReady(options.readyTimeoutMs ?? READY_TIMEOUT_MS);
    } catch (error) {
      api.kill('SIGKILL');
      throw error;
    }
    return api;
  }

  /**
   * Stops this process (SIGKILL: a crash; SIGTERM: a deploy) and starts it again with the same options
   * on the same port, so it keeps its data.
   */
  async restart(signal: 'SIGKILL' | 'SIGTERM'): Promise<ApiProcess> {
    if (signal === 'SIGKILL') {
      this.kill('SIGKILL');
      await this.exited;
    } else {
      await this.stop();
    }
    return ApiProcess.start({ ...this.options, port: this.port });
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exit) {
        throw new Error(`${this.name} exited (${this.describeExit()}) before it was ready:\n${this.logs()}`);
      }
      if (await this.answersReady()) return;
      if (Date.now() >= deadline) {
        throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.logs()}`);
      }
      await sleep(100);
    }
  }

  private async answersReady(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      return response.status === 200;
    } catch {
      return false; // not listening yet
    }
  }

  /**
   * Moves the process's clock (started with `TEST_CLOCK=on`) to `at`, from where it runs on; resolves once
   * the process has acted on it (the pulse schedule has looked at the new time).
   */
  async setClock(at: Date): Promise<void> {
    const now = at.toISOString();
    const acknowledged = new Promise<void>((resolve) => {
      const onMessage = (message: { type?: string; now?: string }) => {
        if (message.type !== 'clock-set' || message.now !== now) return;
        this.child.off('message', onMessage);
        resolve();
      };
      this.child.on('message', onMessage);
    });
    this.child.send({ type: 'set-clock', now });
    const exited = this.exited.then(() => {
      throw new Error(`${this.name} exited before it set its clock:\n${this.logs()}`);
    });
    await Promise.race([acknowledged, exited]);
  }

  /** Sends a signal (no-op once exited) and records when, so clients stop picking this instance. */
  kill(signal: NodeJS.Signals): void {
    if (this.exit) return;
    this.signalledAt ??= Date.now();
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 6000): Promise<ProcessExit> {
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  describeExit(): string {
    if (!this.exit) return 'running';
    return this.exit.signal ? `signal ${this.exit.signal}` : `code ${this.exit.code}`;
  }

  /** Everything the process wrote to stdout and stderr (the last 200 kB). */
  logs(): string {
    return this.log;
  }

  /**
   * Local ports of this process's TCP connections to `remotePort` (Linux, from /proc), so a test can
   * find this instance's own connection among a server's clients. Undefined when /proc is unavailable.
   */
  localPortsTo(remotePort: number): Set<number> | undefined {
    try {
      const inodes = socketInodes(this.pid);
      const ports = new Set<number>();
      for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
        for (const port of establishedLocalPorts(table, inodes, remotePort)) ports.add(port);
      }
      return ports;
    } catch {
      return undefined;
    }
  }
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // the descriptor closed meanwhile
    }
  }
  return inodes;
}

function establishedLocalPorts(table: string, inodes: Set<string>, remotePort: number): number[] {
  let text: string;
  try {
    text = readFileSync(table, 'utf8');
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [local, remote, state, inode] = [fields[1], fields[2], fields[3], fields[9]];
    if (!local || !remote || !inode || !inodes.has(inode) || state !== '01') continue;
    if (Number.parseInt(remote.split(':')[1] ?? '', 16) !== remotePort) continue;
    ports.push(Number.parseInt(local.split(':')[1] ?? '', 16));
  }
  return ports;
}

/**
 * The API on the embedded default (SQLite, the demo tenants) with a scratch data directory of its own.
 * It restarts on the same port and data, as a deployment restarts it; `dispose` stops it and deletes
 * the data.
 */
export class EmbeddedApi {
  private constructor(
    private current: ApiProcess,
    readonly dataDir: string,
  ) {}

  get url(): string {
    return this.current.url;
  }

  get process(): ApiProcess {
    return this.current;
  }

  static async start(options: Partial<Omit<ApiProcessOptions, 'databaseUrl'>> = {}): Promise<EmbeddedApi> {
    const dataDir = mkdtempSync(join(tmpdir(), 'pulsestage-api-'));
    try {
      const env = { ...options.env, DATA_DIR: dataDir };
      return new EmbeddedApi(await ApiProcess.start({ name: 'api', ...options, env }), dataDir);
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Stops the process with `signal` (SIGKILL: a crash; SIGTERM: a deploy) and starts it again;
   * resolves with how the stopped one exited.
   */
  async restart(signal: 'SIGKILL' | 'SIGTERM'): Promise<ProcessExit> {
    const stopped = this.current;
    this.current = await stopped.restart(signal);
    return stopped.exited;
  }

  async dispose(): Promise<void> {
    try {
      await this.current.stop();
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }
}
