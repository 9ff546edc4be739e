/**
 * What the attack benchmark runs against the API: latency probes (a person loading the web app, a load
 * balancer asking /healthz) and the attackers (a sign-in flood, batches of searches, connections that
 * trickle their headers or body a byte a second).
 */
import { fork } from 'node:child_process';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { httpRequest } from './api-client.js';
import { Histogram, type SerializedHistogram } from './histogram.js';
import { track } from './lifecycle.js';
import { BENCH_DIR, TSX_IMPORT } from './processes.js';
import { monotonicMs } from './protocol.js';

export interface ProbeResult {
  latency: Histogram;
  /** Answers other than 200 or 304 by status, and requests that failed as status 0. */
  failures: Map<number, number>;
}

export function count(counts: Map<number, number>, key: number): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * Requests `paths` one after another, round robin, on one keep-alive connection (as a browser tab
 * does) until `running()` turns false, recording each round trip.
 */
export async function probe(
  base: string,
  paths: readonly string[],
  running: () => boolean,
  headers: Record<string, string> = {},
): Promise<ProbeResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const result: ProbeResult = { latency: new Histogram(), failures: new Map() };
  try {
    for (let index = 0; running(); index++) {
      const path = paths[index % paths.length] as string;
      const sentAt = monotonicMs();
      try {
        const response = await httpRequest(agent, `${base}${path}`, 'GET', headers);
        result.latency.record(response.respondedAt - response.sentAt);
        if (response.status !== 200 && response.status !== 304) count(result.failures, response.status);
      } catch {
        result.latency.record(monotonicMs() - sentAt);
        count(result.failures, 0);
      }
    }
  } finally {
    agent.destroy();
  }
  return result;
}

export interface FloodResult {
  /** Answers by HTTP status: 401 is a password that was hashed and wrong, 429 a refusal. */
  statuses: Map<number, number>;
  latency: Histogram;
  errors: number;
  elapsedMs: number;
}

/** The flood process says it is loaded, then sends its figures when its time is up. */
export type FromFlood =
  | { t: 'ready' }
  | {
      t: 'report';
      statuses: [number, number][];
      latency: SerializedHistogram;
      errors: number;
      elapsedMs: number;
    };
export interface ToFlood {
  seconds: number;
}

/** The sign-in flood's own process, loaded and waiting for `run`. */
export interface FloodProcess {
  ready: Promise<void>;
  run(seconds: number): Promise<FloodResult>;
}

/**
 * Starts the sign-in flood (attack-flood.ts) in a process of its own, so that its thousands of requests
 * a second do not delay the probes' own clocks in this one.
 */
export function startSignInFlood(base: string, email: string, concurrency: number): FloodProcess {
  const child = track(
    fork(join(BENCH_DIR, 'src', 'attack-flood.ts'), [base, email, String(concurrency)], {
      cwd: BENCH_DIR,
      execArgv: ['--conditions=@pulsestage/source', '--import', TSX_IMPORT],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const exited = new Promise<never>((_resolve, reject) =>
    child.once('exit', (code) => reject(new Error(`the sign-in flood process exited (${code}) early`))),
  );
  exited.catch(() => {});
  const message = <T>() =>
    Promise.race([new Promise<T>((resolve) => child.once('message', resolve)), exited]);
  const ready = message<FromFlood>().then(() => undefined);
  return {
    ready,
    run: async (seconds) => {
      const answer = message<FromFlood>();
      child.send({ seconds } satisfies ToFlood);
      const report = await answer;
      if (report.t !== 'report') throw new Error('the sign-in flood process sent no figures');
      const latency = new Histogram();
      latency.merge(report.latency);
      return { ...report, statuses: new Map(report.statuses), latency };
    },
  };
}

export interface BatchAnswer {
  status: number;
  ms: number;
}

/**
 * One request carrying `calls` searches that match every question the benchmark added, each asking for
 * the largest page sorted by votes: the most work one search can ask of the server.
 */
export async function searchBatch(
  agent: Agent,
  base: string,
  cookie: string,
  meeting: { tenant: string; meetingId: string },
  calls: number,
): Promise<BatchAnswer> {
  const input = Object.fromEntries(
    Array.from({ length: calls }, (_unused, index) => [
      String(index),
      { ...meeting, search: 'question', limit: 100 },
    ]),
  );
  const paths = Array.from({ length: calls }, () => 'question.list').join(',');
  const url = `${base}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await httpRequest(agent, url, 'GET', { cookie });
  return { status: response.status, ms: response.respondedAt - response.sentAt };
}

export interface SlowConnection {
  /** From connecting until the server closed the connection. */
  lifetimeMs: number;
  /** The status line the server answered before closing, if any. */
  answer: string;
}

/**
 * A client that sends `opening` at once, then `trickle` one byte a second, as a slowloris attacker
 * does; resolves when the server closes the connection (or after `giveUpMs`, counted as that long).
 */
export function slowConnection(
  base: string,
  opening: string,
  trickle: string,
  giveUpMs: number,
): Promise<SlowConnection> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const openedAt = monotonicMs();
    let answer = '';
    let next = 0;
    const timer = setInterval(() => {
      if (next < trickle.length) socket.write(trickle.charAt(next++));
    }, 1000);
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on('connect', () => socket.write(opening));
    socket.on('data', (chunk: Buffer) => {
      answer ||= chunk.toString('latin1').split('\r\n')[0] ?? '';
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ lifetimeMs: monotonicMs() - openedAt, answer });
    });
  });
}
