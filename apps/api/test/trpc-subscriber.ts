/**
 * Real API processes for the multi-instance tests: scratch PostgreSQL databases, spawning and stopping
 * `src/main.ts` on free ports, a TCP proxy to cut one process off Redis, signing in and mutating over
 * plain HTTP, reading `GET /events` as raw Server-Sent Events (with an EventSource-like client that
 * resumes on another instance), and the typed tRPC subscription through `eventsource`.
 *
 * Every wait here is bounded in time; every spawned process is remembered so `killAllProcesses` can
 * SIGKILL whatever is still running, even after a failed test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { type ClientRequest, request } from 'node:http';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createTRPCClient, httpSubscriptionLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import pg from 'pg';
import type { AppRouter } from '../src/router.js';

/** `apps/api`: the working directory of every spawned API process. */
export const API_DIR = fileURLToPath(new URL('..', import.meta.url));
export const SESSION_COOKIE = 'pulsestage_session';
export const DEMO_PASSWORD = 'demo-password';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `intervalMs` until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  { timeoutMs = 5000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Resolves with `promise`, or rejects naming `what` after `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------------
// Ports and databases

const handedOutPorts = new Set<number>();

/** A TCP port on 127.0.0.1 that was free a moment ago and that this helper has not handed out before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
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

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Runs one statement on a fresh connection to `adminUrl` (for what cannot run inside the target database). */
export async function adminQuery(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** An empty PostgreSQL database (the API processes migrate and seed it themselves), like test-support. */
export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = `pulsestage_test_${crypto.randomUUID().replaceAll('-', '')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`),
  };
}

/**
 * A TCP forwarder on 127.0.0.1 in front of a server (Redis), so a test can cut one process's
 * connections to it and refuse new ones for a while: an outage that touches no other client.
 */
export class TcpProxy {
  /** While false, every new connection is reset as soon as it arrives. */
  accepting = true;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();

  private constructor(private readonly server: Server) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server);
    server.on('connection', (client) => proxy.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Local ports of the forwarded connections to the target, as the target sees them. */
  upstreamPorts(): Set<number> {
    const ports = new Set<number>();
    for (const { upstream } of this.pairs) if (upstream.localPort) ports.add(upstream.localPort);
    return ports;
  }

  /** Resets every forwarded connection; returns how many there were. */
  cut(): number {
    const count = this.pairs.size;
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    return count;
  }

  async close(): Promise<void> {
    this.accepting = false;
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, targetHost: string, targetPort: number): void {
    if (!this.accepting) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const close = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}

// ---------------------------------------------------------------------------------------------------
// API processes

export type BusKind = 'postgres' | 'redis';

export interface ApiProcessOptions {
  name: string;
  /** PostgreSQL; without it the process runs the embedded default (SQLite in `env.DATA_DIR`). */
  databaseUrl?: string;
  bus?: BusKind;
  redisUrl?: string;
  env?: Record<string, string>;
  /** A port of its own; by default a free one. Pass the port of a stopped process to restart it there. */
  port?: number;
  /** Bound on the wait for `GET /readyz` to answer 200. */
  readyTimeoutMs?: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

const MAX_LOG_CHARS = 200_000;
const running = new Set<ApiProcess>();
let exitHookInstalled = false;

/** SIGKILLs every API process this helper started that is still running. Safe to call any time. */
export function killAllProcesses(): void {
  for (const api of running) api.kill('SIGKILL');
}

export class ApiProcess {
  readonly url: string;
  readonly exited: Promise<ProcessExit>;
  exit: ProcessExit | undefined;
  /** When the test sent a signal (a load balancer would stop routing to it from then on). */
  signalledAt: number | undefined;
  private log = '';

  private constructor(
    readonly name: string,
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

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid`);
    return this.child.pid;
  }

  /** Running and never signalled: where a load balancer would send a new connection. */
  get available(): boolean {
    return this.exit === undefined && this.signalledAt === undefined;
  }

  /** Spawns `node --import tsx src/main.ts` on a free port and waits for `GET /readyz` to answer 200. */
  static async start(options: ApiProcessOptions): Promise<ApiProcess> {
    const port = options.port ?? (await freePort());
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of [
      'NODE_ENV',
      'DATA_DIR',
      'WEB_DIST',
      'DATABASE_URL',
      'REDIS_URL',
      'EVENT_BUS',
      'PUBLIC_URL',
    ]) {
      delete env[key];
    }
    Object.assign(env, {
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_MODE: '1',
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      ...(options.bus ? { EVENT_BUS: options.bus } : {}),
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      ...options.env,
    });
    const child = spawn(
      process.execPath,
      ['--conditions=@pulsestage/source', '--import', 'tsx', 'src/main.ts'],
      { cwd: API_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', killAllProcesses);
    }
    const api = new ApiProcess(options.name, port, child);
    running.add(api);
    try {
      await api.waitReady(options.readyTimeoutMs ?? 30_000);
    } catch (error) {
      api.kill('SIGKILL');
      throw error;
    }
    return api;
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exit) {
        throw new Error(`${this.name} exited (${this.describeExit()}) before it was ready:\n${this.logs()}`);
      }
      try {
        const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(1000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() >= deadline) {
        throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.logs()}`);
      }
      await sleep(100);
    }
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
      const inodes = new Set<string>();
      for (const fd of readdirSync(`/proc/${this.pid}/fd`)) {
        try {
          const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${this.pid}/fd/${fd}`));
          if (match?.[1]) inodes.add(match[1]);
        } catch {
          // the descriptor closed meanwhile
        }
      }
      const ports = new Set<number>();
      for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
        let text: string;
        try {
          text = readFileSync(table, 'utf8');
        } catch {
          continue;
        }
        for (const line of text.split('\n').slice(1)) {
          const fields = line.trim().split(/\s+/);
          const [local, remote, state, inode] = [fields[1], fields[2], fields[3], fields[9]];
          if (!local || !remote || !inode || !inodes.has(inode) || state !== '01') continue;
          if (Number.parseInt(remote.split(':')[1] ?? '', 16) !== remotePort) continue;
          ports.add(Number.parseInt(local.split(':')[1] ?? '', 16));
        }
      }
      return ports;
    } catch {
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Plain HTTP calls

/** Signs in with `auth.signIn` and returns the `pulsestage_session=<token>` cookie pair. */
export async function signIn(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await fetch(`${baseUrl}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.text();
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`) && pair !== `${SESSION_COOKIE}=`);
  if (response.status !== 200 || !cookie) {
    throw new Error(`signing in as ${email} on ${baseUrl} failed: ${response.status} ${body}`);
  }
  return cookie;
}

