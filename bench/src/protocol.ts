/** Messages between the harness (parent) and its load processes (`loader.ts`), over the fork IPC channel. */

import type { SerializedHistogram } from './histogram.js';
import type { VoteArrivalReport } from './storm-arrivals.js';

/** The wire format a load process parses: tRPC's SSE protocol, or the seed's plain `GET /events`. */
export type StreamFormat = 'trpc' | 'events';

export interface LoaderConfig {
  /** Which load process this is (0-based), for messages. */
  index: number;
  /** Full URL of the stream, e.g. http://127.0.0.1:4000/trpc/events.subscribe?input=… */
  url: string;
  headers: Record<string, string>;
  format: StreamFormat;
  /** Connections this process opens. */
  connections: number;
  /** Connections waiting for their `connected` frame at once. */
  connectConcurrency: number;
  /** A connection that has not sent its `connected` frame by then counts as failed. */
  connectTimeoutMs: number;
  /** Keep each delivery's arrival time (for latency); off for the write benchmark. */
  trackArrivals: boolean;
  /** Keep when each connection passed each question's upvote events (storm-arrivals.ts). */
  trackVotes: boolean;
}

export type ToLoader =
  /** `markers`: for each expected event marker, when its mutation was sent and answered (monotonic ms). */
  { t: 'finish'; markers: Record<string, MutationTimes> | null } | { t: 'exit' };

export interface MutationTimes {
  sentAt: number;
  respondedAt: number;
}

export interface ReadyReport {
  t: 'ready';
  index: number;
  connected: number;
  failed: number;
  /** The first few reasons connections failed. */
  errors: string[];
  /** From the first request to the last `connected` frame. */
  connectMs: number;
}

export interface ProgressReport {
  t: 'progress';
  index: number;
  deliveries: number;
  disconnects: number;
  /** Monotonic ms of the latest delivery, 0 before the first. */
  lastArrival: number;
  /** The lowest last id among the open connections: every one of them has received up to it. */
  passed: number;
}

/** One event id as this load process saw it. */
export interface IdReport {
  id: string;
  marker: string;
  /** Connections of this process that received it at least once. */
  received: number;
}

export interface LoaderResult {
  index: number;
  connections: number;
  deliveries: number;
  ids: IdReport[];
  /** Extra copies of an id on one connection. */
  duplicated: number;
  /** Deliveries whose id was not above the connection's previous id (duplicates excluded). */
  outOfOrder: number;
  /** Deliveries of an id whose payload differed from the first copy this process saw. */
  mismatched: number;
  disconnects: number;
  /** Pings (tRPC) and heartbeats (`GET /events`), which carry no event. */
  keepalives: number;
  /** `event: serialized-error` / `event: return` frames and malformed frames. */
  streamErrors: string[];
  /** Arrival − the mutation's response. */
  latency: SerializedHistogram | null;
  /** Arrival − the mutation's request: includes the time the mutation waited in the server. */
  latencyFromRequest: SerializedHistogram | null;
  firstArrival: number;
  lastArrival: number;
  /** With `trackVotes`. */
  votes: VoteArrivalReport | null;
  cpuUserMs: number;
  cpuSystemMs: number;
}

export type FromLoader =
  | ReadyReport
  | ProgressReport
  | { t: 'result'; result: LoaderResult }
  | { t: 'fatal'; index: number; message: string };

/** Monotonic milliseconds (CLOCK_MONOTONIC, shared by every process on this machine), µs precision. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}
