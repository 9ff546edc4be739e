/**
 * The storm: voters toggle their upvotes at a fixed rate whether or not earlier toggles were answered
 * (open loop), and a few events of other kinds go out beside them. Every (voter, question) pair has at
 * most one request in flight and the harness knows its state, so every toggle is a valid mutation and
 * any error is a real one.
 */
import { sleep } from '@pulsestage/test-harness/poll';
import { CallError } from './api-client.js';
import { Histogram } from './histogram.js';
import { monotonicMs } from './protocol.js';
import type { Published, StormTarget, VoteAck } from './storm-targets.js';

/** Requests in flight at most: beyond it, sends wait (and fall behind the schedule). */
const MAX_IN_FLIGHT = 512;
/** A send this late counts as behind the schedule. */
const LATE_MS = 100;
const ERROR_SAMPLES = 5;

/** An acknowledged toggle, for staleness: which question, which event carries it, when it was answered. */
export interface AckedVote {
  question: number;
  eventId: number;
  respondedAt: number;
}

export interface Traffic {
  /** Toggles due on the schedule before the end of the storm. */
  scheduled: number;
  sent: number;
  ok: number;
  /** Failed mutations (toggles and the other events) by kind, e.g. "HTTP 409 CONFLICT". */
  errors: Map<string, number>;
  errorSamples: string[];
  /** Sent at least LATE_MS after they were due. */
  late: number;
  /** Due while every pair had a request in flight. */
  skipped: number;
  latency: Histogram;
  acked: AckedVote[];
  /** From the first toggle sent to the last one answered. */
  elapsedMs?: number;
  others: Published[];
}

export function newTraffic(): Traffic {
  return {
    scheduled: 0,
    sent: 0,
    ok: 0,
    errors: new Map(),
    errorSamples: [],
    late: 0,
    skipped: 0,
    latency: new Histogram(),
    acked: [],
    others: [],
  };
}

export function errorCount(traffic: Traffic): number {
  return [...traffic.errors.values()].reduce((sum, count) => sum + count, 0);
}

/** "HTTP 409 CONFLICT", "ECONNRESET", …: what went wrong, without what differs between calls. */
function errorKind(error: unknown): string {
  if (error instanceof CallError) {
    try {
      const body = JSON.parse(error.body) as {
        error?: { data?: { code?: unknown }; json?: { data?: { code?: unknown } } };
      };
      const code = body.error?.data?.code ?? body.error?.json?.data?.code;
      return `HTTP ${error.status}${typeof code === 'string' ? ` ${code}` : ''}`;
    } catch {
      return `HTTP ${error.status}`;
    }
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message.slice(0, 80) : String(error);
}

function noteError(traffic: Traffic, what: string, error: unknown): void {
  const kind = `${what}: ${errorKind(error)}`;
  traffic.errors.set(kind, (traffic.errors.get(kind) ?? 0) + 1);
  if (traffic.errorSamples.length < ERROR_SAMPLES)
    traffic.errorSamples.push(
      `${what}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300),
    );
}

const IDLE = 0;
const BUSY = 1;
/** A toggle failed: whether the vote counted is unknown, so the pair is never used again. */
const UNKNOWN = 2;

/** Every (voter, question) pair's vote as its acknowledged toggles left it. */
export class Voting {
  private readonly voted: Uint8Array;
  private readonly state: Uint8Array;
  private readonly questionCount: number;

  constructor(
    private readonly target: StormTarget,
    private readonly traffic: Traffic,
  ) {
    this.questionCount = target.questions.length;
    this.voted = new Uint8Array(target.voters * this.questionCount);
    this.state = new Uint8Array(this.voted.length);
  }

  /** A random pair with nothing in flight, or undefined when there is none. */
  pickIdle(): number | undefined {
    const pairs = this.state.length;
    const first = Math.floor(Math.random() * pairs);
    for (let step = 0; step < pairs; step++) {
      const pair = (first + step) % pairs;
      if (this.state[pair] === IDLE) return pair;
    }
    return undefined;
  }

  /** Upvotes or removes the pair's vote, whichever changes it; records the outcome. Never rejects. */
  async toggle(pair: number): Promise<VoteAck | undefined> {
    const question = pair % this.questionCount;
    const voter = Math.floor(pair / this.questionCount);
    const up = this.voted[pair] === 0;
    this.state[pair] = BUSY;
    this.traffic.sent++;
    const sentAt = monotonicMs();
    try {
      const ack = await this.target.toggle(voter, this.target.questions[question] as string, up);
      this.voted[pair] = up ? 1 : 0;
      this.state[pair] = IDLE;
      this.traffic.ok++;
      this.traffic.latency.record(ack.respondedAt - ack.sentAt);
      this.traffic.acked.push({ question, eventId: ack.eventId, respondedAt: ack.respondedAt });
      return ack;
    } catch (error) {
      this.state[pair] = UNKNOWN;
      this.traffic.latency.record(monotonicMs() - sentAt);
      noteError(this.traffic, up ? 'upvote' : 'removeUpvote', error);
      return undefined;
    }
  }

  /** The question's count as the acknowledged toggles left it; undefined once a failed toggle left it unknown. */
  acknowledgedCount(question: number): number | undefined {
    let count = 0;
    for (let pair = question; pair < this.voted.length; pair += this.questionCount) {
      if (this.state[pair] === UNKNOWN) return undefined;
      count += this.voted[pair] ?? 0;
    }
    return count;
  }
}

/** Toggles due at start + k / rate until `end` (monotonic ms); what is due after `end` is not sent. */
async function vote(voting: Voting, rate: number, end: number, traffic: Traffic): Promise<void> {
  const interval = 1000 / rate;
  const start = monotonicMs();
  const inFlight = new Set<Promise<unknown>>();
  let lastResponse = start;
  for (let k = 0; start + k * interval < end; k++) {
    traffic.scheduled++;
    const due = start + k * interval;
    const wait = due - monotonicMs();
    if (wait > 1) await sleep(wait);
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const now = monotonicMs();
    if (now >= end) continue;
    if (now - due >= LATE_MS) traffic.late++;
    const pair = voting.pickIdle();
    if (pair === undefined) {
      traffic.skipped++;
      continue;
    }
    const call = voting.toggle(pair).finally(() => {
      inFlight.delete(call);
      lastResponse = monotonicMs();
    });
    inFlight.add(call);
  }
  await Promise.all(inFlight);
  traffic.elapsedMs = lastResponse - start;
}

/** One new question, then its answer, and so on, `rate` a second, each after the previous one. */
async function publishOthers(
  target: StormTarget,
  rate: number,
  end: number,
  traffic: Traffic,
): Promise<void> {
  if (rate === 0) return;
  const start = monotonicMs();
  for (let index = 0; start + (index * 1000) / rate < end; index++) {
    const wait = start + (index * 1000) / rate - monotonicMs();
    if (wait > 0) await sleep(wait);
    if (monotonicMs() >= end) break;
    try {
      traffic.others.push(await target.publishOther(index));
    } catch (error) {
      noteError(traffic, 'other event', error);
    }
  }
}

export async function storm(
  voting: Voting,
  target: StormTarget,
  options: { rate: number; duration: number; 'other-rate': number },
  traffic: Traffic,
): Promise<void> {
  const end = monotonicMs() + options.duration * 1000;
  await Promise.all([
    vote(voting, options.rate, end, traffic),
    publishOthers(target, options['other-rate'], end, traffic),
  ]);
}