/** A tRPC mutation over plain HTTP; returns `result.data` or throws with the status and body. */
export async function mutate<T>(baseUrl: string, path: string, input: unknown, cookie: string): Promise<T> {
  const response = await fetch(`${baseUrl}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${path} on ${baseUrl} failed: ${response.status} ${text}`);
  return (JSON.parse(text) as { result: { data: T } }).result.data;
}

// ---------------------------------------------------------------------------------------------------
// Server-Sent Events

export interface SseEvent {
  /** The frame's own `id:` field; undefined for frames without one (heartbeats). */
  id: string | undefined;
  data: string;
  receivedAt: number;
}

export interface SseConnection {
  url: string;
  lastEventIdSent: string | undefined;
  openedAt: number;
  /** Every data frame received on this connection, in order. */
  frames: SseEvent[];
  /** Resolves when the connection ends, whichever side ended it (never rejects). */
  ended: Promise<{ at: number; error?: string }>;
  endedAt: number | undefined;
  /** Cuts the connection from the client side, as a dropped network would. */
  drop(): void;
}

export interface SseOptions {
  cookie?: string;
  lastEventId?: string;
  onFrame?: (frame: SseEvent) => void;
  /** Bound on the wait for the response headers. */
  timeoutMs?: number;
}

/** Parses an SSE byte stream into frames as the EventSource algorithm does (comments skipped). */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private id: string | undefined;

  constructor(private readonly onFrame: (id: string | undefined, data: string) => void) {}

  push(text: string): void {
    this.buffer += text;
    for (;;) {
      const newline = this.buffer.search(/\r\n|\r|\n/);
      if (newline < 0) return;
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + width);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.onFrame(this.id, this.data.join('\n'));
      this.data = [];
      this.id = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.id = value;
  }
}

/**
 * Opens `GET <path>` as a raw event stream on its own socket. Resolves once a 200 `text/event-stream`
 * response has started; rejects on a refused connection or any other status (with the body).
 */
export function openSse(baseUrl: string, path: string, options: SseOptions = {}): Promise<SseConnection> {
  const url = new URL(path, baseUrl);
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  return new Promise((resolve, reject) => {
    let req: ClientRequest | undefined;
    const timer = setTimeout(() => {
      req?.destroy();
      reject(new Error(`no response from ${url} within ${options.timeoutMs ?? 5000} ms`));
    }, options.timeoutMs ?? 5000);
    req = request(url, { method: 'GET', headers, agent: false }, (res) => {
      clearTimeout(timer);
      res.setEncoding('utf8');
      if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/event-stream')) {
        let body = '';
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => reject(new Error(`GET ${url} answered ${res.statusCode}: ${body}`)));
        res.on('error', (error) => reject(error));
        return;
      }
      let settle: (value: { at: number; error?: string }) => void = () => {};
      const connection: SseConnection = {
        url: url.toString(),
        lastEventIdSent: options.lastEventId,
        openedAt: Date.now(),
        frames: [],
        ended: new Promise((done) => {
          settle = done;
        }),
        endedAt: undefined,
        drop: () => {
          req?.destroy();
          res.destroy();
        },
      };
      const finish = (error?: string) => {
        if (connection.endedAt !== undefined) return;
        connection.endedAt = Date.now();
        settle({ at: connection.endedAt, error });
      };
      const parser = new SseParser((id, data) => {
        if (connection.endedAt !== undefined) return;
        const frame: SseEvent = { id, data, receivedAt: Date.now() };
        connection.frames.push(frame);
        options.onFrame?.(frame);
      });
      res.on('data', (chunk: string) => parser.push(chunk));
      res.on('end', () => finish());
      res.on('error', (error) => finish(error.message));
      res.on('close', () => finish('closed'));
      resolve(connection);
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}

export interface ResumingSubscriberOptions {
  /** e.g. `/events?tenant=demo` */
  path: string;
  cookie: string;
  /** The Last-Event-ID of the first connection (the state the client already has). */
  lastEventId?: string;
  /** Where each (re)connection goes, asked anew every time, like a load balancer. */
  target: () => string;
  /** Delay before reconnecting after a drop or a refused connection (an EventSource's retry). */
  retryMs?: number;
  /** Bound on connection attempts. */
  maxAttempts?: number;
}

export interface ConnectionRecord {
  url: string;
  lastEventIdSent: string | undefined;
  openedAt: number;
  endedAt: number | undefined;
  /** Ids received on this connection, in order. */
  ids: string[];
}

/**
 * What an EventSource does, across instances: keeps one stream open, and whenever it ends or cannot be
 * opened, reconnects (to whatever `target` says now) with `Last-Event-ID` set to the last id it saw.
 */
export class ResumingSubscriber {
  /** Every event with an id, across all connections, in arrival order. */
  readonly events: (SseEvent & { id: string })[] = [];
  readonly connections: ConnectionRecord[] = [];
  readonly failedAttempts: { url: string; at: number; error: string }[] = [];
  lastEventId: string | undefined;
  current: SseConnection | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: ResumingSubscriberOptions) {
    this.lastEventId = options.lastEventId;
  }

  /** Starts the loop; resolves once the first connection is open. */
  async start(timeoutMs = 5000): Promise<void> {
    this.loop = this.run();
    await waitUntil(() => this.connections.length > 0, 'the first connection', { timeoutMs });
  }

  /** Numeric ids of every event received so far. */
  ids(): number[] {
    return this.events.map((event) => Number(event.id));
  }

  /** Waits until an event with an id of at least `seq` arrived. */
  async waitForId(seq: number, timeoutMs: number): Promise<void> {
    await waitUntil(() => Number(this.lastEventId ?? 0) >= seq, `event id ${seq}`, { timeoutMs });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.drop();
    await within(this.loop ?? Promise.resolve(), 5000, 'the subscriber loop to stop');
  }

  private async run(): Promise<void> {
    const { maxAttempts = 100, retryMs = 100 } = this.options;
    for (let attempt = 0; attempt < maxAttempts && !this.stopped; attempt += 1) {
      const baseUrl = this.options.target();
      let record: ConnectionRecord | undefined;
      try {
        const connection = await openSse(baseUrl, this.options.path, {
          cookie: this.options.cookie,
          lastEventId: this.lastEventId,
          onFrame: (frame) => {
            if (frame.id === undefined || this.stopped) return;
            this.lastEventId = frame.id;
            this.events.push({ ...frame, id: frame.id });
            record?.ids.push(frame.id);
          },
        });
        record = {
          url: baseUrl,
          lastEventIdSent: connection.lastEventIdSent,
          openedAt: connection.openedAt,
          endedAt: undefined,
          ids: [],
        };
        // Frames that arrived before `record` existed (same tick as the headers) are replayed here.
        for (const frame of connection.frames) if (frame.id !== undefined) record.ids.push(frame.id);
        this.connections.push(record);
        this.current = connection;
        if (this.stopped) connection.drop();
        const { at } = await connection.ended;
        record.endedAt = at;
        this.current = undefined;
      } catch (error) {
        this.failedAttempts.push({
          url: baseUrl,
          at: Date.now(),
          error: error instanceof Error ? error.message : String(error),
        });
      }
      if (!this.stopped) await sleep(retryMs);
    }
  }
}

export interface TrpcRequestRecord {
  url: string;
  /** The Last-Event-ID header the EventSource sent (it does so on its own reconnections). */
  lastEventIdHeader: string | undefined;
  at: number;
}

/**
 * The typed client's `events.subscribe` over `httpSubscriptionLink` with the `eventsource` package, as
 * the web app uses it. Each HTTP request the EventSource makes (its first connection and every automatic
 * reconnection) goes to whatever `target` says at that moment, like a load balancer would send it.
 */
export class TrpcSubscriber {
  readonly events: { id: string; data: unknown; receivedAt: number }[] = [];
  readonly requests: TrpcRequestRecord[] = [];
  readonly errors: string[] = [];
  private subscription: { unsubscribe(): void } | undefined;

  constructor(
    private readonly options: { cookie: string; tenant: string; lastEventId?: string; target: () => string },
  ) {}

  start(): void {
    const { cookie, target } = this.options;
    const route = (url: string | URL, init: RequestInit) => {
      const routed = new URL(url);
      routed.host = new URL(target()).host;
      const headers = new Headers(init.headers);
      this.requests.push({
        url: routed.toString(),
        lastEventIdHeader: headers.get('last-event-id') ?? undefined,
        at: Date.now(),
      });
      headers.set('cookie', cookie);
      return fetch(routed, { ...init, headers });
    };
    const client = createTRPCClient<AppRouter>({
      links: [
        httpSubscriptionLink({
          url: `${target()}/trpc`,
          EventSource,
          eventSourceOptions: () => ({ fetch: route }),
        }),
      ],
    });
    this.subscription = client.events.subscribe.subscribe(
      { tenant: this.options.tenant, lastEventId: this.options.lastEventId },
      {
        onData: (item) => this.events.push({ id: item.id, data: item.data, receivedAt: Date.now() }),
        onError: (error) => this.errors.push(error.message),
      },
    );
  }

  ids(): number[] {
    return this.events.map((event) => Number(event.id));
  }

  async waitForId(seq: number, timeoutMs: number): Promise<void> {
    await waitUntil(() => Number(this.events.at(-1)?.id ?? 0) >= seq, `tRPC event id ${seq}`, { timeoutMs });
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }
}
